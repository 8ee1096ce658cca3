"""The input side of a batch job: model ID, records, files and request checks, no network."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.access import AccessMethod
from langchain_bedrock_enhanced.catalog import ModelCatalog
from langchain_bedrock_enhanced.errors import (
    ConfigurationError,
    ParameterValidationError,
    ProfileRequirementError,
)
from langchain_bedrock_enhanced.runnables.batch_records import (
    BatchLimits,
    batch_support_problem,
    build_record_lines,
    check_create_request,
    choose_candidates,
    split_into_files,
)

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
SNAPSHOT = ModelCatalog(discover=False, disk_cache=False)
"""The bundled catalog: Sonnet 4.5 is profile-only in us-east-1 (us. and global.)."""


def _model(model_id: str = SONNET, region: str = "us-east-1", **kwargs: Any) -> Any:
    return create_langchain_chatbedrock(model_id, region_name=region, catalog=SNAPSHOT, **kwargs)


def _records(lines: list[bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]


# Which model ID -------------------------------------------------------------------------


def test_a_profile_only_model_is_sent_as_its_regional_profile_first() -> None:
    assert choose_candidates(_model(), "us-east-1") == [
        (f"us.{SONNET}", AccessMethod.REGIONAL_CRIS),
        (f"global.{SONNET}", AccessMethod.GLOBAL_CRIS),
    ]


def test_the_access_policy_limits_the_candidates() -> None:
    model = _model(access_methods=("direct", "regional"))

    assert choose_candidates(model, "us-east-1") == [(f"us.{SONNET}", AccessMethod.REGIONAL_CRIS)]


def test_a_policy_that_forbids_every_way_in_is_a_profile_requirement() -> None:
    model = _model(access_methods=("direct",))

    with pytest.raises(ProfileRequirementError) as caught:
        choose_candidates(model, "us-east-1")

    assert "forbids" in caught.value.message


def test_ways_batch_inference_does_not_support_are_dropped_or_refused() -> None:
    # Nova Premier runs batch jobs only through profiles, in us-east-1, us-east-2, us-west-2.
    assert batch_support_problem("amazon.nova-premier-v1:0", AccessMethod.DIRECT, "us-east-1") == (
        "the bare model ID is not supported for batch inference in us-east-1"
    )
    assert (
        batch_support_problem("us.amazon.nova-lite-v1:0", AccessMethod.REGIONAL_CRIS, "us-east-2")
        is None
    )
    with pytest.raises(ConfigurationError, match="Batch inference cannot run"):
        choose_candidates(_model("amazon.nova-lite-v1:0", "ca-central-1"), "ca-central-1")


def test_a_model_the_support_table_does_not_know_is_left_to_bedrock() -> None:
    assert batch_support_problem("meta.llama3-8b-instruct-v1:0", AccessMethod.DIRECT, "x") is None


# Records ---------------------------------------------------------------------------------


def test_each_input_becomes_the_converse_body_the_model_would_send() -> None:
    model = _model(temperature=0.25, max_tokens=300)
    inputs = ["Hello", [SystemMessage("Be brief"), HumanMessage("Hi")]]

    records = _records(build_record_lines(model, inputs, f"us.{SONNET}"))

    assert [r["recordId"] for r in records] == ["00000000000", "00000000001"]
    first, second = (r["modelInput"] for r in records)
    assert "modelId" not in first
    assert first["messages"] == [{"role": "user", "content": [{"text": "Hello"}]}]
    assert first["inferenceConfig"] == {"maxTokens": 300, "temperature": 0.25}
    assert second["system"] == [{"text": "Be brief"}]


def test_record_ids_keep_the_input_order_and_sort_like_it() -> None:
    model = _model()
    ids = [r["recordId"] for r in _records(build_record_lines(model, ["x"] * 12, SONNET))]

    assert ids == sorted(ids)
    assert [int(rid) for rid in ids] == list(range(12))
    assert {len(rid) for rid in ids} == {11}


def test_blobs_are_serialised_as_the_json_wire_format_sends_them() -> None:
    model = _model()
    image = {"type": "image", "base64": "iVBORw==", "mime_type": "image/png"}
    message = HumanMessage(content=[{"type": "text", "text": "What is it?"}, image])

    (record,) = _records(build_record_lines(model, [[message]], SONNET))

    content = record["modelInput"]["messages"][0]["content"]
    assert content[1]["image"]["source"]["bytes"] == "iVBORw=="


def test_inputs_that_cannot_become_records_are_all_listed_before_anything_happens() -> None:
    model = _model()
    inputs = ["fine", 42, [AIMessage("I start the conversation")], "also fine"]

    with pytest.raises(ParameterValidationError) as caught:
        build_record_lines(model, inputs, SONNET)

    assert [where for where, _ in caught.value.problems] == ["inputs[1]", "inputs[2]"]
    assert "2 of 4 inputs" in caught.value.message


# Files -------------------------------------------------------------------------------------


def test_files_split_at_the_record_limit_and_keep_the_order() -> None:
    lines = [f'{{"recordId":"{i:011d}"}}'.encode() for i in range(5)]

    files = split_into_files(lines, BatchLimits(max_records_per_file=2))

    assert [content.count(b"\n") for content in files] == [2, 2, 1]
    assert b"".join(files).splitlines() == lines


def test_files_split_at_the_size_limit() -> None:
    lines = [b"x" * 40] * 5

    files = split_into_files(lines, BatchLimits(max_file_bytes=100))

    assert [len(content) for content in files] == [82, 82, 41]


def test_a_record_bigger_than_a_file_may_be_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="over the input-file limit"):
        split_into_files([b"x" * 200], BatchLimits(max_file_bytes=100))


# The request -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"jobName": "no spaces allowed"}, "jobName"),
        ({"roleArn": "not-a-role"}, "roleArn"),
        ({"timeoutDurationInHours": 200}, "timeoutDurationInHours"),
        (
            {"outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://Bad_Bucket/x"}}},
            "outputDataConfig.s3OutputDataConfig.s3Uri",
        ),
    ],
)
def test_the_job_request_is_checked_against_botocores_model(
    change: dict[str, Any], named: str
) -> None:
    client = boto3.client("bedrock", region_name="us-east-1")
    request = {
        "jobName": "ok-name",
        "roleArn": "arn:aws:iam::123456789012:role/BedrockBatch",
        "modelId": f"us.{SONNET}",
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://bucket/in/"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://bucket/out"}},
        "timeoutDurationInHours": 48,
        **change,
    }

    with pytest.raises(ConfigurationError) as caught:
        check_create_request(client, request)

    assert named in caught.value.message
