"""Properties 5 and 6 of the access engine, through botocore's Stubber (no sockets).

5. Profile-retry idempotence: the profile fallback consumes no retry attempt and
   sends exactly one extra request.
6. Backward compatibility: an on-demand model sends exactly one direct request per call.
"""

from __future__ import annotations

import copy
from typing import Any

import boto3
from botocore.config import Config
from botocore.stub import Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.access import AccessMethodTracker
from langchain_bedrock_enhanced.runnables.retry import with_bedrock_retry

PROFILE_REQUIRED = (
    "Invocation of model ID {} with on-demand throughput isn\u2019t supported. Retry your "
    "request with the ID or ARN of an inference profile that contains this model."
)
REPLY = {
    "output": {"message": {"role": "assistant", "content": [{"text": "ok"}]}},
    "stopReason": "end_turn",
    "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4},
    "metrics": {"latencyMs": 1},
}
REGIONS = {"us-east-1": "us", "us-west-2": "us", "eu-west-1": "eu", "eu-central-1": "eu"}
PROFILE_ONLY = [
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "meta.llama4-scout-17b-instruct-v1:0",
    "amazon.nova-2-lite-v1:0",
]
ON_DEMAND = [
    "anthropic.claude-3-haiku-20240307-v1:0",
    "amazon.nova-micro-v1:0",
    "mistral.mistral-large-2402-v1:0",
    "meta.llama3-8b-instruct-v1:0",
]


def _stubbed_model(model_id: str, region: str) -> tuple[Any, Stubber, list[str]]:
    client = boto3.client(
        "bedrock-runtime",
        region_name=region,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    sent: list[str] = []
    client.meta.events.register(
        "provide-client-params.bedrock-runtime.Converse",
        lambda params, **_: sent.append(params["modelId"]),
    )
    model = create_langchain_chatbedrock(
        model_id, region_name=region, client=client, catalog=False, tracker=AccessMethodTracker()
    )
    return model, Stubber(client), sent


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    model_id=st.sampled_from(PROFILE_ONLY),
    region=st.sampled_from(sorted(REGIONS)),
    calls=st.integers(min_value=1, max_value=4),
)
def test_profile_fallback_costs_one_extra_request_and_no_retry_attempt(
    model_id: str, region: str, calls: int
) -> None:
    model, stubber, sent = _stubbed_model(model_id, region)
    profile = f"{REGIONS[region]}.{model_id}"
    stubber.add_client_error(
        "converse",
        service_error_code="ValidationException",
        service_message=PROFILE_REQUIRED.format(model_id),
        http_status_code=400,
    )
    for _ in range(calls):
        stubber.add_response("converse", copy.deepcopy(REPLY))
    # One retry attempt allowed: the profile fallback must not need a second one.
    robust = with_bedrock_retry(model, max_attempts=1, backoff_base=0)
    with stubber:
        first = robust.invoke("hello")
        later = [robust.invoke("hello") for _ in range(calls - 1)]
    stubber.assert_no_pending_responses()
    assert sent == [model_id, profile] + [profile] * (calls - 1)
    assert first.response_metadata["attempts"] == 2
    assert all(message.response_metadata["attempts"] == 1 for message in later)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    model_id=st.sampled_from(ON_DEMAND),
    region=st.sampled_from(sorted(REGIONS)),
    calls=st.integers(min_value=1, max_value=5),
)
def test_on_demand_model_sends_exactly_one_direct_request_per_call(
    model_id: str, region: str, calls: int
) -> None:
    model, stubber, sent = _stubbed_model(model_id, region)
    for _ in range(calls):
        stubber.add_response("converse", copy.deepcopy(REPLY))
    with stubber:
        messages = [model.invoke("hello") for _ in range(calls)]
    stubber.assert_no_pending_responses()
    assert sent == [model_id] * calls
    assert {m.response_metadata["access_method_used"] for m in messages} == {"direct"}
