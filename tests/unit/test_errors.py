"""The error hierarchy and the single botocore translation point."""

from __future__ import annotations

import itertools
import pickle

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    EventStreamError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
    ReadTimeoutError,
)

from langchain_bedrock_enhanced.errors import (
    AccessDeniedError,
    BedrockEnhancedError,
    BedrockRetryError,
    ConfigurationError,
    ErrorContext,
    LLMError,
    ModelNotFoundError,
    ModelNotReadyError,
    ModelTimeoutError,
    ParameterValidationError,
    PermanentError,
    ProfileRequirementError,
    RequestValidationError,
    RetryAttempt,
    ServiceUnavailableError,
    ThrottlingError,
    TransientError,
    UnsupportedModelError,
    error_class_for,
    iter_causes,
    map_bedrock_errors,
    translate_bedrock_error,
)
from langchain_bedrock_enhanced.model_ids import AccessMethod


def _client_error(code: str, message: str = "msg", status: int = 400) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"RequestId": "req-123", "HTTPStatusCode": status},
        },
        "Converse",
    )


def test_every_error_descends_from_the_single_root() -> None:
    for error_type in (
        ConfigurationError,
        UnsupportedModelError,
        ParameterValidationError,
        LLMError,
        TransientError,
        PermanentError,
        ThrottlingError,
        ModelNotReadyError,
        ServiceUnavailableError,
        ModelTimeoutError,
        AccessDeniedError,
        ModelNotFoundError,
        RequestValidationError,
    ):
        assert issubclass(error_type, BedrockEnhancedError)


def test_transient_and_permanent_branches_do_not_overlap() -> None:
    transient = {ThrottlingError, ModelNotReadyError, ServiceUnavailableError, ModelTimeoutError}
    permanent = {AccessDeniedError, ModelNotFoundError, RequestValidationError}
    assert all(
        issubclass(t, TransientError) and not issubclass(t, PermanentError) for t in transient
    )
    assert all(
        issubclass(p, PermanentError) and not issubclass(p, TransientError) for p in permanent
    )


def test_configuration_errors_are_value_errors_for_drop_in_handlers() -> None:
    assert issubclass(ParameterValidationError, ValueError)
    assert issubclass(UnsupportedModelError, ValueError)
    assert not issubclass(LLMError, ValueError)


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ThrottlingException", 429, ThrottlingError),
        ("ServiceQuotaExceededException", 400, ThrottlingError),
        ("ModelNotReadyException", 429, ModelNotReadyError),
        ("ServiceUnavailableException", 503, ServiceUnavailableError),
        ("InternalServerException", 500, ServiceUnavailableError),
        ("ModelTimeoutException", 408, ModelTimeoutError),
        ("AccessDeniedException", 403, AccessDeniedError),
        ("UnrecognizedClientException", 403, AccessDeniedError),
        ("ResourceNotFoundException", 404, ModelNotFoundError),
        ("ValidationException", 400, RequestValidationError),
        ("SomethingNew", 502, ServiceUnavailableError),
        ("SomethingNew", 429, ThrottlingError),
        ("SomethingNew", 400, LLMError),
    ],
)
def test_client_errors_map_by_code_then_status(
    code: str, status: int, expected: type[BedrockEnhancedError]
) -> None:
    translated = translate_bedrock_error(_client_error(code, status=status), model_id="m")
    assert type(translated) is expected


def test_event_stream_errors_with_camel_case_codes_are_translated() -> None:
    err = EventStreamError(
        {"Error": {"Code": "throttlingException", "Message": "Too many tokens"}},
        "ConverseStream",
    )
    assert isinstance(translate_bedrock_error(err), ThrottlingError)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ReadTimeoutError(endpoint_url="http://x"), ModelTimeoutError),
        (EndpointConnectionError(endpoint_url="http://x"), ServiceUnavailableError),
        (NoCredentialsError(), AccessDeniedError),
        (NoRegionError(), ConfigurationError),
        (ProfileNotFound(profile="nope"), ConfigurationError),
    ],
)
def test_botocore_errors_map_to_typed_errors(
    error: Exception, expected: type[BedrockEnhancedError]
) -> None:
    assert isinstance(translate_bedrock_error(error), expected)


def test_mapping_context_manager_keeps_cause_and_context() -> None:
    original = _client_error("ThrottlingException", "Rate exceeded", 429)
    with (
        pytest.raises(ThrottlingError) as info,
        map_bedrock_errors(
            model_id="us.amazon.nova-lite-v1:0",
            region="us-east-1",
            access_method="regional_cris",
        ),
    ):
        raise original
    err = info.value
    assert err.__cause__ is original
    assert err.model_id == "us.amazon.nova-lite-v1:0"
    assert err.region == "us-east-1"
    assert err.access_method == "regional_cris"
    assert err.request_id == "req-123"
    assert err.error_code == "ThrottlingException"
    assert err.status_code == 429
    assert "Rate exceeded" in str(err)
    assert "request_id=req-123" in str(err)


def test_mapping_context_manager_leaves_other_exceptions_alone() -> None:
    missing = KeyError("x")
    with pytest.raises(KeyError), map_bedrock_errors(model_id="m"):
        raise missing


def test_context_fields_default_to_none() -> None:
    err = LLMError("boom")
    assert (err.model_id, err.region, err.access_method, err.request_id) == (None, None, None, None)
    assert str(err) == "boom"


def test_messages_never_carry_credentials() -> None:
    err = translate_bedrock_error(
        _client_error(
            "UnrecognizedClientException",
            "The security token included in the request is invalid. "
            "AccessKeyId AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG",
            403,
        )
    )
    text = str(err)
    assert "AKIAIOSFODNN7EXAMPLE" not in text
    assert "wJalrXUtnFEMI" not in text
    assert "[REDACTED]" in text


def test_unsupported_model_error_suggests_the_closest_ids() -> None:
    err = UnsupportedModelError.for_model(
        "anthropic.claude-3-haiku-20240307-v1:9",
        ["anthropic.claude-3-haiku-20240307-v1:0", "amazon.nova-lite-v1:0", "meta.llama3-8b"],
    )
    assert err.suggestions[0] == "anthropic.claude-3-haiku-20240307-v1:0"
    assert "anthropic.claude-3-haiku-20240307-v1:0" in str(err)


def test_errors_survive_pickling_with_their_context() -> None:
    err = ParameterValidationError(
        "bad", problems=[("top_k", "no")], model_id="m", region="us-east-1"
    )
    clone = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own object
    assert type(clone) is ParameterValidationError
    assert clone.problems == (("top_k", "no"),)
    assert clone.region == "us-east-1"


def test_iter_causes_follows_the_cause_before_the_context() -> None:
    root = KeyError("root")
    handled = ValueError("handled")
    outer = RuntimeError("outer")
    handled.__context__ = root
    outer.__context__ = KeyError("ignored: an explicit cause wins")
    outer.__cause__ = handled
    assert list(iter_causes(outer)) == [outer, handled, root]


def test_iter_causes_stops_at_a_cycle_and_at_the_limit() -> None:
    first, second = ValueError("a"), ValueError("b")
    first.__cause__, second.__cause__ = second, first
    assert list(iter_causes(first)) == [first, second]
    chain = [ValueError(str(i)) for i in range(20)]
    for outer, inner in itertools.pairwise(chain):
        outer.__cause__ = inner
    assert list(iter_causes(chain[0], limit=3)) == chain[:3]
    assert list(iter_causes(None)) == []


def test_the_context_is_one_structure_shared_by_every_error() -> None:
    err = ThrottlingError(
        "slow down",
        model_id="amazon.nova-lite-v1:0",
        region="eu-west-1",
        access_method=AccessMethod.REGIONAL_CRIS,
        request_id="req-1",
    )
    assert err.context == ErrorContext(
        "amazon.nova-lite-v1:0", "eu-west-1", AccessMethod.REGIONAL_CRIS, "req-1"
    )
    assert (err.model_id, err.region, err.access_method, err.request_id) == (
        "amazon.nova-lite-v1:0",
        "eu-west-1",
        "regional_cris",
        "req-1",
    )
    assert str(err).endswith("access_method=regional_cris, request_id=req-1]")


def test_error_class_for_reads_the_code_in_either_case_then_the_status() -> None:
    assert error_class_for("ThrottlingException") is ThrottlingError
    assert error_class_for("throttlingException") is ThrottlingError
    assert error_class_for("ValidationException", 503) is RequestValidationError
    assert error_class_for("NewException", 429) is ThrottlingError
    assert error_class_for("NewException", 502) is ServiceUnavailableError
    assert error_class_for("NewException", 400) is LLMError
    assert error_class_for(None) is LLMError


def test_translation_keeps_a_caller_request_id_only_when_aws_sent_none() -> None:
    with_id = translate_bedrock_error(_client_error("ThrottlingException"), request_id="mine")
    assert with_id.request_id == "req-123"
    no_id = ClientError({"Error": {"Code": "ThrottlingException"}}, "Converse")
    assert translate_bedrock_error(no_id, request_id="mine").request_id == "mine"


def test_the_profile_error_takes_its_request_id_from_the_error_that_revealed_it() -> None:
    wrapped = RequestValidationError("wrapped")
    wrapped.__cause__ = _client_error("ValidationException")
    err = ProfileRequirementError(model_id="amazon.nova-pro-v1:0", original_error=wrapped)
    assert err.request_id == "req-123"
    assert isinstance(err, RequestValidationError)
    clone = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own object
    assert (clone.request_id, clone.model_id, clone.message) == (
        "req-123",
        "amazon.nova-pro-v1:0",
        err.message,
    )


def test_a_retry_error_lists_every_attempt_and_survives_pickling() -> None:
    attempts = [
        RetryAttempt("m", "us-east-1", "direct", "ThrottlingError: slow"),
        RetryAttempt("m", "us-west-2", "regional_cris", "ServiceUnavailableError: 503"),
    ]
    err = BedrockRetryError(attempts)
    assert "All 2 attempt(s) failed" in err.message
    assert "m @ us-west-2 via regional_cris: ServiceUnavailableError: 503" in err.message
    assert (err.model_id, err.region) == ("m", "us-east-1")
    assert pickle.loads(pickle.dumps(err)).attempts == attempts  # noqa: S301
