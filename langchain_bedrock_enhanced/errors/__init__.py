"""Every error this package raises, and the one place botocore errors are translated.

The hierarchy is a single tree. Catch the root to catch everything we raise; catch
`TransientError` to decide what is worth retrying; catch `ConfigurationError` to
find mistakes a caller must fix before any request can succeed.

```
BedrockEnhancedError              root: everything this package raises
├── ConfigurationError            the setup is wrong; raised before any request (also ValueError)
│   ├── UnsupportedModelError     no model family claims the identifier
│   └── ParameterValidationError  a parameter is outside what the model accepts
└── LLMError                      a request to Bedrock failed (or something unexpected did)
    ├── BedrockRetryError         every (model, region) attempt of with_bedrock_retry failed;
    │                             lists each RetryAttempt
    ├── TransientError            the same request may succeed later, elsewhere or slower
    │   ├── ThrottlingError       ThrottlingException, ServiceQuotaExceededException, 429
    │   │   └── RateLimitExceededError  our own limiter was full and the caller would not wait
    │   ├── ModelNotReadyError    ModelNotReadyException
    │   ├── ServiceUnavailableError  ServiceUnavailable, InternalServer, 5xx, broken streams
    │   ├── ModelTimeoutError     ModelTimeoutException, connect and read timeouts
    │   └── StreamInterruptedError  a stream broke after content arrived; never re-sent
    ├── StructuredOutputError     the answers never matched the requested schema
    ├── BatchJobError             a batch inference job failed, or left an input unanswered
    └── PermanentError            the same request will fail the same way
        ├── AccessDeniedError     AccessDeniedException, bad or expired credentials
        ├── ModelNotFoundError    ResourceNotFoundException (unknown, legacy or retired model)
        └── RequestValidationError  ValidationException (bad request, on-demand not supported)
            └── ProfileRequirementError  needs an inference profile and none is known
```

A plain `LLMError` (no subclass) means the failure could not be classified; it is
never retried automatically.

Each error carries an `ErrorContext` (`model_id`, `region`, `access_method` and the
AWS `request_id`, each when known, also readable as attributes of the error), keeps
the original exception as `__cause__`, and never carries credentials: messages are
scrubbed of anything that looks like an AWS key. `iter_causes` walks the chain of
causes the same way for every reader in the package.

Example:
    >>> from langchain_bedrock_enhanced.errors import map_bedrock_errors, TransientError
    >>> try:
    ...     with map_bedrock_errors(model_id="amazon.nova-lite-v1:0", region="us-east-1"):
    ...         pass  # a boto3 call goes here
    ... except TransientError:
    ...     pass  # worth retrying
"""

from __future__ import annotations

from langchain_bedrock_enhanced.errors._translate import (
    as_typed,
    error_class_for,
    keeping_botocore_class,
    map_bedrock_errors,
    translate_bedrock_error,
)
from langchain_bedrock_enhanced.errors._tree import (
    AccessDeniedError,
    BatchJobError,
    BedrockEnhancedError,
    BedrockRetryError,
    ConfigurationError,
    ContextArgs,
    ErrorContext,
    LLMError,
    ModelNotFoundError,
    ModelNotReadyError,
    ModelTimeoutError,
    ParameterValidationError,
    PermanentError,
    ProfileRequirementError,
    RateLimitExceededError,
    RequestValidationError,
    RetryAttempt,
    ServiceUnavailableError,
    StreamInterruptedError,
    StructuredOutputError,
    ThrottlingError,
    TransientError,
    UnsupportedModelError,
    iter_causes,
)

__all__ = [
    "AccessDeniedError",
    "BatchJobError",
    "BedrockEnhancedError",
    "BedrockRetryError",
    "ConfigurationError",
    "ContextArgs",
    "ErrorContext",
    "LLMError",
    "ModelNotFoundError",
    "ModelNotReadyError",
    "ModelTimeoutError",
    "ParameterValidationError",
    "PermanentError",
    "ProfileRequirementError",
    "RateLimitExceededError",
    "RequestValidationError",
    "RetryAttempt",
    "ServiceUnavailableError",
    "StreamInterruptedError",
    "StructuredOutputError",
    "ThrottlingError",
    "TransientError",
    "UnsupportedModelError",
    "as_typed",
    "error_class_for",
    "iter_causes",
    "keeping_botocore_class",
    "map_bedrock_errors",
    "translate_bedrock_error",
]

# Report this module as the classes' home: tracebacks, reprs and pickles name the
# public path, which is where users import them from.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type) or callable(_value):
        _value.__module__ = __name__
del _name, _value
