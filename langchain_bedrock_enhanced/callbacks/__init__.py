"""Callbacks that see every model call: usage and cost, and what each call reported.

- `get_bedrock_usage_callback()` totals tokens and cost, by model and access method.
- `call_info_from_message` and `CallInfoHandler` read what one call reported: model,
  access method, attempts, tokens, latency and cost.

Example:
    >>> from langchain_bedrock_enhanced.callbacks import get_bedrock_usage_callback
    >>> with get_bedrock_usage_callback() as usage:
    ...     pass  # run chains here
    >>> usage.successful_requests
    0
"""

from __future__ import annotations

from langchain_bedrock_enhanced.callbacks.call_info import (
    BedrockCallInfo,
    CallInfoHandler,
    ErrorInfo,
    TokenUsage,
    call_info_from_llm_result,
    call_info_from_message,
    error_info,
)
from langchain_bedrock_enhanced.callbacks.usage import (
    BedrockUsageCallbackHandler,
    UsageTotals,
    get_bedrock_usage_callback,
    sum_calls,
)

__all__ = [
    "BedrockCallInfo",
    "BedrockUsageCallbackHandler",
    "CallInfoHandler",
    "ErrorInfo",
    "TokenUsage",
    "UsageTotals",
    "call_info_from_llm_result",
    "call_info_from_message",
    "error_info",
    "get_bedrock_usage_callback",
    "sum_calls",
]
