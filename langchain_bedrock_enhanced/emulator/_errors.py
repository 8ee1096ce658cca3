"""Bedrock's error catalogue: HTTP statuses, wire headers and verbatim messages.

Every text here was seen in a real Bedrock response; the reference data in
`shared/reference/bedrock_error_messages.json` says where. Texts marked
"emulator wording" are the few for which no verbatim sample exists.

One table, `ERRORS`, gives each error code its HTTP status and default text, so
the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

ERROR_TYPE_SUFFIX: Final = ":http://internal.amazon.com/coral/com.amazon.bedrock/"

# Verbatim messages.
PROFILE_REQUIRED: Final = (
    "Invocation of model ID {model_id} with on-demand throughput isn\u2019t supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)
INVALID_IDENTIFIER: Final = "The provided model identifier is invalid."
END_OF_LIFE: Final = (
    "This model version has reached the end of its life. "
    "Please refer to the AWS documentation for more details."
)
LEGACY_INACTIVE: Final = (
    "Access denied. This Model is marked by provider as Legacy and you have not been actively "
    "using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock"
)
ACCESS_DENIED: Final = "You don't have access to the model with the specified model ID."
THROTTLED_REQUESTS: Final = "Too many requests, please wait before trying again."
THROTTLED_TOKENS: Final = "Too many tokens, please wait before trying again."
UNAVAILABLE: Final = "Bedrock is unable to process your request."
NO_SYSTEM_MESSAGES: Final = (
    "This model doesn't support system messages. Try again without a system message or use a "
    "model that supports system messages."
)
NO_STREAMING_TOOL_USE: Final = "This model doesn't support tool use in streaming mode."
TOOL_CHOICE_UNSUPPORTED: Final = (
    "This model doesn't support the toolConfig.toolChoice.{choice} field. "
    "Remove toolConfig.toolChoice.{choice} and try again."
)
TOOL_CONFIG_REQUIRED: Final = (
    "The toolConfig field must be defined when using toolUse and toolResult content blocks."
)
FIRST_MESSAGE_NOT_USER: Final = (
    "A conversation must start with a user message. "
    "Try again with a conversation that starts with a user message."
)
TEMPERATURE_AND_TOP_P: Final = (
    "The model returned the following errors: `temperature` and `top_p` cannot both be "
    "specified for this model. Please use only one."
)
MAX_TOKENS_EXCEEDED: Final = (
    "The maximum tokens you requested exceed the model limit of {limit}. "
    "Try again with a maximum tokens value lower than {limit}."
)
MALFORMED_INPUT: Final = "Malformed input request, please reformat your input and try again."
MALFORMED_EXTRANEOUS_KEY: Final = (
    "Malformed input request: #: extraneous key [{key}] is not permitted, "
    "please reformat your input and try again."
)
MALFORMED_REQUIRED_KEY: Final = (
    "Malformed input request: #: required key [{key}] not found, "
    "please reformat your input and try again."
)
MODEL_ID_PATTERN: Final = (
    "(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}"
    "[a-z0-9-]{1,63}/[a-z0-9]{12})|(:foundation-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}"
    "([.:]?[a-z0-9-]{1,63}))|([0-9]{12}:imported-model/[a-z0-9]{12})|([0-9]{12}:"
    "provisioned-model/[a-z0-9]{12})|([0-9]{12}:custom-model-deployment/[a-z0-9]{12})|"
    "([0-9]{12}:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+)))|"
    "([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|(([0-9a-zA-Z][_-]?)+)|"
    "([a-zA-Z0-9-:.]+)"
)


def model_id_regex_failure(model_id: str) -> str:
    """The verbatim message for a model identifier that fails botocore's modelId pattern.

    A function rather than a `str.format` template, because the pattern's `{1,20}`
    quantifiers would be read as format fields.

    Example:
        >>> model_id_regex_failure("not a model!")[:59]
        "1 validation error detected: Value 'not a model!' at 'model"
    """
    return (
        f"1 validation error detected: Value '{model_id}' at 'modelId' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: " + MODEL_ID_PATTERN
    )


# Emulator wording: no verbatim sample of these was found.
CONFLICT: Final = "The request conflicts with the current state of the resource."
MODEL_NOT_READY: Final = (
    "The model specified in the request is not ready to serve inference requests."
)
MODEL_TIMEOUT: Final = "Model has timed out in processing the request. Try your request again."
INTERNAL_SERVER: Final = "The server encountered an internal error while processing the request."
MODEL_ERROR: Final = "The model returned an error while processing the request."
QUOTA_EXCEEDED: Final = "Your request exceeds the service quota for your account."
SIGNATURE_MISMATCH: Final = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
UNRECOGNIZED_CLIENT: Final = "The security token included in the request is invalid."
MISSING_AUTH: Final = "Missing Authentication Token"


@dataclass(frozen=True)
class ErrorSpec:
    """How Bedrock answers with one error code.

    Example:
        >>> spec = ERRORS["ThrottlingException"]
        >>> spec.status, spec.message, spec.modeled
        (429, 'Too many requests, please wait before trying again.', True)
    """

    status: int
    """The HTTP status of the response."""
    message: str | None
    """The text sent when a scenario names none.

    None for the codes whose senders always supply their own text (the SigV4 checks,
    unknown routes): `default_message` answers those with the generic text, as it
    does unknown codes.
    """
    modeled: bool = True
    """Whether bedrock-runtime models the exception, so a scenario fault may raise it."""


# Statuses: `modeled_errors_bedrock_runtime` in shared/reference/bedrock_error_messages.json
# (botocore's bedrock-runtime service-2.json). Texts: the verbatim ones above are quoted from
# that file's `messages`; the rest are the emulator wording marked as such.
ERRORS: Final[Mapping[str, ErrorSpec]] = {
    "AccessDeniedException": ErrorSpec(403, ACCESS_DENIED),
    "ConflictException": ErrorSpec(400, CONFLICT),
    "InternalServerException": ErrorSpec(500, INTERNAL_SERVER),
    "ModelErrorException": ErrorSpec(424, MODEL_ERROR),
    "ModelNotReadyException": ErrorSpec(429, MODEL_NOT_READY),
    "ModelStreamErrorException": ErrorSpec(424, MODEL_ERROR),
    "ModelTimeoutException": ErrorSpec(408, MODEL_TIMEOUT),
    "ResourceNotFoundException": ErrorSpec(404, END_OF_LIFE),
    "ServiceQuotaExceededException": ErrorSpec(400, QUOTA_EXCEEDED),
    "ServiceUnavailableException": ErrorSpec(503, UNAVAILABLE),
    "ThrottlingException": ErrorSpec(429, THROTTLED_REQUESTS),
    "ValidationException": ErrorSpec(400, MALFORMED_INPUT),
    # Not modeled by bedrock-runtime, but sent by the AWS front door.
    "UnrecognizedClientException": ErrorSpec(403, None, modeled=False),
    "InvalidSignatureException": ErrorSpec(403, None, modeled=False),
    "MissingAuthenticationTokenException": ErrorSpec(403, None, modeled=False),
    "UnknownOperationException": ErrorSpec(404, None, modeled=False),
}
"""Every error code the emulator sends, by code."""

MODELED_CODES: Final = frozenset(code for code, spec in ERRORS.items() if spec.modeled)
"""bedrock-runtime's modeled exceptions: the codes a scenario fault may name."""


def status_for(code: str) -> int:
    """The HTTP status Bedrock uses for an error code (400 for unknown codes).

    Example:
        >>> status_for("ModelTimeoutException"), status_for("NoSuchException")
        (408, 400)
    """
    spec = ERRORS.get(code)
    return 400 if spec is None else spec.status


def default_message(code: str) -> str:
    """The message the emulator sends for `code` when a scenario names none.

    Codes without a text of their own, and unknown codes, get the generic
    "Malformed input request" text.

    Example:
        >>> default_message("ServiceUnavailableException")
        'Bedrock is unable to process your request.'
        >>> default_message("NoSuchException") == MALFORMED_INPUT
        True
    """
    spec = ERRORS.get(code)
    if spec is None or spec.message is None:
        return MALFORMED_INPUT
    return spec.message


def stream_exception_type(code: str) -> str:
    """The lowerCamel `:exception-type` header of a mid-stream error frame.

    Example:
        >>> stream_exception_type("ThrottlingException")
        'throttlingException'
    """
    return code[:1].lower() + code[1:]


def is_modeled(code: str) -> bool:
    """Whether `code` is one of bedrock-runtime's modeled exceptions.

    Example:
        >>> is_modeled("ThrottlingException"), is_modeled("InvalidSignatureException")
        (True, False)
    """
    return code in MODELED_CODES
