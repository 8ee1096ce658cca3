"""Moved to `langchain_bedrock_enhanced.runnables.retry`; this path keeps old imports working.

New code imports `with_bedrock_retry` from the package root, the wrapper class from
`langchain_bedrock_enhanced.runnables` and the errors from `langchain_bedrock_enhanced.errors`.
This alias goes away before 1.0.

Example:
    >>> from langchain_bedrock_enhanced.retry import with_bedrock_retry
    >>> from langchain_bedrock_enhanced import with_bedrock_retry as current
    >>> with_bedrock_retry is current
    True
"""

from __future__ import annotations

from langchain_bedrock_enhanced.errors import BedrockRetryError, RetryAttempt
from langchain_bedrock_enhanced.runnables.retry import BedrockRetryRunnable, with_bedrock_retry

__all__ = ["BedrockRetryError", "BedrockRetryRunnable", "RetryAttempt", "with_bedrock_retry"]
