"""`python -m langchain_bedrock_enhanced`: the `langchain-bedrock-enhanced` command."""

from __future__ import annotations

import sys

from langchain_bedrock_enhanced.cli import main

if __name__ == "__main__":
    sys.exit(main())
