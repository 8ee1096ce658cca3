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
# Extended thinking on Claude (`additionalModelRequestFields.thinking`). Bedrock wraps the
# model's own validation text in "The model returned the following errors: ". Sources:
THINKING_BUDGET_TOO_SMALL: Final = (
    # danny-avila/LibreChat#8346 (Claude 3.7 Sonnet on Bedrock, 2025-07).
    "The model returned the following errors: thinking.enabled.budget_tokens: "
    "Input should be greater than or equal to 1024"
)
THINKING_BUDGET_NOT_BELOW_MAX_TOKENS: Final = (
    # vercel/ai#7927 (us.anthropic.claude-opus-4-1 on Bedrock, 2025-08). Later captures
    # through proxies show the docs.claude.com address instead; this one is Bedrock's own.
    "The model returned the following errors: `max_tokens` must be greater than "
    "`thinking.budget_tokens`. Please consult our documentation at "
    "https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking"
    "#max-tokens-and-context-window-size"
)
THINKING_WITH_FORCED_TOOL: Final = (
    # vercel/ai#11227 and its live reproduction vercel/ai#17729 (Bedrock Converse, Claude
    # Opus 4.5, Sonnet 4, Haiku 4.5, Sonnet 4.5 and Opus 4.6, 2026-07); can1357/oh-my-pi#341.
    "The model returned the following errors: Thinking may not be enabled when tool_choice "
    "forces tool use."
)
THINKING_TEMPERATURE: Final = (
    # BerriAI/litellm#9524 and cline/cline#2712 (Bedrock validationException, Claude 3.7).
    "The model returned the following errors: temperature may only be set to 1 when "
    "thinking is enabled."
)
THINKING_TOP_P: Final = (
    # n8n-io/n8n#14288 and chatboxai/chatbox#2099 (Bedrock, Claude 3.7 Sonnet, 2025-03).
    "The model returned the following errors: top_p must be unset when thinking is enabled."
)
THINKING_ENABLED_UNSUPPORTED: Final = (
    # earendil-works/pi#7081 (Converse, Claude Opus 5, 2026-07); Kilo-Org/kilocode#11099
    # (Opus 4.7/4.8); aws-samples/amazon-bedrock-client-for-mac#129 (Opus 4.7).
    'The model returned the following errors: "thinking.type.enabled" is not supported for '
    'this model. Use "thinking.type.adaptive" and "output_config.effort" to control '
    "thinking behavior."
)
THINKING_ADAPTIVE_UNSUPPORTED: Final = (
    # strands-agents/harness-sdk#1856 (ConverseStream, Claude Sonnet 4.5, 2026-03).
    "The model returned the following errors: thinking: Input tag 'adaptive' found using "
    "'type' does not match any of the expected tags: 'disabled', 'enabled'"
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


# Limits and guardrails (issue 13). Not in shared/reference yet; each text is quoted from
# the real Bedrock answer cited beside it. All are `ValidationException` (400).
MODEL_ERRORS_PREFIX: Final = "The model returned the following errors: "
"""Bedrock's prefix for errors the model provider raised (Claude, Pixtral on Converse).

Seen in aws/aws-sdk-js-v3#6785, continuedev/continue#9592, anomalyco/opencode#48843.
"""
INPUT_TOO_LONG: Final = "Input is too long for requested model."
"""aws-samples/assessment-generator#2 (400 body), aws-samples/bedrock-chat#95 (stream);
prefixed with `MODEL_ERRORS_PREFIX` for Claude on Converse (continuedev/continue#9592)."""
CONVERSATION_AND_TOOL_USE: Final = (
    "messages.{index}.content: Conversation blocks and tool use blocks cannot be provided "
    "in the same turn."
)
"""Meta Llama; `{index}` counts from 0. langchain-ai/langchain-aws#274 (`messages.1`, the
AIMessage of the standard list-content test), quarkiverse/quarkus-langchain4j#1983
(us.meta.llama3-2-11b-instruct)."""
CONVERSATION_AND_TOOL_RESULT: Final = (
    "messages.{index}.content: Conversation blocks and tool result blocks cannot be provided "
    "in the same turn."
)
"""Meta Llama: strands-agents/harness-sdk#1223 (llama4-maverick), the Llama 3.3 quirk in
shared/reference/bedrock_models.json, langchain-ai/langchain-aws#141."""
MISTRAL_TOOL_CALL_ID: Final = (
    "Tool call id was {tool_use_id} but must be a-z, A-Z, 0-9, with a length of 9."
)
"""Sent after `MODEL_ERRORS_PREFIX`: anomalyco/opencode#48843 (Bedrock Converse, live);
vercel/ai#11802 (mistral.ministral-3-14b-instruct rejects Bedrock's own `tooluse_` IDs)."""
CLAUDE_IMAGE_TOO_LARGE: Final = (
    "messages.{message}.content.{block}.image.source.bytes: image exceeds 5 MB maximum: "
    "{size} bytes > 5242880 bytes"
)
"""Sent after `MODEL_ERRORS_PREFIX`; the size is the base64 length. Indices count from 0.
aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#778
(Sonnet 4.6, 2026), aws-samples/generative-ai-use-cases#1334."""
CLAUDE_TOO_MANY_IMAGES: Final = "messages: too many images: image_count > 20"
"""Sent after `MODEL_ERRORS_PREFIX`: boto/boto3#4632 (AWS's reproduction)."""
CLAUDE_TOO_MANY_IMAGES_AND_DOCUMENTS: Final = (
    "messages: too many images and documents: {images} + {documents} > 20"
)
"""Sent after `MODEL_ERRORS_PREFIX`: boto/boto3#4632 (Sonnet 4, images beside PDFs)."""
TOO_MANY_DOCUMENTS: Final = "You can't include more than 5 documents in a request."
"""aws-samples/generative-ai-use-cases#1685 (production logs, 2026)."""
DUPLICATE_DOCUMENT_NAMES: Final = "Messages can't contain duplicate document names."
"""aws-samples/generative-ai-use-cases#1685; Boise-State-Development/agentcore-public-stack#400."""
DOCUMENT_TOO_LARGE: Final = (
    "The maximum document size is 4.5 MB. Reduce the size of your document and retry your request."
)
"""Boise-State-Development/agentcore-public-stack#206 (ConverseStream, an XLSX)."""
DOCUMENT_NAME_CHARACTERS: Final = (
    "The document file name can only contain alphanumeric characters, whitespace characters, "
    "hyphens, parentheses, and square brackets. The name can't contain more than one "
    "consecutive whitespace character. Check that the file name conforms to these "
    "restrictions and retry your request."
)
"""vercel/ai `amazon-bedrock-invalid-document-filenames.json` (recorded live, Haiku 4.5)."""
DOCUMENT_NEEDS_TEXT: Final = (
    "A text block must be included when using documents. Add a text block and retry your request."
)
"""BerriAI/litellm#36499 (Converse, 2026); maximhq/bifrost#5817."""
SERVICE_TIER_UNSUPPORTED: Final = "The provided service tier is not supported for this model."
"""maximhq/bifrost#7270 (priority sent to a Standard-only model)."""
RESERVATION_NOT_FOUND: Final = "Reservation not found."
"""NousResearch/hermes-agent#34476 (live table), envoyproxy/ai-gateway#1749."""
SERVICE_TIER_INVALID: Final = "service tier provided is invalid"
"""NousResearch/hermes-agent#34476: `serviceTier=cheapest`, lower-case as quoted."""
COUNT_TOKENS_UNSUPPORTED: Final = "The provided model doesn't support counting tokens."
"""pydantic/pydantic-ai#4001 (application-profile ARN); Boise-State-Development/
agentcore-public-stack#430 (live probe: `us.` profile IDs refused, bare IDs counted)."""
GUARDRAIL_NOT_FOUND: Final = (
    "The guardrail identifier or version provided in the request does not exist."
)
"""A `ValidationException`, not `ResourceNotFoundException`, for an unknown ID and for an
unknown version alike: live evidence in the find_string corpus ("Bedrock Guardrails — PR #2
Verification Evidence", us-east-1, test 7) and several deployment write-ups quoting it."""

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
THINKING_TOP_K: Final = (
    # Patterned on Bedrock's verbatim top_p text above and Anthropic's own "`top_k` must be
    # unset when thinking is enabled." (quarkiverse/quarkus-langchain4j#1812).
    "The model returned the following errors: top_k must be unset when thinking is enabled."
)
THINKING_DISPLAY_INVALID: Final = (
    # Patterned on the pydantic-style texts above ("thinking.enabled.budget_tokens: Input
    # should be ..."); the accepted values are Anthropic's `display` enum.
    "The model returned the following errors: thinking.{kind}.display: "
    "Input should be 'summarized' or 'omitted'"
)
CACHE_TTL_UNSUPPORTED: Final = (
    # Bedrock validates `cachePoint.ttl` per model and refuses what the model lacks with a
    # ValidationException (strandsagents.com BedrockCacheTTL notes); no verbatim text found.
    "The model {model_id} doesn't support the cache TTL {ttl}. "
    "Remove cachePoint.ttl or use a supported TTL and try again."
)
MISSING_AUTH: Final = "Missing Authentication Token"
# Emulator wording for limits whose rule is documented but whose answer was never seen.
IMAGE_LIMITS: Final = (
    "You can include up to 20 images. Each image's size, height, and width must be no more "
    "than 3.75 MB, 8000 px, and 8000 px, respectively."
)
"""The rule's own sentence in the Converse `Message` API reference (API_runtime_Message)."""
CLAUDE_IMAGE_DIMENSIONS: Final = (
    "messages.{message}.content.{block}.image.source.bytes: At least one of the image "
    "dimensions exceed max allowed size: 8000 pixels"
)
"""Anthropic's own text for an image over 8000 px, on the path Bedrock prints for the 5 MB
rule (`CLAUDE_IMAGE_TOO_LARGE`); composed, not seen through Bedrock."""
LATENCY_OPTIMIZED_UNSUPPORTED: Final = (
    "Latency-optimized inference isn't supported for this model in this Region. "
    "Remove performanceConfig or set latency to standard and try again."
)
"""AWS documents where `optimized` exists (latency-optimized-inference.html), not its
answer elsewhere; one live report (NousResearch/hermes-agent#34476) even saw it echoed."""
NO_NATIVE_BODY: Final = (
    "The emulator knows no InvokeModel body format for {model_id}; call it with Converse, "
    "or give the model a family in the scenario."
)
"""An emulator limit, not Bedrock's: a scenario-added model without a `family`."""


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
