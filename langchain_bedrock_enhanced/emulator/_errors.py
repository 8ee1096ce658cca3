"""Bedrock's error catalogue: HTTP statuses, wire headers and verbatim messages.

Every text here was seen in a real Bedrock response; the reference data in
`shared/reference/bedrock_error_messages.json` says where. Texts marked
"emulator wording" are the few for which no verbatim sample exists.
"""

from __future__ import annotations

from typing import Final

ERROR_TYPE_SUFFIX: Final = ":http://internal.amazon.com/coral/com.amazon.bedrock/"

STATUS_BY_CODE: Final[dict[str, int]] = {
    "AccessDeniedException": 403,
    "ConflictException": 400,
    "InternalServerException": 500,
    "ModelErrorException": 424,
    "ModelNotReadyException": 429,
    "ModelStreamErrorException": 424,
    "ModelTimeoutException": 408,
    "ResourceNotFoundException": 404,
    "ServiceQuotaExceededException": 400,
    "ServiceUnavailableException": 503,
    "ThrottlingException": 429,
    "ValidationException": 400,
    # Not modeled by bedrock-runtime, but sent by the AWS front door.
    "UnrecognizedClientException": 403,
    "InvalidSignatureException": 403,
    "MissingAuthenticationTokenException": 403,
    "UnknownOperationException": 404,
}

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

DEFAULT_MESSAGES: Final[dict[str, str]] = {
    "AccessDeniedException": ACCESS_DENIED,
    "ConflictException": "The request conflicts with the current state of the resource.",
    "InternalServerException": INTERNAL_SERVER,
    "ModelErrorException": MODEL_ERROR,
    "ModelNotReadyException": MODEL_NOT_READY,
    "ModelStreamErrorException": MODEL_ERROR,
    "ModelTimeoutException": MODEL_TIMEOUT,
    "ResourceNotFoundException": END_OF_LIFE,
    "ServiceQuotaExceededException": QUOTA_EXCEEDED,
    "ServiceUnavailableException": UNAVAILABLE,
    "ThrottlingException": THROTTLED_REQUESTS,
    "ValidationException": MALFORMED_INPUT,
}


def status_for(code: str) -> int:
    """The HTTP status Bedrock uses for an error code (400 for unknown codes)."""
    return STATUS_BY_CODE.get(code, 400)


def default_message(code: str) -> str:
    """The message the emulator sends for `code` when a scenario names none."""
    return DEFAULT_MESSAGES.get(code, MALFORMED_INPUT)


def stream_exception_type(code: str) -> str:
    """The lowerCamel `:exception-type` header of a mid-stream error frame.

    Example:
        >>> stream_exception_type("ThrottlingException")
        'throttlingException'
    """
    return code[:1].lower() + code[1:]


def is_modeled(code: str) -> bool:
    """Whether `code` is one of bedrock-runtime's modeled exceptions."""
    return code in DEFAULT_MESSAGES
