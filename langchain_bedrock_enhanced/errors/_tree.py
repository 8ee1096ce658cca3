"""The error classes, the request context they carry, and the walk over their causes.

See `langchain_bedrock_enhanced.errors` for the tree; every class here is re-exported
there, and reports that module as its home.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from typing_extensions import TypedDict, Unpack, override

from langchain_bedrock_enhanced.errors._messages import (
    Attempt,
    not_offered_message,
    policy_message,
    profile_requirement_message,
)
from langchain_bedrock_enhanced.model_ids import AccessMethod

CAUSE_DEPTH = 8
"""How many links of a cause chain are read; real chains are two or three deep."""

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


def iter_causes(
    error: BaseException | None, *, limit: int = CAUSE_DEPTH
) -> Iterator[BaseException]:
    """`error`, then what it was raised from, link by link.

    Each step follows `__cause__` (`raise ... from err`), else `__context__` (an
    exception raised while handling another), as Python's own traceback does. A cycle
    or a chain longer than `limit` ends the walk.

    Args:
        error: Where to start; `None` yields nothing.
        limit: The most exceptions yielded.

    Yields:
        Each exception of the chain, `error` first.

    Example:
        >>> try:
        ...     try:
        ...         raise KeyError("inner")
        ...     except KeyError as inner:
        ...         raise ThrottlingError("outer") from inner
        ... except ThrottlingError as outer:
        ...     [type(e).__name__ for e in iter_causes(outer)]
        ['ThrottlingError', 'KeyError']
    """
    seen: set[int] = set()
    current = error
    while current is not None and len(seen) < limit and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


@dataclass(frozen=True)
class ErrorContext:
    """Where a failure happened: the request context every error of the package carries.

    Example:
        >>> ErrorContext(model_id="amazon.nova-lite-v1:0", region="us-east-1").region
        'us-east-1'
    """

    model_id: str | None = None
    """The model identifier the caller used."""
    region: str | None = None
    """The AWS region of the request."""
    access_method: AccessMethod | None = None
    """How the model was reached: direct, a regional or global profile, or an ARN."""
    request_id: str | None = None
    """The AWS request ID (`x-amzn-RequestId`), if a request was made."""
    attempts: int | None = None
    """HTTP requests sent for the call so far, botocore's own retries included."""


class ContextArgs(TypedDict, total=False):
    """The fields of `ErrorContext`, as keyword arguments of every error's constructor."""

    model_id: str | None
    region: str | None
    access_method: AccessMethod | None
    request_id: str | None
    attempts: int | None


class BedrockEnhancedError(Exception):
    """Root of every error raised by `langchain_bedrock_enhanced`.

    Args:
        message: What failed and how to fix it.
        **context: The `ErrorContext` fields: `model_id`, `region`, `access_method`
            and `request_id`, each when known.

    Example:
        >>> err = BedrockEnhancedError("boom", model_id="amazon.nova-lite-v1:0")
        >>> err.model_id, err.context.region
        ('amazon.nova-lite-v1:0', None)
    """

    def __init__(self, message: str, **context: Unpack[ContextArgs]) -> None:
        """Store the scrubbed message and the request context."""
        self.message = _scrub(message)
        self.context = ErrorContext(**context)
        super().__init__(self.message)

    @property
    def model_id(self) -> str | None:
        """The model identifier the caller used, if known."""
        return self.context.model_id

    @property
    def region(self) -> str | None:
        """The AWS region of the request, if known."""
        return self.context.region

    @property
    def access_method(self) -> AccessMethod | None:
        """How the model was reached, if known."""
        return self.context.access_method

    @property
    def request_id(self) -> str | None:
        """The AWS request ID, if a request was made."""
        return self.context.request_id

    def __str__(self) -> str:
        """The message followed by whatever context is known."""
        known = [
            f"{field.name}={value}"
            for field in dataclasses.fields(self.context)
            if (value := getattr(self.context, field.name)) is not None
        ]
        return f"{self.message} [{', '.join(known)}]" if known else self.message

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the keyword-only arguments (needed across process pools)."""
        return (_rebuild, (type(self), self.message, self._arguments()))

    def _arguments(self) -> dict[str, Any]:
        """The keyword arguments that rebuild this error; subclasses add their own."""
        return dataclasses.asdict(self.context)


def _rebuild(
    cls: type[BedrockEnhancedError], message: str, arguments: dict[str, Any]
) -> BedrockEnhancedError:
    return cls(message, **arguments)


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
        **context: The `ErrorContext` fields.

    Example:
        >>> err = UnsupportedModelError.for_model(
        ...     "anthropic.claude-3-haku-20240307-v1:0",
        ...     ["anthropic.claude-3-haiku-20240307-v1:0", "amazon.nova-lite-v1:0"],
        ... )
        >>> err.suggestions[0]
        'anthropic.claude-3-haiku-20240307-v1:0'
    """

    def __init__(
        self, message: str, *, suggestions: Iterable[str] = (), **context: Unpack[ContextArgs]
    ) -> None:
        """Store the suggestions, then the message and context."""
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        super().__init__(message, **context)

    @override
    def _arguments(self) -> dict[str, Any]:
        return {**super()._arguments(), "suggestions": self.suggestions}

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
        **context: The `ErrorContext` fields.

    Example:
        >>> err = ParameterValidationError(
        ...     "bad", problems=[("temperature", "must be <= 1")], model_id="m"
        ... )
        >>> err.problems
        (('temperature', 'must be <= 1'),)
    """

    def __init__(
        self,
        message: str,
        *,
        problems: Iterable[tuple[str, str]] = (),
        **context: Unpack[ContextArgs],
    ) -> None:
        """Store the problems, then the message and context."""
        self.problems: tuple[tuple[str, str], ...] = tuple(problems)
        super().__init__(message, **context)

    @override
    def _arguments(self) -> dict[str, Any]:
        return {**super()._arguments(), "problems": self.problems}


class LLMError(BedrockEnhancedError):
    """A request to Bedrock failed, or something unexpected went wrong around it.

    A plain `LLMError` (not one of its subclasses) wraps a failure that could not be
    classified; the original exception is its `__cause__`.

    Args:
        message: What failed and how to fix it.
        error_code: The AWS error code (e.g. `ThrottlingException`), if any.
        status_code: The HTTP status code, if any.
        **context: The `ErrorContext` fields.

    Example:
        >>> LLMError("unexpected", error_code="Weird", status_code=418).status_code
        418
    """

    def __init__(
        self,
        message: str,
        *,
        error_code: str | None = None,
        status_code: int | None = None,
        **context: Unpack[ContextArgs],
    ) -> None:
        """Store the AWS error code and HTTP status, then the message and context."""
        self.error_code = error_code
        self.status_code = status_code
        super().__init__(message, **context)

    @override
    def _arguments(self) -> dict[str, Any]:
        return {
            **super()._arguments(),
            "error_code": self.error_code,
            "status_code": self.status_code,
        }


class TransientError(LLMError):
    """The same request may succeed if retried later, in another region or profile."""


class ThrottlingError(TransientError):
    """Bedrock throttled the request (quota or rate limit); back off and retry."""


class RateLimitExceededError(ThrottlingError):
    """Our own rate limiter had no free slot, and the caller asked not to wait.

    Raised before any request by `BedrockLLMClient(on_rate_limit="raise")`. It is a
    `ThrottlingError`, so code that backs off on Bedrock's throttling backs off here too.

    Args:
        message: What failed and how to fix it.
        requests_per_minute: The configured pace.
        **context: The `ErrorContext` fields.

    Example:
        >>> err = RateLimitExceededError("no slot", requests_per_minute=50)
        >>> err.requests_per_minute, isinstance(err, TransientError)
        (50.0, True)
    """

    def __init__(
        self,
        message: str,
        *,
        requests_per_minute: float | None = None,
        **context: Unpack[ContextArgs],
    ) -> None:
        """Build the error; see the class docstring."""
        super().__init__(message, **context)
        self.requests_per_minute = (
            None if requests_per_minute is None else float(requests_per_minute)
        )


class ModelNotReadyError(TransientError):
    """The model is not ready to serve yet; retry after a short wait."""


class ServiceUnavailableError(TransientError):
    """Bedrock or the connection to it failed on the server side (5xx, broken stream)."""


class ModelTimeoutError(TransientError):
    """The model or the connection timed out; retry, perhaps with a longer timeout."""


class StreamInterruptedError(TransientError):
    """A stream failed after content reached the caller; it is never sent again.

    Re-sending would repeat what the caller already has, so neither the model nor
    `with_bedrock_retry` retries it. What arrived is kept: retry yourself with it in
    mind, or show it as partial.

    Args:
        message: What failed.
        text: The text received before the failure.
        tool_call_chunks: The tool-call chunks received, as LangChain reports them.
        usage: The token usage reported before the failure, if any.
        error_code: The AWS error code of the failure, if any.
        status_code: Its HTTP status, if any.
        **context: The `ErrorContext` fields.

    Example:
        >>> err = StreamInterruptedError("broken", text="Hello, wor", model_id="m")
        >>> err.text, isinstance(err, TransientError)
        ('Hello, wor', True)
    """

    def __init__(  # noqa: PLR0913 - what was received, all keyword-only
        self,
        message: str,
        *,
        text: str = "",
        tool_call_chunks: Sequence[Mapping[str, Any]] = (),
        usage: Mapping[str, Any] | None = None,
        error_code: str | None = None,
        status_code: int | None = None,
        **context: Unpack[ContextArgs],
    ) -> None:
        """Keep what was received, then the message and context."""
        self.text = text
        self.tool_call_chunks: tuple[Mapping[str, Any], ...] = tuple(tool_call_chunks)
        self.usage = dict(usage) if usage else None
        super().__init__(message, error_code=error_code, status_code=status_code, **context)

    @override
    def _arguments(self) -> dict[str, Any]:
        return {
            **super()._arguments(),
            "text": self.text,
            "tool_call_chunks": self.tool_call_chunks,
            "usage": self.usage,
        }


class StructuredOutputError(LLMError):
    """The model answered, but no answer matched the requested schema.

    Raised by `generate_structured` after its corrective retries. The last raw answer
    and the validation problems are kept, so the caller can log or repair them.

    Args:
        message: What failed and how to fix it.
        raw_text: The model's last answer, as text.
        validation_errors: One line per problem with that answer.
        **context: The `ErrorContext` fields.

    Example:
        >>> err = StructuredOutputError(
        ...     "no valid JSON", raw_text="Sure!", validation_errors=["no JSON object found"]
        ... )
        >>> err.raw_text, err.validation_errors
        ('Sure!', ('no JSON object found',))
    """

    def __init__(
        self,
        message: str,
        *,
        raw_text: str = "",
        validation_errors: Sequence[str] = (),
        **context: Unpack[ContextArgs],
    ) -> None:
        """Build the error; see the class docstring."""
        super().__init__(message, **context)
        self.raw_text = raw_text
        self.validation_errors = tuple(validation_errors)


class BatchJobError(LLMError):
    """A Bedrock batch inference job failed, or left a record without an answer.

    Raised by `BedrockBatchJob` when the job itself cannot be followed (its input
    manifest is missing, `wait` timed out), and returned as the result of every input
    the job wrote no output for: the job failed, was stopped, expired or ran out of
    time first. `job_status` says which; the message says what to do.

    Args:
        message: What failed and how to fix it.
        job_arn: The batch job's ARN, if it was created.
        job_status: The job's status when the error was built (`Failed`, `Stopped`, ...).
        record_id: The `recordId` of the input this error stands for, if any.
        error_code: The AWS error code, if any.
        status_code: The HTTP status code, if any.
        **context: The `ErrorContext` fields.

    Example:
        >>> err = BatchJobError(
        ...     "stopped first", job_status="Stopped", record_id="00000000007", model_id="m"
        ... )
        >>> err.job_status, err.record_id, isinstance(err, TransientError)
        ('Stopped', '00000000007', False)
    """

    def __init__(  # noqa: PLR0913 - every argument but the message is keyword-only
        self,
        message: str,
        *,
        job_arn: str | None = None,
        job_status: str | None = None,
        record_id: str | None = None,
        error_code: str | None = None,
        status_code: int | None = None,
        **context: Unpack[ContextArgs],
    ) -> None:
        """Keep the job's ARN and status and the record ID, then the message and context."""
        self.job_arn = job_arn
        self.job_status = job_status
        self.record_id = record_id
        super().__init__(message, error_code=error_code, status_code=status_code, **context)

    @override
    def _arguments(self) -> dict[str, Any]:
        return {
            **super()._arguments(),
            "job_arn": self.job_arn,
            "job_status": self.job_status,
            "record_id": self.record_id,
        }


class PermanentError(LLMError):
    """The same request will fail the same way; change something before retrying."""


class AccessDeniedError(PermanentError):
    """The credentials are missing, invalid, expired, or lack permission for the model."""


class ModelNotFoundError(PermanentError):
    """Bedrock does not know the model here, or it is legacy or past its end of life."""


class RequestValidationError(PermanentError):
    """Bedrock rejected the request as invalid (`ValidationException`)."""


_VALIDATION_STATUS = 400


class ProfileRequirementError(RequestValidationError):
    """The model refuses on-demand calls here and no working inference profile is known.

    The message says what was tried and what to do: use the suggested profile ID,
    call from a region that offers a profile, or refresh the model catalog. When a
    profile exists but the access policy (`access_methods=`) forbids it,
    `excluded_by_policy` lists what it ruled out, and the message says how to allow it.

    Args:
        message: A custom message; by default one is built from the other arguments.
        original_error: The Bedrock error that revealed the requirement, if any.
        tried: What was already tried, in order: `(model ID sent, access method)`
            pairs, or bare access methods.
        suggested_profile_id: A profile ID (or ARN) the caller could use instead.
        excluded_by_policy: What the access policy ruled out and would have been
            tried next: `(model ID, access method)` pairs, or bare access methods.
        access_methods: The access policy in force, if known.
        not_offered: The region knew none of the identifiers tried (Bedrock never
            said the model needs a profile): the message says the model is not offered.
        error_code: The AWS error code.
        status_code: The HTTP status code.
        **context: The `ErrorContext` fields; `request_id` is taken from
            `original_error` when omitted.

    Example:
        >>> from langchain_bedrock_enhanced.model_ids import AccessMethod
        >>> err = ProfileRequirementError(
        ...     model_id="amazon.nova-pro-v1:0",
        ...     region="sa-east-1",
        ...     tried=[("amazon.nova-pro-v1:0", AccessMethod.DIRECT)],
        ... )
        >>> err.tried
        (('amazon.nova-pro-v1:0', <AccessMethod.DIRECT: 'direct'>),)
        >>> "from a region that offers one" in err.message
        True
        >>> err = ProfileRequirementError(
        ...     model_id="anthropic.claude-sonnet-4-5-20250929-v1:0",
        ...     region="ca-central-1",
        ...     excluded_by_policy=[AccessMethod.GLOBAL_CRIS],
        ...     access_methods=(AccessMethod.DIRECT, AccessMethod.REGIONAL_CRIS),
        ... )
        >>> "access_methods=('direct', 'regional', 'global')" in err.message
        True
    """

    def __init__(  # noqa: PLR0913 - every argument is keyword-only and defaulted
        self,
        message: str | None = None,
        *,
        original_error: BaseException | None = None,
        tried: Iterable[Attempt | AccessMethod] = (),
        suggested_profile_id: str | None = None,
        excluded_by_policy: Iterable[Attempt | AccessMethod] = (),
        access_methods: Iterable[AccessMethod] | None = None,
        not_offered: bool = False,
        error_code: str | None = "ValidationException",
        status_code: int | None = _VALIDATION_STATUS,
        **context: Unpack[ContextArgs],
    ) -> None:
        """Build the default message when none is given, then store the context."""
        self.original_error = original_error
        self.tried: tuple[Attempt, ...] = tuple(_as_attempt(item) for item in tried)
        self.suggested_profile_id = suggested_profile_id
        self.excluded_by_policy: tuple[Attempt, ...] = tuple(
            _as_attempt(item) for item in excluded_by_policy
        )
        self.access_methods: tuple[AccessMethod, ...] | None = (
            None if access_methods is None else tuple(access_methods)
        )
        if not context.get("request_id"):
            context["request_id"] = _request_id_of(original_error)
        self.not_offered = not_offered
        model_id, region = context.get("model_id"), context.get("region")
        if message is None and self.excluded_by_policy:
            message = policy_message(
                model_id, region, self.tried, self.excluded_by_policy, self.access_methods
            )
        elif message is None and not_offered:
            message = not_offered_message(model_id, region, self.tried)
        elif message is None:
            message = profile_requirement_message(
                model_id, region, self.tried, suggested_profile_id
            )
        super().__init__(message, error_code=error_code, status_code=status_code, **context)

    @override
    def _arguments(self) -> dict[str, Any]:
        return {
            **super()._arguments(),
            "original_error": self.original_error,
            "tried": self.tried,
            "suggested_profile_id": self.suggested_profile_id,
            "excluded_by_policy": self.excluded_by_policy,
            "access_methods": self.access_methods,
            "not_offered": self.not_offered,
        }


def _as_attempt(item: Attempt | AccessMethod) -> Attempt:
    sent, method = item if isinstance(item, tuple) else (None, item)
    try:
        return (sent, AccessMethod(method))
    except ValueError:
        return (sent, method)


def _request_id_of(error: BaseException | None) -> str | None:
    for link in iter_causes(error):
        if isinstance(link, ClientError):
            request_id = link.response.get("ResponseMetadata", {}).get("RequestId")
            return str(request_id) if request_id else None
        existing = getattr(link, "request_id", None)
        if isinstance(existing, str) and existing:
            return existing
    return None


@dataclass(frozen=True)
class RetryAttempt:
    """One attempt of a `BedrockRetryRunnable` call.

    Example:
        >>> str(RetryAttempt("amazon.nova-lite-v1:0", "us-east-1", "direct", "ok"))
        'amazon.nova-lite-v1:0 @ us-east-1 via direct: ok'
    """

    model_id: str
    region: str
    access_method: str | None
    """The access method the engine chose for this attempt, when known."""
    outcome: str
    """`ok`, or the error's type and message."""
    requests: int | None = None
    """The HTTP requests this attempt sent (botocore's own retries included), if counted."""

    def __str__(self) -> str:
        """`model_id @ region via method: outcome`."""
        return f"{self.model_id} @ {self.region} via {self.access_method}: {self.outcome}"


class BedrockRetryError(LLMError):
    """Every (model, region) pair failed; `attempts` lists what was tried.

    The first error is the `__cause__`, as langchain-core's fallbacks re-raise the first.

    Args:
        attempts: Every attempt, in order.

    Example:
        >>> err = BedrockRetryError(
        ...     [RetryAttempt("m", "us-east-1", "direct", "ThrottlingError: slow down")]
        ... )
        >>> len(err.attempts), err.region
        (1, 'us-east-1')
    """

    def __init__(self, attempts: Sequence[RetryAttempt]) -> None:
        """Build the message from the attempts."""
        self.attempts = list(attempts)
        listing = "; ".join(str(attempt) for attempt in self.attempts)
        first = self.attempts[0] if self.attempts else None
        msg = (
            f"All {len(self.attempts)} attempt(s) failed: {listing}. Check the model's "
            "availability in these regions, your quotas, or add fallback models/regions."
        )
        super().__init__(
            msg,
            model_id=first.model_id if first else None,
            region=first.region if first else None,
        )

    @override
    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.attempts,))
