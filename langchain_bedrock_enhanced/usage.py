"""Moved to `langchain_bedrock_enhanced.callbacks.usage`; this path keeps old imports working.

New code imports `get_bedrock_usage_callback` from the package root and the handler
from `langchain_bedrock_enhanced.callbacks`. This alias goes away before 1.0.

Example:
    >>> from langchain_bedrock_enhanced.usage import get_bedrock_usage_callback
    >>> from langchain_bedrock_enhanced import get_bedrock_usage_callback as current
    >>> get_bedrock_usage_callback is current
    True
"""

from __future__ import annotations

from langchain_bedrock_enhanced.callbacks.usage import (
    BedrockUsageCallbackHandler,
    UsageTotals,
    get_bedrock_usage_callback,
)

__all__ = ["BedrockUsageCallbackHandler", "UsageTotals", "get_bedrock_usage_callback"]
