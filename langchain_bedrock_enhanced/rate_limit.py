"""Moved to `langchain_bedrock_enhanced.runnables.rate_limit`; this path keeps old imports working.

New code imports `BedrockRateLimiter`, `TokenRateLimiter` and `adaptive_retry_config`
from the package root. This alias goes away before 1.0.

Example:
    >>> from langchain_bedrock_enhanced.rate_limit import BedrockRateLimiter
    >>> from langchain_bedrock_enhanced import BedrockRateLimiter as current
    >>> BedrockRateLimiter is current
    True
"""

from __future__ import annotations

from langchain_bedrock_enhanced.runnables.rate_limit import (
    BedrockRateLimiter,
    RateLimitFeedbackHandler,
    adaptive_retry_config,
    is_throttling_error,
)

__all__ = [
    "BedrockRateLimiter",
    "RateLimitFeedbackHandler",
    "adaptive_retry_config",
    "is_throttling_error",
]
