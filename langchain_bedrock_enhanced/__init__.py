"""langchain-bedrock-enhanced: Amazon Bedrock for LangChain, without the sharp edges.

The public API is curated here; everything else is private. The local emulator
lives at `langchain_bedrock_enhanced.emulator` behind the `[emulator]` extra.
"""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("langchain-bedrock-enhanced")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
