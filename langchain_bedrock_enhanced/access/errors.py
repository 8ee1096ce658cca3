"""The error raised when a model needs an inference profile that cannot be found.

It sits under `RequestValidationError` (Bedrock answers `ValidationException`), so
code that already catches validation errors keeps working:

```
BedrockEnhancedError
└── LLMError
    └── PermanentError
        └── RequestValidationError
            └── ProfileRequirementError   on-demand not supported, no usable profile
```

Example:
    >>> err = ProfileRequirementError(
    ...     model_id="anthropic.claude-sonnet-4-5-20250929-v1:0",
    ...     region="eu-west-1",
    ...     suggested_profile_id="eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ... )
    >>> "eu.anthropic.claude-sonnet-4-5-20250929-v1:0" in err.message
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import ClientError

from langchain_bedrock_enhanced.access.methods import AccessMethod
from langchain_bedrock_enhanced.errors import AccessMethod as ErrorAccessMethod
from langchain_bedrock_enhanced.errors import RequestValidationError

__all__ = ["Attempt", "ProfileRequirementError"]

Attempt = tuple[str | None, AccessMethod | str]
"""`(model ID sent or None, access method)` of one attempt."""

_VALIDATION_STATUS = 400


class ProfileRequirementError(RequestValidationError):
    """The model refuses on-demand calls here and no working inference profile is known.

    The message says what was tried and what to do: use the suggested profile ID,
    call from a region that offers a profile, or refresh the model catalog.

    Args:
        message: A custom message; by default one is built from the other arguments.
        model_id: The model identifier the caller used.
        region: The region of the request.
        original_error: The Bedrock error that revealed the requirement, if any.
        tried: What was already tried, in order: `(model ID sent, access method)`
            pairs, or bare access methods.
        suggested_profile_id: A profile ID (or ARN) the caller could use instead.
        access_method: How the last attempt reached the model, if any.
        request_id: The AWS request ID; taken from `original_error` when omitted.
        error_code: The AWS error code.
        status_code: The HTTP status code.

    Example:
        >>> err = ProfileRequirementError(
        ...     model_id="amazon.nova-pro-v1:0",
        ...     region="sa-east-1",
        ...     tried=[("amazon.nova-pro-v1:0", AccessMethod.DIRECT)],
        ... )
        >>> err.tried
        (('amazon.nova-pro-v1:0', <AccessMethod.DIRECT: 'direct'>),)
    """

    def __init__(  # noqa: PLR0913 - keyword-only context fields
        self,
        message: str | None = None,
        *,
        model_id: str | None = None,
        region: str | None = None,
        original_error: BaseException | None = None,
        tried: Iterable[Attempt | AccessMethod] = (),
        suggested_profile_id: str | None = None,
        access_method: ErrorAccessMethod | None = None,
        request_id: str | None = None,
        error_code: str | None = "ValidationException",
        status_code: int | None = _VALIDATION_STATUS,
    ) -> None:
        """Build the default message when none is given, then store the context."""
        self.original_error = original_error
        self.tried: tuple[Attempt, ...] = tuple(_as_attempt(item) for item in tried)
        self.suggested_profile_id = suggested_profile_id
        if message is None:
            message = _default_message(model_id, region, self.tried, suggested_profile_id)
        super().__init__(
            message,
            error_code=error_code,
            status_code=status_code,
            model_id=model_id,
            region=region,
            access_method=access_method,
            request_id=request_id or _request_id_of(original_error),
        )

    def _context(self) -> dict[str, Any]:
        return {
            **super()._context(),
            "original_error": self.original_error,
            "tried": self.tried,
            "suggested_profile_id": self.suggested_profile_id,
        }


def _as_attempt(item: Attempt | AccessMethod) -> Attempt:
    if isinstance(item, tuple):
        sent, method = item
    else:
        sent, method = None, item
    try:
        return (sent, AccessMethod(method))
    except ValueError:
        return (sent, method)


def _request_id_of(error: BaseException | None) -> str | None:
    seen = 0
    while error is not None and seen < 8:  # noqa: PLR2004 - cause chains are short
        if isinstance(error, ClientError):
            request_id = error.response.get("ResponseMetadata", {}).get("RequestId")
            return str(request_id) if request_id else None
        existing = getattr(error, "request_id", None)
        if isinstance(existing, str) and existing:
            return existing
        error = error.__cause__
        seen += 1
    return None


def _default_message(
    model_id: str | None,
    region: str | None,
    tried: tuple[Attempt, ...],
    suggested_profile_id: str | None,
) -> str:
    model = repr(model_id) if model_id else "The model"
    where = f" in {region}" if region else ""
    text = (
        f"Model {model} does not support on-demand throughput{where}; "
        "Bedrock requires an inference profile that contains it."
        if model_id
        else f"The model does not support on-demand throughput{where}; "
        "Bedrock requires an inference profile that contains it."
    )
    if tried:
        attempts = ", ".join(
            f"{method} ({sent})" if sent else str(method) for sent, method in tried
        )
        text = f"{text} Tried: {attempts}."
    if suggested_profile_id:
        text = (
            f"{text} Use the inference profile {suggested_profile_id!r} as the model ID, "
            "or leave auto_inference_profile on so it is chosen for you."
        )
    else:
        text = (
            f"{text} No inference profile for this model is known{where}: call it from a "
            "region that offers one, pass an inference profile ID or ARN as the model ID, "
            "or refresh the model catalog (ModelCatalog.refresh()) if AWS added a profile "
            "recently."
        )
    return text
