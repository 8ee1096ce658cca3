"""Bedrock batch inference through `submit_batch`, against the emulator and moto's S3 server.

Everything crosses the wire: the records go to moto's S3 through boto3, the job is
created, followed and stopped through the real `bedrock` client, the emulator reads
the records from S3 and writes its output there, and `results()` reads it back.

In the bundled world Claude Sonnet 4.5 has no on-demand throughput in us-east-1:
it is reached through `us.` (or `global.`), so a job for the bare ID must be created
with the profile.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.emulator import DEFAULT_ACCESS_KEY_ID, BedrockEmulator
from langchain_bedrock_enhanced.errors import (
    BatchJobError,
    LLMError,
    ProfileRequirementError,
    ServiceUnavailableError,
)
from langchain_bedrock_enhanced.runnables import BedrockBatchJob, submit_batch
from langchain_bedrock_enhanced.runnables.parallel_results import ParallelResponse

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
SONNET_US = f"us.{SONNET}"
ROLE = "arn:aws:iam::123456789012:role/BedrockBatch"
BUCKET = "batch-wire"
KEYS = {"aws_access_key_id": DEFAULT_ACCESS_KEY_ID, "aws_secret_access_key": "moto-takes-any"}
FAST = {"records_per_second": 100_000, "status_dwell_ms": 1}
POLL = 0.02
"""Seconds between polls: the emulator's jobs take milliseconds."""


@pytest.fixture(scope="module")
def s3_url() -> Iterator[str]:
    """moto's S3 server on loopback, with the test bucket."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto logs every request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=url, region_name="us-east-1", **KEYS).create_bucket(
        Bucket=BUCKET
    )
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def batch_emulator(s3_url: str) -> Iterator[BedrockEmulator]:
    """One emulator for the module, its batch jobs on moto's S3."""
    with BedrockEmulator(scenario={"batch": FAST}, s3_endpoint_url=s3_url) as emu:
        yield emu


@pytest.fixture
def s3(s3_url: str) -> Any:
    return boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", **KEYS)


def _model(emu: BedrockEmulator, region: str = "us-east-1", **kwargs: Any) -> Any:
    return create_langchain_chatbedrock(
        SONNET,
        region_name=region,
        endpoint_url=emu.endpoint_url,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        **kwargs,
    )


def _submit(
    emu: BedrockEmulator, s3: Any, count: int = 250, *, name: str | None = None, **kwargs: Any
) -> BedrockBatchJob:
    prefix = uuid.uuid4().hex[:8]
    return submit_batch(
        _model(emu),
        [f"Question {i}" for i in range(count)],
        input_s3_uri=f"s3://{BUCKET}/{prefix}/in",
        output_s3_uri=f"s3://{BUCKET}/{prefix}/out",
        role_arn=ROLE,
        job_name=name,
        s3_client=s3,
        **kwargs,
    )


def _wait_until(job: BedrockBatchJob, predicate: Any) -> dict[str, Any]:
    for _ in range(2000):
        info = job.describe()
        if predicate(info):
            return info
        time.sleep(POLL)
    pytest.fail(f"job never reached the expected state: {info}")


def _outcomes(response: ParallelResponse) -> list[tuple[int, str]]:
    return [
        (r.index, r.output.content if r.ok else f"{type(r.error).__name__}: {r.error.message}")
        for r in response
    ]


def _output_records(s3: Any, job: BedrockBatchJob) -> list[dict[str, Any]]:
    uri = job.describe()["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"]
    prefix = uri.split(f"s3://{BUCKET}/", 1)[1] + "/" + job.job_id + "/"
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]]
    records = []
    for key in keys:
        if key.endswith(".jsonl.out"):
            body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
            records += [json.loads(line) for line in body.splitlines() if line]
    return records


# The acceptance run: 250 inputs to a profile-only model, then a restart ---------------


@pytest.fixture(scope="module")
def failing_tenth(
    batch_emulator: BedrockEmulator, s3_url: str, tmp_path_factory: pytest.TempPathFactory
) -> BedrockBatchJob:
    """A completed job of 250 inputs in which the scenario failed about a tenth of the records."""
    with pytest.MonkeyPatch.context() as env:
        # Module fixtures run before the suite's per-test AWS isolation: isolate here too.
        env.setenv("AWS_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
        env.setenv("AWS_SECRET_ACCESS_KEY", "emulator-takes-any")
        env.delenv("AWS_PROFILE", raising=False)
        env.setenv("LANGCHAIN_BEDROCK_ENHANCED_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        batch_emulator.set_scenario({"batch": {**FAST, "failure_rate": 0.1, "seed": 7}})
        s3 = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", **KEYS)
        try:
            job = _submit(batch_emulator, s3)
            assert job.wait(progress=False, poll_interval=POLL) == "Completed"
        finally:
            batch_emulator.set_scenario({"batch": FAST})
    return job


def test_the_job_is_created_with_the_models_inference_profile(
    batch_emulator: BedrockEmulator, failing_tenth: BedrockBatchJob
) -> None:
    created = [r for r in batch_emulator.requests if r.operation == "CreateModelInvocationJob"]
    sent = {r.body["modelId"] for r in created if r.body is not None}
    assert SONNET_US in sent
    assert failing_tenth.describe()["modelId"] == SONNET_US
    assert failing_tenth.describe()["modelInvocationType"] == "Converse"


def test_250_inputs_give_250_results_in_input_order(failing_tenth: BedrockBatchJob) -> None:
    response = failing_tenth.results()

    assert len(response) == 250
    assert [r.index for r in response] == list(range(250))
    for result in response:
        if result.ok:
            assert result.output.content.endswith(f"Question {result.index}")
            assert result.output.response_metadata["model_id_sent"] == SONNET_US
            assert result.output.response_metadata["access_method_used"] == "regional_cris"
            assert result.output.usage_metadata["output_tokens"] > 0


def test_the_records_the_scenario_failed_come_back_as_typed_errors(
    failing_tenth: BedrockBatchJob, s3: Any
) -> None:
    response = failing_tenth.results()
    failed_in_s3 = sorted(
        int(record["recordId"])
        for record in _output_records(s3, failing_tenth)
        if "error" in record
    )

    assert [r.index for r in response.failures] == failed_in_s3
    assert 0 < len(failed_in_s3) < 250
    assert all(isinstance(r.error, ServiceUnavailableError) for r in response.failures)
    assert {r.error.status_code for r in response.failures} == {500}
    info = failing_tenth.describe()
    assert (info["successRecordCount"], info["errorRecordCount"]) == (
        250 - len(failed_in_s3),
        len(failed_in_s3),
    )


def test_statistics_cost_the_tokens_at_half_the_on_demand_price(
    failing_tenth: BedrockBatchJob,
) -> None:
    from langchain_bedrock_enhanced.catalog.pricing import price_for

    stats = failing_tenth.results().statistics
    price = price_for(SONNET_US)
    assert price is not None
    on_demand = price.cost(
        uncached_input_tokens=stats.usage.input_tokens, output_tokens=stats.usage.output_tokens
    )
    assert on_demand is not None
    assert stats.cost_usd == pytest.approx(on_demand / 2)
    assert stats.by_access_method == {"regional_cris": 250}


def test_a_restarted_process_attaches_and_gets_the_same_results(
    batch_emulator: BedrockEmulator, failing_tenth: BedrockBatchJob, s3_url: str
) -> None:
    script = textwrap.dedent(
        f"""
        import json, boto3
        from langchain_bedrock_enhanced import create_langchain_chatbedrock
        from langchain_bedrock_enhanced.runnables import BedrockBatchJob
        model = create_langchain_chatbedrock(
            {SONNET!r}, region_name="us-east-1", endpoint_url={batch_emulator.endpoint_url!r})
        s3 = boto3.client("s3", endpoint_url={s3_url!r}, region_name="us-east-1")
        job = BedrockBatchJob.attach({failing_tenth.job_arn!r}, model=model, s3_client=s3)
        print(json.dumps([
            [r.index, r.output.content if r.ok
             else type(r.error).__name__ + ": " + r.error.message]
            for r in job.results()
        ]))
        """
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, a script of ours
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    restarted = [tuple(item) for item in json.loads(done.stdout)]
    assert restarted == _outcomes(failing_tenth.results())


# Every ending keeps every input ---------------------------------------------------------


def test_a_stopped_job_answers_every_input_processed_or_not(
    batch_emulator: BedrockEmulator, s3: Any
) -> None:
    batch_emulator.set_scenario({"batch": {"records_per_second": 200, "status_dwell_ms": 1}})
    try:
        job = _submit(batch_emulator, s3)
        _wait_until(job, lambda info: info.get("processedRecordCount", 0) > 0)
        job.stop()
        assert job.wait(progress=False, poll_interval=POLL) == "Stopped"
    finally:
        batch_emulator.set_scenario({"batch": FAST})
    response = job.results()
    processed = job.describe()["processedRecordCount"]

    assert len(response) == 250
    assert 0 < response.statistics.succeeded == processed < 250
    assert all(r.ok for r in response[:processed])
    assert all(isinstance(r.error, BatchJobError) for r in response[processed:])
    assert {r.error.job_status for r in response[processed:]} == {"Stopped"}


def test_a_partially_completed_job_says_which_inputs_ran_out_of_time(
    batch_emulator: BedrockEmulator, s3: Any
) -> None:
    batch_emulator.set_scenario({"batch": {**FAST, "partial_after_records": 100}})
    try:
        job = _submit(batch_emulator, s3)
        assert job.wait(progress=False, poll_interval=POLL) == "PartiallyCompleted"
    finally:
        batch_emulator.set_scenario({"batch": FAST})
    response = job.results()

    assert len(response) == 250
    assert [r.ok for r in response] == [True] * 100 + [False] * 150
    assert "ran out of time" in response[100].error.message
    assert response[249].error.record_id == "00000000249"


@pytest.mark.parametrize(
    ("batch", "processed", "why"),
    [
        ({"fail_after_records": 40, "fail_message": "Capacity lost."}, 40, "Capacity lost."),
        ({"min_records": 300}, 0, "fewer than the minimum of 300"),
    ],
    ids=["during-processing", "at-validation"],
)
def test_a_failed_job_gives_every_unprocessed_input_the_jobs_failure(
    batch_emulator: BedrockEmulator, s3: Any, batch: dict[str, Any], processed: int, why: str
) -> None:
    batch_emulator.set_scenario({"batch": {**FAST, **batch}})
    try:
        job = _submit(batch_emulator, s3)
        assert job.wait(progress=False, poll_interval=POLL) == "Failed"
    finally:
        batch_emulator.set_scenario({"batch": FAST})
    response = job.results()

    assert len(response) == 250
    assert response.statistics.succeeded == processed
    failures = response.failures
    assert len(failures) == 250 - processed
    assert all(why in r.error.message and r.error.job_status == "Failed" for r in failures)


# Listing ---------------------------------------------------------------------------------


def test_list_pages_filters_by_name_and_status_and_sorts_by_creation(
    batch_emulator: BedrockEmulator, s3: Any
) -> None:
    tag = uuid.uuid4().hex[:6]
    jobs = [_submit(batch_emulator, s3, 100, name=f"list-{tag}-{n}") for n in range(3)]
    for job in jobs:
        job.wait(progress=False, poll_interval=POLL)
    client = boto3.client(
        "bedrock", region_name="us-east-1", endpoint_url=batch_emulator.endpoint_url
    )

    first = client.list_model_invocation_jobs(nameContains=f"list-{tag}", maxResults=2)
    second = client.list_model_invocation_jobs(
        nameContains=f"list-{tag}", maxResults=2, nextToken=first["nextToken"]
    )
    ascending = client.list_model_invocation_jobs(
        nameContains=f"list-{tag}", sortBy="CreationTime", sortOrder="Ascending"
    )
    completed = client.list_model_invocation_jobs(
        nameContains=f"list-{tag}", statusEquals="Completed"
    )
    stopped = client.list_model_invocation_jobs(nameContains=f"list-{tag}", statusEquals="Stopped")

    names = [f"list-{tag}-{n}" for n in range(3)]
    paged = first["invocationJobSummaries"] + second["invocationJobSummaries"]
    assert [s["jobName"] for s in paged] == names[::-1]
    assert "nextToken" not in second
    assert [s["jobName"] for s in ascending["invocationJobSummaries"]] == names
    assert len(completed["invocationJobSummaries"]) == 3
    assert stopped["invocationJobSummaries"] == []


# Bedrock's refusals ------------------------------------------------------------------------


def test_an_access_policy_that_forbids_the_only_profile_fails_before_any_upload(
    batch_emulator: BedrockEmulator, s3: Any
) -> None:
    # In ca-central-1 only the global profile serves Sonnet 4.5; data residency forbids it.
    model = _model(batch_emulator, "ca-central-1", access_methods=("direct", "regional"))
    prefix = uuid.uuid4().hex[:8]
    jobs_before = len([r for r in batch_emulator.requests if "Job" in r.operation])

    with pytest.raises(ProfileRequirementError) as caught:
        submit_batch(
            model,
            [f"Question {i}" for i in range(150)],
            input_s3_uri=f"s3://{BUCKET}/{prefix}/in",
            output_s3_uri=f"s3://{BUCKET}/{prefix}/out",
            role_arn=ROLE,
            s3_client=s3,
        )

    assert "global" in str(caught.value)
    assert s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["KeyCount"] == 0
    assert len([r for r in batch_emulator.requests if "Job" in r.operation]) == jobs_before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"timeoutDurationInHours": 200},
            (
                "1 validation error detected: Value '200' at 'timeoutDurationInHours' failed to "
                "satisfy constraint: Member must have value less than or equal to 168"
            ),
        ),
        (
            {"jobName": "bad name"},
            (
                "1 validation error detected: Value 'bad name' at 'jobName' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: "
                "[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}"
            ),
        ),
    ],
    ids=["timeout-above-168-hours", "job-name-pattern"],
)
def test_what_botocore_lets_through_the_service_refuses_with_awss_wording(
    batch_emulator: BedrockEmulator, change: dict[str, Any], message: str
) -> None:
    client = boto3.client(
        "bedrock", region_name="us-east-1", endpoint_url=batch_emulator.endpoint_url
    )
    request = {
        "jobName": "valid-name",
        "roleArn": ROLE,
        "modelId": SONNET_US,
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": f"s3://{BUCKET}/in/"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": f"s3://{BUCKET}/out/"}},
        **change,
    }

    with pytest.raises(ClientError) as caught:
        client.create_model_invocation_job(**request)

    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["Error"]["Message"] == message


def test_an_unknown_job_is_not_found(batch_emulator: BedrockEmulator) -> None:
    client = boto3.client(
        "bedrock", region_name="us-east-1", endpoint_url=batch_emulator.endpoint_url
    )

    with pytest.raises(ClientError) as caught:
        client.get_model_invocation_job(jobIdentifier="abcdefabcdef")

    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_stopping_a_job_that_has_ended_is_a_typed_conflict(
    failing_tenth: BedrockBatchJob,
) -> None:
    with pytest.raises(LLMError) as caught:
        failing_tenth.stop()

    assert caught.value.status_code == 400
    assert isinstance(caught.value, ClientError)
    assert caught.value.response["Error"]["Code"] == "ConflictException"
