"""The one place botocore's errors become this package's: by code, then HTTP status.

`translate_bedrock_error` builds the typed error, `map_bedrock_errors` translates inside
a block, and `error_class_for` answers which class a code maps to.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

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
from typing_extensions import Unpack

from langchain_bedrock_enhanced.errors._messages import see_troubleshooting
from langchain_bedrock_enhanced.errors._tree import (
    AccessDeniedError,
    BedrockEnhancedError,
    ConfigurationError,
    ContextArgs,
    LLMError,
    ModelNotFoundError,
    ModelNotReadyError,
    ModelTimeoutError,
    PermanentError,
    RequestValidationError,
    ServiceUnavailableError,
    ThrottlingError,
    iter_causes,
)

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
    # No link here: notebook 02 prints this text in its committed outputs.
    ThrottlingError: "Back off and retry, or raise the quota for this model.",
    ModelNotReadyError: "Retry after a short wait.",
    ServiceUnavailableError: "Retry, or use another region.",
    ModelTimeoutError: "Retry, or raise the timeout in the botocore Config.",
    AccessDeniedError: (
        "Check the AWS credentials and that model access is granted for this model "
        "and region in the Bedrock console. "
        + see_troubleshooting("access-denied-and-model-access")
    ),
    ModelNotFoundError: (
        "Check the model ID, that the model is offered in this region, and that it "
        "is not legacy or retired. " + see_troubleshooting("end-of-life-and-legacy-models")
    ),
    RequestValidationError: "Fix the request; retrying it unchanged will not help.",
}


def error_class_for(code: str | None, status: int | None = None) -> type[LLMError]:
    """The class an AWS error code (else its HTTP status) translates to.

    Args:
        code: The AWS error code, in either case (`ThrottlingException`, or
            `throttlingException` from an event stream).
        status: The HTTP status, used when the code is unknown.

    Returns:
        The most specific class; `LLMError` when neither says.

    Example:
        >>> error_class_for("throttlingException").__name__
        'ThrottlingError'
        >>> error_class_for("SomethingNew", 503).__name__, error_class_for(None).__name__
        ('ServiceUnavailableError', 'LLMError')
    """
    found = _CODE_TO_ERROR.get((code or "").lower())
    if found is not None:
        return found
    if status == 429:  # noqa: PLR2004 - HTTP Too Many Requests
        return ThrottlingError
    if status is not None and status >= 500:  # noqa: PLR2004 - HTTP server errors
        return ServiceUnavailableError
    return LLMError


def translate_bedrock_error(
    err: BaseException, **context: Unpack[ContextArgs]
) -> BedrockEnhancedError:
    """Translate a botocore (or any) exception into this package's hierarchy.

    Our own errors pass through unchanged. The result does not have `__cause__` set;
    raise it with `raise translated from err`, or use `map_bedrock_errors`.

    Args:
        err: The exception to translate.
        **context: The `ErrorContext` fields of the request.

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
    if isinstance(err, ClientError):
        return _translate_client_error(err, context)
    if isinstance(err, BotoCoreError):
        return _translate_botocore_error(err, context)
    msg = f"Unexpected error while calling Bedrock: {type(err).__name__}: {err}"
    return LLMError(msg, **context)


def _translate_client_error(err: ClientError, context: ContextArgs) -> LLMError:
    # EventStreamError is a ClientError whose codes are camel-cased
    # ("throttlingException"); lower-casing covers both spellings.
    error = err.response.get("Error", {})
    code = str(error.get("Code", "") or "")
    message = str(error.get("Message", "") or str(err))
    metadata = err.response.get("ResponseMetadata", {})
    status = metadata.get("HTTPStatusCode")
    context = ContextArgs(**context)
    context["request_id"] = metadata.get("RequestId") or context.get("request_id")
    error_cls = error_class_for(code, status if isinstance(status, int) else None)
    hint = _HINTS.get(error_cls, "")
    operation = err.operation_name or "request"
    text = f"Bedrock {operation} failed with {code or 'an error'}: {message}"
    if hint:
        text = f"{text} {hint}"
    return error_cls(
        text,
        error_code=code or None,
        status_code=status if isinstance(status, int) else None,
        **context,
    )


def _translate_botocore_error(err: BotoCoreError, context: ContextArgs) -> BedrockEnhancedError:
    if isinstance(err, (ReadTimeoutError, ConnectTimeoutError)):
        msg = f"Timed out talking to Bedrock: {err}. {_HINTS[ModelTimeoutError]}"
        return ModelTimeoutError(msg, **context)
    if isinstance(err, (EndpointConnectionError, ConnectionClosedError)):
        msg = (
            f"Could not reach Bedrock: {err}. {_HINTS[ServiceUnavailableError]} "
            + see_troubleshooting("wrong-region-or-endpoint")
        )
        return ServiceUnavailableError(msg, **context)
    if isinstance(err, (NoCredentialsError, PartialCredentialsError)):
        msg = (
            f"AWS credentials are missing or incomplete: {err}. Configure them with "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or an IAM role. "
            + see_troubleshooting("credentials-missing-invalid-or-from-the-wrong-profile")
        )
        return AccessDeniedError(msg, **context)
    if isinstance(err, NoRegionError):
        msg = (
            "No AWS region: pass region_name, or set AWS_REGION or AWS_DEFAULT_REGION. "
            + see_troubleshooting("wrong-region-or-endpoint")
        )
        return ConfigurationError(msg, **context)
    if isinstance(err, ProfileNotFound):
        msg = f"{err}. Check AWS_PROFILE / credentials_profile_name and ~/.aws/config."
        return ConfigurationError(msg, **context)
    msg = f"botocore failed: {type(err).__name__}: {err}"
    return LLMError(msg, **context)


@contextmanager
def map_bedrock_errors(**context: Unpack[ContextArgs]) -> Iterator[None]:
    """Translate botocore errors raised inside the block into typed errors.

    `ClientError` (including `EventStreamError`) and `BotoCoreError` are translated
    with `translate_bedrock_error` and re-raised `from` the original. Our own errors
    and anything else pass through untouched.

    Args:
        **context: The `ErrorContext` fields of the request.

    Yields:
        Nothing; wrap the boto3 call in the block.

    Example:
        >>> with map_bedrock_errors(model_id="amazon.nova-lite-v1:0"):
        ...     result = 1 + 1
    """
    try:
        yield
    except (ClientError, BotoCoreError) as err:
        raise translate_bedrock_error(err, **context) from err


def as_typed(err: BaseException, **context: Unpack[ContextArgs]) -> BaseException:
    """`err` as the error the package raises: typed, yet still what it was.

    A botocore error is typed in place: the same object, with the same `.response`,
    `.operation_name`, traceback and cause, becomes an instance of its typed class as
    well as of its own class, so that `except ThrottlingError` and
    `except client.exceptions.ThrottlingException` (or `except ClientError`) both
    catch it, and code that compares the error by identity still finds it. Our own
    errors come back unchanged, and anything that is neither is left alone: it is not
    a Bedrock failure.

    Args:
        err: The exception that escaped a call.
        **context: The `ErrorContext` fields of the call.

    Returns:
        The error to raise.

    Example:
        >>> from botocore.exceptions import ClientError
        >>> raw = ClientError(
        ...     {"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "Converse"
        ... )
        >>> typed = as_typed(raw, model_id="amazon.nova-lite-v1:0", attempts=3)
        >>> isinstance(typed, ThrottlingError), isinstance(typed, ClientError), typed is raw
        (True, True, True)
        >>> typed.response["Error"]["Code"], typed.context.attempts
        ('ThrottlingException', 3)
    """
    if isinstance(err, BedrockEnhancedError) or not isinstance(err, (ClientError, BotoCoreError)):
        return err
    return keeping_botocore_class(translate_bedrock_error(err, **context), err)


def keeping_botocore_class(
    typed: BedrockEnhancedError, original: BaseException
) -> BedrockEnhancedError:
    """`typed`, made an instance of the botocore class behind `original` as well.

    `original` or one of its causes is the botocore error; its class and attributes
    (`.response`, `.operation_name`) are kept. Without one, `typed` comes back as it is.

    Args:
        typed: The error to raise.
        original: What was raised, possibly already one of ours.

    Returns:
        The error to raise.

    Example:
        >>> from botocore.exceptions import ReadTimeoutError
        >>> raw = ReadTimeoutError(endpoint_url="http://127.0.0.1")
        >>> both = keeping_botocore_class(ModelTimeoutError("timed out"), raw)
        >>> isinstance(both, ModelTimeoutError), isinstance(both, ReadTimeoutError)
        (True, True)
    """
    raw = next(
        (link for link in iter_causes(original) if isinstance(link, (ClientError, BotoCoreError))),
        None,
    )
    if raw is None:
        return typed
    # The class raised, whole: langchain-aws raises subclasses of botocore's errors
    # that are also langchain-core's (ContextOverflowError), and both must still catch.
    theirs: type[BaseException] = type(raw)
    if issubclass(theirs, BedrockEnhancedError):  # already one of ours: its botocore half
        theirs = next(
            base
            for base in theirs.__mro__
            if issubclass(base, BaseException) and not issubclass(base, BedrockEnhancedError)
        )
    dual = _dual_class(type(typed), theirs)
    # The error that escaped is typed in place when it is the botocore error itself:
    # the caller gets the very object langchain-aws would have raised (`is` holds),
    # with its traceback and cause, now also our typed error.
    both = original if raw is original else dual.__new__(dual)
    if both is not original:
        both.__dict__.update(raw.__dict__)
    both.__class__ = dual
    both.__dict__.update(typed.__dict__)
    both.args = typed.args
    return cast("BedrockEnhancedError", both)


_DUALS: dict[tuple[type[BaseException], type[BaseException]], type[BedrockEnhancedError]] = {}


def _dual_class(
    ours: type[BedrockEnhancedError], theirs: type[BaseException]
) -> type[BedrockEnhancedError]:
    """A class deriving from ours and from the botocore class raised (cached per pair)."""
    key = (ours, theirs)
    found = _DUALS.get(key)
    if found is None:

        def __reduce__(self: BedrockEnhancedError) -> tuple[Any, ...]:  # noqa: N807
            state = dict(self.__dict__)
            return (_rebuild_dual, (ours, _importable(theirs), self.message, state))

        found = type(ours.__name__, (ours, theirs), {"__reduce__": __reduce__})
        found.__module__ = ours.__module__
        found.__qualname__ = f"{ours.__qualname__}[{theirs.__name__}]"
        _DUALS[key] = found
    return found


def _importable(cls: type[BaseException]) -> type[BaseException]:
    """The nearest class in `cls`'s ancestry that pickle can find by name.

    botocore creates each service's modeled exceptions at run time, so a pickled
    error comes back as their importable base (`ClientError`, `EventStreamError`, ...).
    """
    return next(
        base
        for base in cls.__mro__
        if base.__module__ == "botocore.exceptions" and issubclass(base, BaseException)
    )


def _rebuild_dual(
    ours: type[BedrockEnhancedError],
    theirs: type[BaseException],
    message: str,
    state: dict[str, Any],
) -> BedrockEnhancedError:
    dual = _dual_class(ours, theirs)
    both = dual.__new__(dual)
    both.__dict__.update(state)
    both.args = (message,)
    return both
