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
    ├── BedrockRetryError         every (model, region) attempt of with_bedrock_retry failed
    │                             (in retry.py; lists every attempt)
    ├── TransientError            the same request may succeed later, elsewhere or slower
    │   ├── ThrottlingError       ThrottlingException, ServiceQuotaExceededException, 429
    │   ├── ModelNotReadyError    ModelNotReadyException
    │   ├── ServiceUnavailableError  ServiceUnavailable, InternalServer, 5xx, broken streams
    │   └── ModelTimeoutError     ModelTimeoutException, connect and read timeouts
    └── PermanentError            the same request will fail the same way
        ├── AccessDeniedError     AccessDeniedException, bad or expired credentials
        ├── ModelNotFoundError    ResourceNotFoundException (unknown, legacy or retired model)
        └── RequestValidationError  ValidationException (bad request, on-demand not supported)
            └── ProfileRequirementError  needs an inference profile and none is known
                                         (in access/errors.py)
```

A plain `LLMError` (no subclass) means the failure could not be classified; it is
never retried automatically. Later features add leaves (for example errors about
inference-profile access) under the branch they belong to.

Each error carries `model_id`, `region`, `access_method` and the AWS `request_id`
when known, keeps the original exception as `__cause__`, and never carries
credentials: messages are scrubbed of anything that looks like an AWS key.

Example:
    >>> from langchain_bedrock_enhanced.errors import map_bedrock_errors, TransientError
    >>> try:
    ...     with map_bedrock_errors(model_id="amazon.nova-lite-v1:0", region="us-east-1"):
    ...         pass  # a boto3 call goes here
    ... except TransientError:
    ...     pass  # worth retrying
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

__all__ = [
    "AccessDeniedError",
    "AccessMethod",
    "BedrockEnhancedError",
    "ConfigurationError",
    "LLMError",
    "ModelNotFoundError",
    "ModelNotReadyError",
    "ModelTimeoutError",
    "ParameterValidationError",
    "PermanentError",
    "RequestValidationError",
    "ServiceUnavailableError",
    "ThrottlingError",
    "TransientError",
    "UnsupportedModelError",
    "map_bedrock_errors",
    "translate_bedrock_error",
]

AccessMethod = Literal["direct", "regional_cris", "global_cris", "application_profile"]
"""How a model was reached: its bare ID, a geo profile, the global profile or an ARN."""

# Access key IDs (AKIA/ASIA...) and anything labelled as a secret or token. botocore
# messages do not normally contain them; this is a belt-and-braces guarantee that an
# error string can be logged or shown to a user.
_SECRET_PATTERNS = (
    re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b"),
    re.compile(
        r"(?i)((?:aws_)?(?:secret_access_key|session_token|secret|password|bearer)"
        r"[\"']?\s*[:=]\s*[\"']?)[^\s\"',;]+"
    ),
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)[^\"',;]+"),
)


def _scrub(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(
            lambda m: (m.group(1) if m.groups() else "") + "[REDACTED]",
            text,
        )
    return text


class BedrockEnhancedError(Exception):
    """Root of every error raised by `langchain_bedrock_enhanced`.

    Args:
        message: What failed and how to fix it.
        model_id: The model identifier the caller used, if known.
        region: The AWS region of the request, if known.
        access_method: How the model was reached, if known.
        request_id: The AWS request ID (`x-amzn-RequestId`), if a request was made.

    Example:
        >>> err = BedrockEnhancedError("boom", model_id="amazon.nova-lite-v1:0")
        >>> err.model_id
        'amazon.nova-lite-v1:0'
    """

    def __init__(
        self,
        message: str,
        *,
        model_id: str | None = None,
        region: str | None = None,
        access_method: AccessMethod | None = None,
        request_id: str | None = None,
    ) -> None:
        """Store the scrubbed message and the request context."""
        self.message = _scrub(message)
        self.model_id = model_id
        self.region = region
        self.access_method: AccessMethod | None = access_method
        self.request_id = request_id
        super().__init__(self.message)

    def __str__(self) -> str:
        """The message followed by whatever context is known."""
        context = [
            f"{name}={value}"
            for name, value in (
                ("model_id", self.model_id),
                ("region", self.region),
                ("access_method", self.access_method),
                ("request_id", self.request_id),
            )
            if value is not None
        ]
        if not context:
            return self.message
        return f"{self.message} [{', '.join(context)}]"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the keyword-only context (needed across process pools)."""
        return (_rebuild, (type(self), self.message, self._context()))

    def _context(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "region": self.region,
            "access_method": self.access_method,
            "request_id": self.request_id,
        }


def _rebuild(
    cls: type[BedrockEnhancedError], message: str, context: dict[str, Any]
) -> BedrockEnhancedError:
    return cls(message, **context)


class ConfigurationError(BedrockEnhancedError, ValueError):
    """The caller's setup is wrong; no request was (or could be) sent.

    Raised, for example, when no AWS region can be determined or a named AWS
    profile does not exist. It is also a `ValueError`, which is what
    `ChatBedrockConverse` raises for bad configuration, so existing handlers keep
    working.

    Example:
        >>> raise ConfigurationError("No AWS region: pass region_name or set AWS_REGION.")
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.errors.ConfigurationError: No AWS region: ...
    """


class UnsupportedModelError(ConfigurationError):
    """No model family claims this model identifier.

    Args:
        message: What failed and how to fix it.
        suggestions: The closest supported model IDs, best first.
        **context: `model_id`, `region`, `access_method`, `request_id`.

    Example:
        >>> err = UnsupportedModelError.for_model(
        ...     "anthropic.claude-3-haku-20240307-v1:0",
        ...     ["anthropic.claude-3-haiku-20240307-v1:0", "amazon.nova-lite-v1:0"],
        ... )
        >>> err.suggestions[0]
        'anthropic.claude-3-haiku-20240307-v1:0'
    """

    def __init__(  # noqa: PLR0913 - keyword-only context fields
        self,
        message: str,
        *,
        suggestions: Iterable[str] = (),
        model_id: str | None = None,
        region: str | None = None,
        access_method: AccessMethod | None = None,
        request_id: str | None = None,
    ) -> None:
        """Store the suggestions, then the message and context."""
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        super().__init__(
            message,
            model_id=model_id,
            region=region,
            access_method=access_method,
            request_id=request_id,
        )

    def _context(self) -> dict[str, Any]:
        return {**super()._context(), "suggestions": self.suggestions}

    @classmethod
    def for_model(
        cls,
        model_id: str,
        supported: Iterable[str],
        *,
        lookup_key: str | None = None,
        region: str | None = None,
        limit: int = 3,
    ) -> UnsupportedModelError:
        """Build the error for `model_id`, suggesting the closest supported IDs.

        Args:
            model_id: The identifier as the caller wrote it.
            supported: Every supported base model ID.
            lookup_key: The normalised form to compare (defaults to `model_id`).
            region: The region, if known.
            limit: How many suggestions at most.

        Returns:
            The error, ready to raise.

        Example:
            >>> UnsupportedModelError.for_model("x.y", []).suggestions
            ()
        """
        candidates = sorted(set(supported))
        suggestions = difflib.get_close_matches(
            lookup_key or model_id, candidates, n=limit, cutoff=0.5
        )
        hint = (
            f" Closest supported IDs: {', '.join(suggestions)}."
            if suggestions
            else " Run get_all_supported_model_ids() to list the supported IDs."
        )
        msg = (
            f"Model {model_id!r} is not supported by any model family.{hint} "
            "To call it without validation use EnhancedChatBedrockConverse directly, "
            "or add a family with register_model_family()."
        )
        return cls(msg, suggestions=suggestions, model_id=model_id, region=region)


class ParameterValidationError(ConfigurationError):
    """A parameter is outside what the model accepts; nothing was sent.

    Args:
        message: What failed and how to fix it.
        problems: One `(parameter, explanation)` pair per problem.
        **context: `model_id`, `region`, `access_method`, `request_id`.

    Example:
        >>> err = ParameterValidationError(
        ...     "bad", problems=[("temperature", "must be <= 1")], model_id="m"
        ... )
        >>> err.problems
        (('temperature', 'must be <= 1'),)
    """

    def __init__(  # noqa: PLR0913 - keyword-only context fields
        self,
        message: str,
        *,
        problems: Iterable[tuple[str, str]] = (),
        model_id: str | None = None,
        region: str | None = None,
        access_method: AccessMethod | None = None,
        request_id: str | None = None,
    ) -> None:
        """Store the problems, then the message and context."""
        self.problems: tuple[tuple[str, str], ...] = tuple(problems)
        super().__init__(
            message,
            model_id=model_id,
            region=region,
            access_method=access_method,
            request_id=request_id,
        )

    def _context(self) -> dict[str, Any]:
        return {**super()._context(), "problems": self.problems}


class LLMError(BedrockEnhancedError):
    """A request to Bedrock failed, or something unexpected went wrong around it.

    A plain `LLMError` (not one of its subclasses) wraps a failure that could not be
    classified; the original exception is its `__cause__`.

    Args:
        message: What failed and how to fix it.
        error_code: The AWS error code (e.g. `ThrottlingException`), if any.
        status_code: The HTTP status code, if any.
        **context: `model_id`, `region`, `access_method`, `request_id`.

    Example:
        >>> LLMError("unexpected", error_code="Weird", status_code=418).status_code
        418
    """

    def __init__(  # noqa: PLR0913 - keyword-only context fields
        self,
        message: str,
        *,
        error_code: str | None = None,
        status_code: int | None = None,
        model_id: str | None = None,
        region: str | None = None,
        access_method: AccessMethod | None = None,
        request_id: str | None = None,
    ) -> None:
        """Store the AWS error code and HTTP status, then the message and context."""
        self.error_code = error_code
        self.status_code = status_code
        super().__init__(
            message,
            model_id=model_id,
            region=region,
            access_method=access_method,
            request_id=request_id,
        )

    def _context(self) -> dict[str, Any]:
        return {
            **super()._context(),
            "error_code": self.error_code,
            "status_code": self.status_code,
        }


class TransientError(LLMError):
    """The same request may succeed if retried later, in another region or profile.

    Example:
        >>> issubclass(ThrottlingError, TransientError)
        True
    """


class ThrottlingError(TransientError):
    """Bedrock throttled the request (quota or rate limit); back off and retry.

    Example:
        >>> ThrottlingError("Too many requests", error_code="ThrottlingException").error_code
        'ThrottlingException'
    """


class ModelNotReadyError(TransientError):
    """The model is not ready to serve yet; retry after a short wait.

    Example:
        >>> isinstance(ModelNotReadyError("warming up"), TransientError)
        True
    """


class ServiceUnavailableError(TransientError):
    """Bedrock or the connection to it failed on the server side (5xx, broken stream).

    Example:
        >>> isinstance(ServiceUnavailableError("503"), LLMError)
        True
    """


class ModelTimeoutError(TransientError):
    """The model or the connection timed out; retry, perhaps with a longer timeout.

    Example:
        >>> isinstance(ModelTimeoutError("read timeout"), TransientError)
        True
    """


class PermanentError(LLMError):
    """The same request will fail the same way; change something before retrying.

    Example:
        >>> issubclass(AccessDeniedError, PermanentError)
        True
    """


class AccessDeniedError(PermanentError):
    """The credentials are missing, invalid, expired, or lack permission for the model.

    Example:
        >>> isinstance(AccessDeniedError("no access"), PermanentError)
        True
    """


class ModelNotFoundError(PermanentError):
    """Bedrock does not know the model here, or it is legacy or past its end of life.

    Example:
        >>> isinstance(ModelNotFoundError("retired"), PermanentError)
        True
    """


class RequestValidationError(PermanentError):
    """Bedrock rejected the request as invalid (`ValidationException`).

    Example:
        >>> isinstance(RequestValidationError("bad input"), PermanentError)
        True
    """


_CODE_TO_ERROR: Mapping[str, type[LLMError]] = {
    "throttlingexception": ThrottlingError,
    "toomanyrequestsexception": ThrottlingError,
    "servicequotaexceededexception": ThrottlingError,
    "modelnotreadyexception": ModelNotReadyError,
    "serviceunavailableexception": ServiceUnavailableError,
    "serviceunavailable": ServiceUnavailableError,
    "internalserverexception": ServiceUnavailableError,
    "internalfailure": ServiceUnavailableError,
    "modelstreamerrorexception": ServiceUnavailableError,
    "modeltimeoutexception": ModelTimeoutError,
    "accessdeniedexception": AccessDeniedError,
    "unrecognizedclientexception": AccessDeniedError,
    "invalidsignatureexception": AccessDeniedError,
    "expiredtokenexception": AccessDeniedError,
    "incompletesignature": AccessDeniedError,
    "missingauthenticationtokenexception": AccessDeniedError,
    "resourcenotfoundexception": ModelNotFoundError,
    "validationexception": RequestValidationError,
    "modelerrorexception": PermanentError,
}

_HINTS: Mapping[type[LLMError], str] = {
    ThrottlingError: "Back off and retry, or raise the quota for this model.",
    ModelNotReadyError: "Retry after a short wait.",
    ServiceUnavailableError: "Retry, or use another region.",
    ModelTimeoutError: "Retry, or raise the timeout in the botocore Config.",
    AccessDeniedError: (
        "Check the AWS credentials and that model access is granted for this model "
        "and region in the Bedrock console."
    ),
    ModelNotFoundError: (
        "Check the model ID, that the model is offered in this region, and that it "
        "is not legacy or retired."
    ),
    RequestValidationError: "Fix the request; retrying it unchanged will not help.",
}


def translate_bedrock_error(
    err: BaseException,
    *,
    model_id: str | None = None,
    region: str | None = None,
    access_method: AccessMethod | None = None,
) -> BedrockEnhancedError:
    """Translate a botocore (or any) exception into this package's hierarchy.

    Our own errors pass through unchanged. The result does not have `__cause__` set;
    raise it with `raise translated from err`, or use `map_bedrock_errors`.

    Args:
        err: The exception to translate.
        model_id: The model identifier of the request.
        region: The region of the request.
        access_method: How the model was reached.

    Returns:
        The typed error.

    Example:
        >>> from botocore.exceptions import ClientError
        >>> boto_err = ClientError(
        ...     {"Error": {"Code": "ThrottlingException", "Message": "slow down"}},
        ...     "Converse",
        ... )
        >>> type(translate_bedrock_error(boto_err)).__name__
        'ThrottlingError'
    """
    if isinstance(err, BedrockEnhancedError):
        return err
    context: dict[str, Any] = {
        "model_id": model_id,
        "region": region,
        "access_method": access_method,
    }
    if isinstance(err, ClientError):
        return _translate_client_error(err, context)
    if isinstance(err, BotoCoreError):
        return _translate_botocore_error(err, context)
    msg = f"Unexpected error while calling Bedrock: {type(err).__name__}: {err}"
    return LLMError(msg, **context)


def _translate_client_error(err: ClientError, context: dict[str, Any]) -> LLMError:
    # EventStreamError is a ClientError whose codes are camel-cased
    # ("throttlingException"); lower-casing covers both spellings.
    error = err.response.get("Error", {})
    code = str(error.get("Code", "") or "")
    message = str(error.get("Message", "") or str(err))
    metadata = err.response.get("ResponseMetadata", {})
    status = metadata.get("HTTPStatusCode")
    request_id = metadata.get("RequestId") or None
    error_cls = _CODE_TO_ERROR.get(code.lower())
    if error_cls is None and isinstance(status, int):
        if status == 429:  # noqa: PLR2004 - HTTP Too Many Requests
            error_cls = ThrottlingError
        elif status >= 500:  # noqa: PLR2004 - HTTP server errors
            error_cls = ServiceUnavailableError
    error_cls = error_cls or LLMError
    hint = _HINTS.get(error_cls, "")
    operation = err.operation_name or "request"
    text = f"Bedrock {operation} failed with {code or 'an error'}: {message}"
    if hint:
        text = f"{text} {hint}"
    return error_cls(
        text,
        error_code=code or None,
        status_code=status if isinstance(status, int) else None,
        request_id=request_id,
        **context,
    )


def _translate_botocore_error(err: BotoCoreError, context: dict[str, Any]) -> BedrockEnhancedError:
    if isinstance(err, (ReadTimeoutError, ConnectTimeoutError)):
        msg = f"Timed out talking to Bedrock: {err}. {_HINTS[ModelTimeoutError]}"
        return ModelTimeoutError(msg, **context)
    if isinstance(err, (EndpointConnectionError, ConnectionClosedError)):
        msg = f"Could not reach Bedrock: {err}. {_HINTS[ServiceUnavailableError]}"
        return ServiceUnavailableError(msg, **context)
    if isinstance(err, (NoCredentialsError, PartialCredentialsError)):
        msg = (
            f"AWS credentials are missing or incomplete: {err}. Configure them with "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or an IAM role."
        )
        return AccessDeniedError(msg, **context)
    if isinstance(err, NoRegionError):
        msg = "No AWS region: pass region_name, or set AWS_REGION or AWS_DEFAULT_REGION."
        return ConfigurationError(msg, **context)
    if isinstance(err, ProfileNotFound):
        msg = f"{err}. Check AWS_PROFILE / credentials_profile_name and ~/.aws/config."
        return ConfigurationError(msg, **context)
    msg = f"botocore failed: {type(err).__name__}: {err}"
    return LLMError(msg, **context)


@contextmanager
def map_bedrock_errors(
    *,
    model_id: str | None = None,
    region: str | None = None,
    access_method: AccessMethod | None = None,
) -> Iterator[None]:
    """Translate botocore errors raised inside the block into typed errors.

    `ClientError` (including `EventStreamError`) and `BotoCoreError` are translated
    with `translate_bedrock_error` and re-raised `from` the original. Our own errors
    and anything else pass through untouched.

    Args:
        model_id: The model identifier of the request.
        region: The region of the request.
        access_method: How the model was reached.

    Yields:
        Nothing; wrap the boto3 call in the block.

    Example:
        >>> with map_bedrock_errors(model_id="amazon.nova-lite-v1:0"):
        ...     result = 1 + 1
    """
    try:
        yield
    except (ClientError, BotoCoreError) as err:
        raise translate_bedrock_error(
            err, model_id=model_id, region=region, access_method=access_method
        ) from err
