"""The error catalogue: one entry per code, agreeing with botocore's bedrock-runtime model."""

from __future__ import annotations

import botocore.session
import pytest

from langchain_bedrock_enhanced.emulator import _errors

_FRONT_DOOR = [
    ("UnrecognizedClientException", 403),
    ("InvalidSignatureException", 403),
    ("MissingAuthenticationTokenException", 403),
    ("UnknownOperationException", 404),
]


def _botocore_statuses() -> dict[str, int]:
    service = botocore.session.get_session().get_service_model("bedrock-runtime")
    return {shape.name: shape.metadata["error"]["httpStatusCode"] for shape in service.error_shapes}


def test_modeled_codes_are_exactly_botocores_with_its_statuses():
    statuses = _botocore_statuses()

    assert set(_errors.MODELED_CODES) == set(statuses)
    assert {code: _errors.status_for(code) for code in _errors.MODELED_CODES} == statuses


def test_every_modeled_code_has_a_default_text_of_its_own():
    for code in _errors.MODELED_CODES:
        assert _errors.ERRORS[code].message is not None
        assert _errors.default_message(code) == _errors.ERRORS[code].message


@pytest.mark.parametrize(("code", "status"), _FRONT_DOOR)
def test_front_door_codes_are_sent_but_cannot_be_injected_as_faults(code: str, status: int):
    assert _errors.status_for(code) == status
    assert not _errors.is_modeled(code)
    assert _errors.default_message(code) == _errors.MALFORMED_INPUT


def test_unknown_codes_answer_400_with_the_generic_text():
    assert _errors.status_for("NoSuchException") == 400
    assert _errors.default_message("NoSuchException") == _errors.MALFORMED_INPUT
    assert not _errors.is_modeled("NoSuchException")


def test_verbatim_default_texts_are_awss_own():
    assert _errors.default_message("ThrottlingException") == (
        "Too many requests, please wait before trying again."
    )
    assert _errors.default_message("ServiceUnavailableException") == (
        "Bedrock is unable to process your request."
    )
    assert _errors.default_message("AccessDeniedException") == (
        "You don't have access to the model with the specified model ID."
    )
    assert _errors.default_message("ResourceNotFoundException") == (
        "This model version has reached the end of its life. "
        "Please refer to the AWS documentation for more details."
    )
