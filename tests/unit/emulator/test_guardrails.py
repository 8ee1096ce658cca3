"""Guardrails: which configs name one, what they block, and the trace Bedrock returns."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from langchain_bedrock_enhanced.emulator import Scenario
from langchain_bedrock_enhanced.emulator._guardrails import (
    DEFAULT_BLOCKED_MESSAGING,
    GuardrailCall,
    GuardrailSpec,
    apply_guardrail,
    guardrail_for,
)
from langchain_bedrock_enhanced.emulator._types import ConversationRequest, EmulatedError, Reply

ACCOUNT = "123456789012"
SPEC = GuardrailSpec.model_validate(
    {
        "id": "gr0abc123def",
        "versions": ["DRAFT", "1", "2"],
        "regions": ["us-east-1"],
        "blocked_words": ["project zebra"],
        "denied_topics": [{"name": "Investment advice", "phrases": ["stocks", "crypto"]}],
        "blocked_input_messaging": "I can't discuss that.",
        "blocked_outputs_messaging": "That answer was withheld.",
    }
)


def _config(**members: Any) -> dict[str, Any]:
    return {"guardrailIdentifier": "gr0abc123def", "guardrailVersion": "1", **members}


def _request(*texts: str) -> ConversationRequest:
    return ConversationRequest(
        messages=[{"role": "user", "content": [{"text": text} for text in texts]}]
    )


def _refusal(config: Any, region: str = "us-east-1") -> str:
    with pytest.raises(EmulatedError) as caught:
        guardrail_for(config, [SPEC], region=region, account_id=ACCOUNT)
    assert caught.value.code == "ValidationException"
    return caught.value.message


# Naming a guardrail ----------------------------------------------------------------------


def test_no_guardrail_config_means_no_guardrail():
    assert guardrail_for(None, [SPEC], region="us-east-1", account_id=ACCOUNT) is None


@pytest.mark.parametrize(
    "identifier",
    ["gr0abc123def", f"arn:aws:bedrock:us-east-1:{ACCOUNT}:guardrail/gr0abc123def"],
)
def test_a_guardrail_is_named_by_id_or_arn(identifier: str):
    call = guardrail_for(
        _config(guardrailIdentifier=identifier, trace="enabled_full"),
        [SPEC],
        region="us-east-1",
        account_id=ACCOUNT,
    )
    assert call == GuardrailCall(SPEC, "enabled_full")


@pytest.mark.parametrize(
    "config",
    [
        _config(guardrailIdentifier="nosuchguard1"),
        _config(guardrailVersion="3"),
        _config(
            guardrailIdentifier="arn:aws:bedrock:us-east-1:999999999999:guardrail/gr0abc123def"
        ),
        _config(guardrailIdentifier=""),
    ],
    ids=["unknown-id", "unknown-version", "other-account", "empty"],
)
def test_a_guardrail_that_does_not_exist_gets_bedrocks_validation_text(config: dict[str, Any]):
    assert _refusal(config) == (
        "The guardrail identifier or version provided in the request does not exist."
    )


def test_guardrails_are_regional():
    assert "does not exist" in _refusal(_config(), region="eu-west-1")


def test_malformed_members_get_the_aws_constraint_messages():
    message = _refusal(_config(guardrailIdentifier="Bad_ID", trace="on"))
    assert message.startswith("2 validation errors detected: Value 'Bad_ID' at ")
    assert "'guardrailConfig.trace' failed to satisfy constraint: Member must satisfy enum " in (
        message
    )


# Assessing -------------------------------------------------------------------------------


def test_a_denied_topic_in_the_input_skips_the_model_and_answers_the_blocked_messaging():
    reply = Reply(("Buy everything.",), "end_turn", 9, 3)
    answer, trace = apply_guardrail(
        GuardrailCall(SPEC, "enabled"), _request("Which stocks should I buy?"), reply
    )
    assert (answer.blocks, answer.stop_reason) == (
        ("I can't discuss that.",),
        "guardrail_intervened",
    )
    assert answer.input_tokens == 9
    assert trace == {
        "guardrail": {
            "inputAssessment": {
                "gr0abc123def": {
                    "topicPolicy": {
                        "topics": [
                            {
                                "name": "Investment advice",
                                "type": "DENY",
                                "action": "BLOCKED",
                                "detected": True,
                            }
                        ]
                    }
                }
            }
        }
    }


def test_words_match_whole_and_ignoring_case():
    call = GuardrailCall(SPEC, "disabled")
    reply = Reply(("Fine.",), "end_turn", 5, 1)
    blocked, trace = apply_guardrail(call, _request("Status of PROJECT ZEBRA?"), reply)
    passed, _ = apply_guardrail(call, _request("Status of project zebras?"), reply)
    assert blocked.stop_reason == "guardrail_intervened"
    assert trace is None  # trace disabled
    assert passed is reply


def test_a_blocked_output_is_replaced_and_traced_with_the_models_text_when_full():
    reply = Reply(("Try crypto.",), "end_turn", 5, 2)
    answer, trace = apply_guardrail(
        GuardrailCall(SPEC, "enabled_full"), _request("Any tips?"), reply
    )
    assert answer.text == "That answer was withheld."
    assert trace is not None
    guardrail = trace["guardrail"]
    assert guardrail["inputAssessment"] == {"gr0abc123def": {}}
    (output,) = guardrail["outputAssessments"]["gr0abc123def"]
    assert output["topicPolicy"]["topics"][0]["name"] == "Investment advice"
    assert guardrail["modelOutput"] == ["Try crypto."]


def test_only_guard_content_is_assessed_when_there_is_some():
    request = ConversationRequest(
        messages=[
            {
                "role": "user",
                "content": [
                    {"text": "Background: stocks fell today."},
                    {"guardContent": {"text": {"text": "Summarise the background."}}},
                ],
            }
        ]
    )
    reply = Reply(("Markets moved.",), "end_turn", 5, 2)
    answer, _ = apply_guardrail(GuardrailCall(SPEC, "enabled"), request, reply)
    assert answer is reply


def test_a_scenario_holds_guardrails_with_the_consoles_default_messaging():
    scenario = Scenario.from_dict({"guardrails": [{"id": "abc123", "blocked_words": ["x"]}]})
    assert scenario.guardrails[0].blocked_input_messaging == DEFAULT_BLOCKED_MESSAGING
    with pytest.raises(ValidationError):
        Scenario.from_dict({"guardrails": [{"id": "Not An ID"}]})
