"""Runnables and helpers that wrap a model: retries, parallel runs, rate limits.

- `with_bedrock_retry` wraps a model (or chain) in `BedrockRetryRunnable`: backoff,
  region failover and model fallback.
- `run_parallel` / `arun_parallel` run many inputs, with a result per input and
  statistics, into a `ParallelResponse`.
- `submit_batch` runs many inputs as one Bedrock batch inference job (half the
  on-demand price, results in S3) and returns a `BedrockBatchJob` to wait for, stop,
  collect (`results()`, one per input), or `attach` to again after a restart.
- `BedrockRateLimiter` paces requests, `TokenRateLimiter` paces tokens,
  `RedisRateLimiter` shares one quota with a fleet through Redis (`[redis]` extra), and
  `adaptive_retry_config` turns on botocore's client-side rate limiting.

Example:
    >>> from langchain_bedrock_enhanced.runnables import BedrockRateLimiter
    >>> BedrockRateLimiter(requests_per_minute=600).requests_per_second
    10.0
"""

from __future__ import annotations

from langchain_bedrock_enhanced.runnables.batch_jobs import BedrockBatchJob, submit_batch
from langchain_bedrock_enhanced.runnables.parallel import (
    DEFAULT_MAX_CONCURRENCY,
    arun_parallel,
    run_parallel,
)
from langchain_bedrock_enhanced.runnables.parallel_results import (
    ParallelResponse,
    ParallelResult,
    ParallelStatistics,
)
from langchain_bedrock_enhanced.runnables.rate_limit import (
    BedrockRateLimiter,
    RateLimitFeedbackHandler,
    adaptive_retry_config,
    is_throttling_error,
)
from langchain_bedrock_enhanced.runnables.redis_rate_limit import RedisRateLimiter
from langchain_bedrock_enhanced.runnables.retry import BedrockRetryRunnable, with_bedrock_retry
from langchain_bedrock_enhanced.runnables.token_budget import TokenRateLimiter, estimate_tokens

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "BedrockBatchJob",
    "BedrockRateLimiter",
    "BedrockRetryRunnable",
    "ParallelResponse",
    "ParallelResult",
    "ParallelStatistics",
    "RateLimitFeedbackHandler",
    "RedisRateLimiter",
    "TokenRateLimiter",
    "adaptive_retry_config",
    "arun_parallel",
    "estimate_tokens",
    "is_throttling_error",
    "run_parallel",
    "submit_batch",
    "with_bedrock_retry",
]
