"""The error hierarchy and the single botocore translation point."""

from __future__ import annotations

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
    ConfigurationError,
    LLMError,
    ModelNotFoundError,
    ModelNotReadyError,
    ModelTimeoutError,
    ParameterValidationError,
    PermanentError,
    RequestValidationError,
    ServiceUnavailableError,
    ThrottlingError,
    TransientError,
    UnsupportedModelError,
    map_bedrock_errors,
    translate_bedrock_error,
)


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
