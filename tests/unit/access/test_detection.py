"""ProfileRequirementDetector: catches Bedrock's profile requirement, and nothing else."""

from __future__ import annotations

import logging
import pickle

import boto3
import pytest
from botocore.exceptions import ClientError, EventStreamError
from botocore.stub import Stubber

from langchain_bedrock_enhanced.access import (
    AccessMethod,
    ProfileRequirementDetector,
    ProfileRequirementError,
)
from langchain_bedrock_enhanced.errors import (
    RequestValidationError,
    translate_bedrock_error,
)

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
VERBATIM = (
    f"Invocation of model ID {SONNET_45} with on-demand throughput isn\u2019t supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)
ASCII = VERBATIM.replace("\u2019", "'")


def client_error(
    code: str, message: str, *, operation: str = "Converse", status: int = 400
) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "req-123"},
        },
        operation,
    )


def stream_error(code: str, message: str) -> EventStreamError:
    return EventStreamError({"Error": {"Code": code, "Message": message}}, "ConverseStream")


@pytest.fixture
def detector() -> ProfileRequirementDetector:
    return ProfileRequirementDetector()


# Positives -------------------------------------------------------------------

POSITIVE_MESSAGES = {
    "verbatim with U+2019": VERBATIM,
    "ascii apostrophe": ASCII,
    "utf-8 read as cp1252": VERBATIM.replace("\u2019", "\u00e2\u20ac\u2122"),
    "utf-8 read as latin-1": VERBATIM.replace("\u2019", "\u00e2\x80\x99"),
    "left single quote": VERBATIM.replace("\u2019", "\u2018"),
    "modifier letter apostrophe": VERBATIM.replace("\u2019", "\u02bc"),
    "json escape in a log line": VERBATIM.replace("\u2019", "\\u2019"),
    "html entity": VERBATIM.replace("\u2019", "&rsquo;"),
    "numeric html entity": VERBATIM.replace("\u2019", "&#39;"),
    "replacement character": VERBATIM.replace("\u2019", "\ufffd"),
    "no apostrophe at all": VERBATIM.replace("isn\u2019t", "isnt"),
    "spelled out": VERBATIM.replace("isn\u2019t", "is not"),
    "upper case": VERBATIM.upper(),
    "lower case": VERBATIM.lower(),
    "wrapped over lines": VERBATIM.replace(" with ", "\n  with "),
    "non-breaking hyphen": VERBATIM.replace("on-demand", "on\u2011demand"),
    "older wording (2024)": "The provided model doesn't support on-demand throughput.",
    "older wording, spelled out": (
        f"The model {SONNET_45} does not support on-demand throughput. "
        "Use an inference profile that includes this model."
    ),
    "advice sentence only": (
        "Retry your request with the ID or ARN of an inference profile that contains this model."
    ),
}


@pytest.mark.parametrize("message", POSITIVE_MESSAGES.values(), ids=POSITIVE_MESSAGES.keys())
def test_every_spelling_of_the_requirement_is_detected_from_a_client_error(
    detector: ProfileRequirementDetector, message: str
) -> None:
    assert detector.is_profile_requirement_error(client_error("ValidationException", message))


@pytest.mark.parametrize("message", POSITIVE_MESSAGES.values(), ids=POSITIVE_MESSAGES.keys())
def test_every_spelling_is_detected_mid_stream_with_the_lower_camel_code(
    detector: ProfileRequirementDetector, message: str
) -> None:
    assert detector.is_profile_requirement_error(stream_error("validationException", message))


def test_a_real_modeled_validation_exception_from_boto3_is_detected(
    detector: ProfileRequirementDetector,
) -> None:
    client = boto3.client("bedrock-runtime", region_name="eu-west-1")
    with Stubber(client) as stub:
        stub.add_client_error(
            "converse",
            service_error_code="ValidationException",
            service_message=VERBATIM,
            http_status_code=400,
        )
        with pytest.raises(client.exceptions.ValidationException) as info:
            client.converse(modelId=SONNET_45, messages=[])
    assert detector.is_profile_requirement_error(info.value)


def raise_from(error: BaseException, cause: BaseException) -> None:
    raise error from cause


def test_our_wrapped_llm_error_is_detected_through_its_cause(
    detector: ProfileRequirementDetector,
) -> None:
    original = client_error("ValidationException", VERBATIM)
    with pytest.raises(RequestValidationError) as info:
        raise_from(translate_bedrock_error(original, model_id=SONNET_45), original)
    assert info.value.__cause__ is original
    assert detector.is_profile_requirement_error(info.value)


def test_our_wrapped_error_is_detected_even_when_the_cause_was_lost(
    detector: ProfileRequirementDetector,
) -> None:
    wrapped = translate_bedrock_error(stream_error("validationException", VERBATIM))
    revived = pickle.loads(pickle.dumps(wrapped))  # noqa: S301 - our own bytes
    assert revived.__cause__ is None
    assert detector.is_profile_requirement_error(revived)


def test_a_profile_requirement_error_is_detected(detector: ProfileRequirementDetector) -> None:
    assert detector.is_profile_requirement_error(
        ProfileRequirementError(model_id=SONNET_45, region="eu-west-1")
    )


def test_a_foreign_wrapper_with_botocore_text_is_detected(
    detector: ProfileRequirementDetector,
) -> None:
    # langchain-aws's ChatBedrock re-raises as ValueError(f"Error raised by bedrock service: {e}").
    text = str(client_error("ValidationException", VERBATIM, operation="InvokeModel"))
    assert detector.is_profile_requirement_error(
        ValueError(f"Error raised by bedrock service: {text}")
    )


def test_a_foreign_wrapper_raised_from_the_client_error_is_detected(
    detector: ProfileRequirementDetector,
) -> None:
    original = client_error("ValidationException", VERBATIM)
    with pytest.raises(RuntimeError) as info:
        raise_from(RuntimeError("model call failed"), original)
    assert detector.is_profile_requirement_error(info.value)


def test_a_detection_is_logged_at_warning_with_the_model_id(
    detector: ProfileRequirementDetector, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="langchain_bedrock_enhanced.access"):
        detector.is_profile_requirement_error(client_error("ValidationException", VERBATIM))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert SONNET_45 in warnings[0].getMessage()


def test_a_detection_can_be_made_quietly(
    detector: ProfileRequirementDetector, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="langchain_bedrock_enhanced.access"):
        assert detector.is_profile_requirement_error(
            client_error("ValidationException", VERBATIM), log=False
        )
    assert caplog.records == []


# Negatives -------------------------------------------------------------------

NEGATIVE_ERRORS = {
    "invalid identifier": ("ValidationException", "The provided model identifier is invalid."),
    "identifier regex": (
        "ValidationException",
        (
            "1 validation error detected: Value 'anthropic.claude-v2:0:100k' at 'modelId' failed "
            "to satisfy constraint: Member must satisfy regular expression pattern: "
            "(arn:aws(-[^:]+)?:bedrock:..."
        ),
    ),
    "no system messages": (
        "ValidationException",
        (
            "This model doesn't support system messages. Try again without a system message or "
            "use a model that supports system messages."
        ),
    ),
    "no streaming tool use": (
        "ValidationException",
        "This model doesn't support tool use in streaming mode.",
    ),
    "tool choice any": (
        "ValidationException",
        (
            "This model doesn't support the toolConfig.toolChoice.any field. Remove "
            "toolConfig.toolChoice.any and try again."
        ),
    ),
    "tool config required": (
        "ValidationException",
        "The toolConfig field must be defined when using toolUse and toolResult content blocks.",
    ),
    "first message not user": (
        "ValidationException",
        (
            "A conversation must start with a user message. Try again with a conversation that "
            "starts with a user message."
        ),
    ),
    "temperature with top_p": (
        "ValidationException",
        (
            "The model returned the following errors: `temperature` and `top_p` cannot both be "
            "specified for this model. Please use only one."
        ),
    ),
    "max tokens": (
        "ValidationException",
        (
            "The maximum tokens you requested exceed the model limit of 4096. Try again with a "
            "maximum tokens value lower than 4096."
        ),
    ),
    "malformed input": (
        "ValidationException",
        (
            "Malformed input request: #: extraneous key [stream] is not permitted, please "
            "reformat your input and try again."
        ),
    ),
    "provisioned throughput, not a profile": (
        "ValidationException",
        (
            "Invocation of model ID arn:aws:bedrock:us-east-1:123456789012:custom-model/x with "
            "on-demand throughput isn't supported. Purchase Provisioned Throughput for it."
        ),
    ),
    "a positive statement about on-demand": (
        "ValidationException",
        "On-demand throughput is supported for this model; the inference profile ID is unknown.",
    ),
    "unknown inference profile": (
        "ValidationException",
        "The provided inference profile ID us.nobody.nothing-v1:0 is invalid.",
    ),
    "access denied": (
        "AccessDeniedException",
        "You don't have access to the model with the specified model ID.",
    ),
    "iam deny on an inference profile": (
        "AccessDeniedException",
        (
            "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: "
            "bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1:123456789012:"
            "inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0"
        ),
    ),
    "marketplace": (
        "AccessDeniedException",
        (
            "Model access is denied due to IAM user or service role is not authorized to perform "
            "the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, "
            "aws-marketplace:Subscribe) to enable access to this model."
        ),
    ),
    "use case form": (
        "ResourceNotFoundException",
        (
            "Model use case details have not been submitted for this account. Fill out the "
            "Anthropic use case details form before using the model."
        ),
    ),
    "end of life": (
        "ResourceNotFoundException",
        (
            "This model version has reached the end of its life. Please refer to the AWS "
            "documentation for more details."
        ),
    ),
    "legacy inactive": (
        "ResourceNotFoundException",
        (
            "Access denied. This Model is marked by provider as Legacy and you have not been "
            "actively using the model in the last 30 days. Please upgrade to an active model on "
            "Amazon Bedrock"
        ),
    ),
    "throttling": ("ThrottlingException", "Too many requests, please wait before trying again."),
    "throttling tokens": (
        "ThrottlingException",
        "Too many tokens, please wait before trying again.",
    ),
    "service unavailable": (
        "ServiceUnavailableException",
        "Bedrock is unable to process your request.",
    ),
    "the requirement text under a throttling code": ("ThrottlingException", VERBATIM),
    "the requirement text under access denied": ("AccessDeniedException", VERBATIM),
    "the requirement text from the model itself": ("ModelErrorException", VERBATIM),
    "the requirement text under a 400 without a type": ("400", VERBATIM),
}


@pytest.mark.parametrize(("code", "message"), NEGATIVE_ERRORS.values(), ids=NEGATIVE_ERRORS.keys())
def test_other_errors_are_never_taken_for_the_requirement(
    detector: ProfileRequirementDetector, code: str, message: str
) -> None:
    assert not detector.is_profile_requirement_error(client_error(code, message))
    camel = code[0].lower() + code[1:]
    assert not detector.is_profile_requirement_error(stream_error(camel, message))
    assert not detector.is_profile_requirement_error(
        translate_bedrock_error(client_error(code, message))
    )


@pytest.mark.parametrize(
    "error",
    [None, ValueError("boom"), KeyError("modelId"), RuntimeError(ASCII)],
    ids=["none", "value error", "key error", "the text without any code"],
)
def test_non_bedrock_errors_are_not_the_requirement(
    detector: ProfileRequirementDetector, error: BaseException | None
) -> None:
    assert not detector.is_profile_requirement_error(error)


def test_nothing_is_logged_for_other_errors(
    detector: ProfileRequirementDetector, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="langchain_bedrock_enhanced.access"):
        detector.is_profile_requirement_error(client_error("ThrottlingException", VERBATIM))
    assert caplog.records == []


def test_a_cause_cycle_does_not_hang(detector: ProfileRequirementDetector) -> None:
    first, second = RuntimeError("a"), RuntimeError("b")
    first.__cause__, second.__cause__ = second, first
    assert not detector.is_profile_requirement_error(first)


# Model ID extraction ---------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (VERBATIM, SONNET_45),
        (ASCII.upper().replace(SONNET_45.upper(), SONNET_45), SONNET_45),
        (VERBATIM.replace("\u2019", "\u00e2\u20ac\u2122"), SONNET_45),
        (VERBATIM.replace(SONNET_45, "anthropic.claude-sonnet-4-6"), "anthropic.claude-sonnet-4-6"),
        (
            VERBATIM.replace(SONNET_45, f"arn:aws:bedrock:eu-west-1::foundation-model/{SONNET_45}"),
            f"arn:aws:bedrock:eu-west-1::foundation-model/{SONNET_45}",
        ),
        ("The provided model doesn't support on-demand throughput.", None),
    ],
    ids=["verbatim", "upper case", "mojibake", "unversioned id", "arn", "older wording"],
)
def test_extract_model_id_returns_the_id_exactly_as_bedrock_echoed_it(
    detector: ProfileRequirementDetector, message: str, expected: str | None
) -> None:
    assert detector.extract_model_id(client_error("ValidationException", message)) == expected


def test_extract_model_id_is_none_for_other_errors(detector: ProfileRequirementDetector) -> None:
    assert detector.extract_model_id(client_error("ThrottlingException", VERBATIM)) is None
    assert detector.extract_model_id(None) is None


def test_extract_model_id_of_our_error_is_its_model_id(
    detector: ProfileRequirementDetector,
) -> None:
    error = ProfileRequirementError(model_id="amazon.nova-pro-v1:0", region="eu-west-1")
    assert detector.extract_model_id(error) == "amazon.nova-pro-v1:0"


# Invalid identifier (the answer to a guessed prefix) -------------------------


def test_invalid_identifier_is_recognised_in_every_form(
    detector: ProfileRequirementDetector,
) -> None:
    message = "The provided model identifier is invalid."
    assert detector.is_invalid_model_identifier_error(client_error("ValidationException", message))
    assert detector.is_invalid_model_identifier_error(stream_error("validationException", message))
    assert detector.is_invalid_model_identifier_error(
        translate_bedrock_error(client_error("ValidationException", message))
    )


def test_invalid_identifier_is_not_the_requirement_and_vice_versa(
    detector: ProfileRequirementDetector,
) -> None:
    requirement = client_error("ValidationException", VERBATIM)
    invalid = client_error("ValidationException", "The provided model identifier is invalid.")
    assert not detector.is_invalid_model_identifier_error(requirement)
    assert not detector.is_profile_requirement_error(invalid)
    assert not detector.is_invalid_model_identifier_error(
        client_error("AccessDeniedException", "The provided model identifier is invalid.")
    )


# ProfileRequirementError -----------------------------------------------------


def test_profile_requirement_error_is_a_request_validation_error_with_context() -> None:
    original = client_error("ValidationException", VERBATIM)
    error = ProfileRequirementError(
        model_id=SONNET_45,
        region="eu-west-1",
        original_error=original,
        tried=[(SONNET_45, AccessMethod.DIRECT), (f"eu.{SONNET_45}", "regional_cris")],
        suggested_profile_id=f"global.{SONNET_45}",
    )
    assert isinstance(error, RequestValidationError)
    assert (error.model_id, error.region, error.original_error) == (
        SONNET_45,
        "eu-west-1",
        original,
    )
    assert error.request_id == "req-123"
    assert error.tried[1] == (f"eu.{SONNET_45}", AccessMethod.REGIONAL_CRIS)


def test_profile_requirement_message_says_what_was_tried_and_which_profile_to_use() -> None:
    error = ProfileRequirementError(
        model_id=SONNET_45,
        region="eu-west-1",
        tried=[(SONNET_45, AccessMethod.DIRECT)],
        suggested_profile_id=f"eu.{SONNET_45}",
    )
    text = str(error)
    assert f"direct ({SONNET_45})" in text
    assert f"'eu.{SONNET_45}'" in text
    assert "eu-west-1" in text


def test_profile_requirement_message_without_a_profile_says_to_refresh_the_catalog() -> None:
    error = ProfileRequirementError(
        model_id=SONNET_45, region="sa-east-1", tried=[AccessMethod.DIRECT]
    )
    assert "refresh the model catalog" in error.message
    assert "Tried: direct." in error.message


def test_profile_requirement_error_survives_pickling() -> None:
    error = ProfileRequirementError(
        model_id=SONNET_45,
        region="eu-west-1",
        tried=[(SONNET_45, AccessMethod.DIRECT)],
        suggested_profile_id=f"eu.{SONNET_45}",
        original_error=client_error("ValidationException", VERBATIM),
    )
    revived = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(revived) is ProfileRequirementError
    assert (revived.message, revived.tried, revived.suggested_profile_id) == (
        error.message,
        error.tried,
        error.suggested_profile_id,
    )
