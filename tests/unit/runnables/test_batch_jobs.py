"""`submit_batch` and `BedrockBatchJob` against botocore's Stubber: no sockets, no S3.

What crosses the wire for real (the emulator and moto's S3) is in
`tests/wire/test_batch_jobs.py`; here the order of calls and what happens before any
of them is pinned down.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.catalog import ModelCatalog
from langchain_bedrock_enhanced.errors import (
    BatchJobError,
    ConfigurationError,
    ParameterValidationError,
    ProfileRequirementError,
)
from langchain_bedrock_enhanced.runnables import BedrockBatchJob, submit_batch
from langchain_bedrock_enhanced.runnables.batch_jobs import MANIFEST_SUFFIX, next_poll_interval
from langchain_bedrock_enhanced.runnables.batch_records import BatchLimits

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
ROLE = "arn:aws:iam::123456789012:role/BedrockBatch"
ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl"
KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}


@pytest.fixture
def model() -> Any:
    return create_langchain_chatbedrock(
        SONNET, region_name="us-east-1", catalog=ModelCatalog(discover=False, disk_cache=False)
    )


@pytest.fixture
def s3() -> Any:
    return boto3.client("s3", region_name="us-east-1", **KEYS)


@pytest.fixture
def control() -> Any:
    return boto3.client("bedrock", region_name="us-east-1", **KEYS)


def _submit(model: Any, s3: Any, control: Any, count: int = 100, **kwargs: Any) -> Any:
    return submit_batch(
        model,
        [f"Question {i}" for i in range(count)],
        input_s3_uri="s3://bucket/in",
        output_s3_uri="s3://bucket/out",
        role_arn=ROLE,
        s3_client=s3,
        bedrock_client=control,
        **kwargs,
    )


def _body(data: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(data), len(data))


def _job_info(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "jobArn": ARN,
        "modelId": f"us.{SONNET}",
        "roleArn": ROLE,
        "status": status,
        "submitTime": datetime(2026, 1, 1, tzinfo=timezone.utc),
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://bucket/in/job-1/"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://bucket/out"}},
        **extra,
    }


# Submission ------------------------------------------------------------------------------


def test_submit_uploads_the_records_then_a_manifest_then_creates_a_converse_job(
    model: Any, s3: Any, control: Any
) -> None:
    uploads: list[dict[str, Any]] = []
    with Stubber(s3) as s3_stub, Stubber(control) as control_stub:
        for _ in range(2):
            s3_stub.add_response("put_object", {}, {"Bucket": "bucket", "Key": ANY, "Body": ANY})
        control_stub.add_response(
            "create_model_invocation_job",
            {"jobArn": ARN},
            {
                "jobName": "nightly-run",
                "roleArn": ROLE,
                "clientRequestToken": ANY,
                "modelId": f"us.{SONNET}",
                "inputDataConfig": ANY,
                "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://bucket/out"}},
                "modelInvocationType": "Converse",
                "timeoutDurationInHours": 48,
            },
        )
        s3.meta.events.register(
            "before-parameter-build.s3.PutObject", lambda params, **_: uploads.append(params)
        )

        job = _submit(model, s3, control, job_name="nightly-run", timeout_hours=48)

        s3_stub.assert_no_pending_responses()
        control_stub.assert_no_pending_responses()
    assert job.job_arn == ARN
    assert job.record_count == 100
    records_key, manifest_key = (upload["Key"] for upload in uploads)
    assert records_key.startswith("in/nightly-run-")
    assert records_key.endswith("/records-00000.jsonl")
    assert manifest_key == records_key.rsplit("/", 1)[0] + MANIFEST_SUFFIX
    body = uploads[1]["Body"]  # botocore may have wrapped the bytes in a BytesIO
    manifest = json.loads(body.getvalue() if isinstance(body, io.BytesIO) else body)
    assert manifest["record_count"] == 100
    assert manifest["model_id_sent"] == f"us.{SONNET}"
    assert manifest["access_method"] == "regional_cris"


def test_a_refused_profile_moves_on_to_the_next_candidate_without_uploading_again(
    model: Any, s3: Any, control: Any
) -> None:
    needs_profile = (
        f"Invocation of model ID us.{SONNET} with on-demand throughput isn\u2019t supported. "
        "Retry your request with the ID or ARN of an inference profile that contains this model."
    )
    with Stubber(s3) as s3_stub, Stubber(control) as control_stub:
        for _ in range(3):  # records, manifest, the manifest again with the model ID used
            s3_stub.add_response("put_object", {})
        control_stub.add_client_error(
            "create_model_invocation_job", "ValidationException", needs_profile
        )
        control_stub.add_response(
            "create_model_invocation_job",
            {"jobArn": ARN},
            {
                "jobName": ANY,
                "roleArn": ROLE,
                "clientRequestToken": ANY,
                "modelId": f"global.{SONNET}",
                "inputDataConfig": ANY,
                "outputDataConfig": ANY,
                "modelInvocationType": "Converse",
            },
        )

        job = _submit(model, s3, control)

        s3_stub.assert_no_pending_responses()
    assert job._manifest["model_id_sent"] == f"global.{SONNET}"


@pytest.mark.parametrize(
    ("count", "kwargs"),
    [
        (99, {}),
        (101, {"limits": BatchLimits(max_records_per_job=100)}),
        (100, {"job_name": "has spaces"}),
        (100, {"timeout_hours": 200}),
        (100, {"role_arn": "not-a-role"}),
    ],
    ids=["too-few", "too-many", "bad-name", "timeout", "role"],
)
def test_bad_requests_fail_before_anything_is_uploaded(
    model: Any, s3: Any, control: Any, count: int, kwargs: dict[str, Any]
) -> None:
    arguments = {
        "input_s3_uri": "s3://bucket/in",
        "output_s3_uri": "s3://bucket/out",
        "role_arn": ROLE,
        "s3_client": s3,
        "bedrock_client": control,
        **kwargs,
    }
    # An activated Stubber with nothing queued refuses every call.
    with Stubber(s3), Stubber(control), pytest.raises(ConfigurationError):
        submit_batch(model, [f"q{i}" for i in range(count)], **arguments)


def test_unserialisable_inputs_fail_before_anything_is_uploaded(
    model: Any, s3: Any, control: Any
) -> None:
    inputs: list[Any] = [f"q{i}" for i in range(100)]
    inputs[17] = object()

    with Stubber(s3), Stubber(control), pytest.raises(ParameterValidationError) as caught:
        submit_batch(
            model,
            inputs,
            input_s3_uri="s3://bucket/in",
            output_s3_uri="s3://bucket/out",
            role_arn=ROLE,
            s3_client=s3,
            bedrock_client=control,
        )

    assert [where for where, _ in caught.value.problems] == ["inputs[17]"]


def test_a_policy_forbidding_the_models_profiles_fails_before_anything_is_uploaded(
    s3: Any, control: Any
) -> None:
    model = create_langchain_chatbedrock(
        SONNET,
        region_name="us-east-1",
        catalog=ModelCatalog(discover=False, disk_cache=False),
        access_methods=("direct",),
    )

    with Stubber(s3), Stubber(control), pytest.raises(ProfileRequirementError):
        _submit(model, s3, control)


# Following the job ---------------------------------------------------------------------------


def _job(model: Any, s3: Any, control: Any, inputs: list[str] | None = None) -> BedrockBatchJob:
    manifest = {
        "record_count": 2,
        "model_id_sent": f"us.{SONNET}",
        "access_method": "regional_cris",
    }
    return BedrockBatchJob(
        ARN, model=model, manifest=manifest, bedrock_client=control, s3_client=s3, inputs=inputs
    )


def test_wait_polls_until_a_final_status(model: Any, s3: Any, control: Any) -> None:
    job = _job(model, s3, control)
    with Stubber(control) as stub:
        for status in ("Submitted", "InProgress", "InProgress", "Completed"):
            stub.add_response("get_model_invocation_job", _job_info(status), {"jobIdentifier": ARN})

        assert job.wait(progress=False, poll_interval=0) == "Completed"

        stub.assert_no_pending_responses()


def test_wait_gives_up_after_its_timeout_and_says_the_job_goes_on(
    model: Any, s3: Any, control: Any
) -> None:
    job = _job(model, s3, control)
    with Stubber(control) as stub:
        stub.add_response("get_model_invocation_job", _job_info("InProgress"))
        with pytest.raises(BatchJobError) as caught:
            job.wait(progress=False, poll_interval=10, timeout=0)

    assert caught.value.job_status == "InProgress"


def test_polls_back_off_while_nothing_changes_and_return_to_base_after_a_change() -> None:
    waits = [1.0]
    for changed in (False, False, False, True, False):
        waits.append(next_poll_interval(waits[-1], base=1.0, cap=3.0, changed=changed))

    assert waits == [1.0, 1.5, 2.25, 3.0, 1.0, 1.5]


def test_results_wait_for_the_job_to_end(model: Any, s3: Any, control: Any) -> None:
    job = _job(model, s3, control)
    with Stubber(control) as stub:
        stub.add_response("get_model_invocation_job", _job_info("InProgress"))
        with pytest.raises(BatchJobError, match="wait"):
            job.results()


def test_results_read_every_output_file_of_the_job(model: Any, s3: Any, control: Any) -> None:
    job = _job(model, s3, control, inputs=["first", "second"])
    line = {
        "recordId": "00000000001",
        "modelOutput": {
            "output": {"message": {"role": "assistant", "content": [{"text": "second!"}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4},
            "metrics": {"latencyMs": 1},
        },
    }
    with Stubber(control) as control_stub, Stubber(s3) as s3_stub:
        control_stub.add_response("get_model_invocation_job", _job_info("Stopped"))
        s3_stub.add_response(
            "list_objects_v2",
            {"Contents": [{"Key": "out/abcdefghijkl/records-00000.jsonl.out"},
                          {"Key": "out/abcdefghijkl/manifest.json.out"}]},
            {"Bucket": "bucket", "Prefix": "out/abcdefghijkl/"},
        )  # fmt: skip
        s3_stub.add_response(
            "get_object",
            {"Body": _body(json.dumps(line).encode())},
            {"Bucket": "bucket", "Key": "out/abcdefghijkl/records-00000.jsonl.out"},
        )

        response = job.results()

    assert [r.input for r in response] == ["first", "second"]
    assert isinstance(response[0].error, BatchJobError)
    assert response[1].output.content == "second!"


def test_attach_rebuilds_the_job_from_its_manifest(model: Any, s3: Any, control: Any) -> None:
    manifest = {"record_count": 250, "model_id": SONNET, "access_method": "regional_cris"}
    with Stubber(control) as control_stub, Stubber(s3) as s3_stub:
        control_stub.add_response("get_model_invocation_job", _job_info("InProgress"))
        s3_stub.add_response(
            "get_object",
            {"Body": _body(json.dumps(manifest).encode())},
            {"Bucket": "bucket", "Key": f"in/job-1{MANIFEST_SUFFIX}"},
        )

        job = BedrockBatchJob.attach(ARN, model=model, bedrock_client=control, s3_client=s3)

    assert (job.job_arn, job.record_count) == (ARN, 250)


def test_attach_refuses_a_job_without_a_manifest(model: Any, s3: Any, control: Any) -> None:
    with Stubber(control) as control_stub, Stubber(s3) as s3_stub:
        control_stub.add_response("get_model_invocation_job", _job_info("Completed"))
        s3_stub.add_client_error("get_object", "NoSuchKey", "The key does not exist.")

        with pytest.raises(BatchJobError, match="no readable manifest"):
            BedrockBatchJob.attach(ARN, model=model, bedrock_client=control, s3_client=s3)
