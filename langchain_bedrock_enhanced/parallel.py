"""Moved to `langchain_bedrock_enhanced.runnables.parallel`; this path keeps old imports working.

New code imports `run_parallel`, `arun_parallel` and `ParallelResponse` from the package
root, and the result types from `langchain_bedrock_enhanced.runnables`. This alias goes
away before 1.0.

Example:
    >>> from langchain_bedrock_enhanced.parallel import run_parallel
    >>> from langchain_bedrock_enhanced import run_parallel as current
    >>> run_parallel is current
    True
"""

from __future__ import annotations

from langchain_bedrock_enhanced.runnables.parallel import (
    DEFAULT_MAX_CONCURRENCY,
    ParallelResponse,
    ParallelResult,
    ParallelStatistics,
    arun_parallel,
    run_parallel,
)

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "ParallelResponse",
    "ParallelResult",
    "ParallelStatistics",
    "arun_parallel",
    "run_parallel",
]
