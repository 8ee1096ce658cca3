"""The emulator's batch inference jobs, without S3: routing, validation, state, records.

Jobs that read and write S3 run against moto's server in `tests/wire/test_batch_jobs.py`.
Here a long status dwell keeps each job in Submitted, where it touches no S3.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._batch import BatchJobs, BatchSpec, _Job
from langchain_bedrock_enhanced.emulator._scenario import FaultMatch, Scenario
from langchain_bedrock_enhanced.emulator._server import route
from langchain_bedrock_enhanced.emulator._types import EmulatedError
from langchain_bedrock_enhanced.emulator._world import World

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
ROLE = "arn:aws:iam::123456789012:role/BedrockBatch"
PARKED = BatchSpec(status_dwell_ms=600_000)
"""Jobs stay Submitted (until stopped): nothing reaches S3."""


def _jobs(spec: BatchSpec = PARKED, s3: str | None = "http://s3.invalid") -> BatchJobs:
    world = World.default()
    return BatchJobs(world=lambda: world, spec=lambda: spec, s3_endpoint_url=s3)


def _request(**change: Any) -> dict[str, Any]:
    return {
        "jobName": "nightly",
        "roleArn": ROLE,
        "modelId": f"us.{SONNET}",
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://bucket/in/"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://bucket/out/"}},
        "modelInvocationType": "Converse",
        **change,
    }


async def _create(jobs: BatchJobs, **change: Any) -> str:
    answer = await jobs.answer(
        "CreateModelInvocationJob", None, "us-east-1", {}, _request(**change)
    )
    return str(answer["jobArn"])


async def _error(jobs: BatchJobs, *args: Any) -> EmulatedError:
    with pytest.raises(EmulatedError) as caught:
        await jobs.answer(*args)
    return caught.value


# Routing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "operation", "identifier"),
    [
        ("POST", "/model-invocation-job", "CreateModelInvocationJob", None),
        ("GET", "/model-invocation-job/abcdefghijkl", "GetModelInvocationJob", "abcdefghijkl"),
        (
            "GET",
            (
                "/model-invocation-job/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3A"
                "model-invocation-job%2Fabcdefghijkl"
            ),
            "GetModelInvocationJob",
            "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl",
        ),
        ("GET", "/model-invocation-jobs?maxResults=2", "ListModelInvocationJobs", None),
        (
            "POST",
            "/model-invocation-job/abcdefghijkl/stop",
            "StopModelInvocationJob",
            "abcdefghijkl",
        ),
    ],
)
def test_botocores_batch_paths_route_to_their_operations(
    method: str, path: str, operation: str, identifier: str | None
) -> None:
    found = route(method, path)

    assert found is not None
    assert (found.operation, found.identifier) == (operation, identifier)


# Validation ----------------------------------------------------------------------------------


async def test_a_job_reports_its_model_id_as_sent_and_starts_submitted() -> None:
    jobs = _jobs()
    arn = await _create(jobs)
    try:
        info = await jobs.answer("GetModelInvocationJob", arn, "us-east-1", {}, None)
    finally:
        await jobs.close()

    assert arn.startswith("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/")
    assert (info["modelId"], info["status"]) == (f"us.{SONNET}", "Submitted")
    assert info["submitTime"].endswith("Z")
    assert "totalRecordCount" not in info  # known once the input is validated


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"timeoutDurationInHours": 12},
            (
                "1 validation error detected: Value '12' at 'timeoutDurationInHours' failed to "
                "satisfy constraint: Member must have value greater than or equal to 24"
            ),
        ),
        (
            {"modelInvocationType": "Chat"},
            (
                "1 validation error detected: Value 'Chat' at 'modelInvocationType' failed to "
                "satisfy constraint: Member must satisfy enum value set: [InvokeModel, Converse]"
            ),
        ),
        (
            {"jobName": None, "roleArn": None},
            (
                "2 validation errors detected: Value null at 'jobName' failed to satisfy "
                "constraint: Member must not be null; Value null at 'roleArn' failed to satisfy "
                "constraint: Member must not be null"
            ),
        ),
    ],
)
async def test_create_validates_like_bedrock(change: dict[str, Any], message: str) -> None:
    error = await _error(
        _jobs(), "CreateModelInvocationJob", None, "us-east-1", {}, _request(**change)
    )

    assert (error.code, error.message) == ("ValidationException", message)


async def test_a_bare_profile_only_model_is_refused_with_the_runtimes_text() -> None:
    error = await _error(
        _jobs(), "CreateModelInvocationJob", None, "us-east-1", {}, _request(modelId=SONNET)
    )

    assert error.message == _errors.PROFILE_REQUIRED.format(model_id=SONNET)


async def test_without_an_s3_endpoint_a_job_cannot_be_created() -> None:
    error = await _error(
        _jobs(s3=None), "CreateModelInvocationJob", None, "us-east-1", {}, _request()
    )

    assert error.code == "ValidationException"
    assert "s3_endpoint_url" in error.message


async def test_the_same_client_request_token_creates_one_job() -> None:
    jobs = _jobs()
    try:
        first = await _create(jobs, clientRequestToken="token1")
        again = await _create(jobs, clientRequestToken="token1")
        listed = await jobs.answer("ListModelInvocationJobs", None, "us-east-1", {}, None)
    finally:
        await jobs.close()

    assert first == again
    assert len(listed["invocationJobSummaries"]) == 1


async def test_jobs_belong_to_their_region_and_unknown_ones_are_not_found() -> None:
    jobs = _jobs()
    try:
        arn = await _create(jobs)
        elsewhere = await _error(jobs, "GetModelInvocationJob", arn, "us-west-2", {}, None)
        malformed = await _error(jobs, "GetModelInvocationJob", "nope", "us-east-1", {}, None)
    finally:
        await jobs.close()

    assert elsewhere.code == "ResourceNotFoundException"
    assert malformed.code == "ValidationException"


# Listing and stopping --------------------------------------------------------------------------


async def test_list_filters_sorts_and_pages() -> None:
    jobs = _jobs()
    try:
        for name in ("alpha-1", "beta-1", "alpha-2"):
            await _create(jobs, jobName=name)
        newest_first = await jobs.answer(
            "ListModelInvocationJobs", None, "us-east-1", {"nameContains": "alpha"}, None
        )
        page = await jobs.answer(
            "ListModelInvocationJobs",
            None,
            "us-east-1",
            {"maxResults": "2", "sortOrder": "Ascending"},
            None,
        )
        rest = await jobs.answer(
            "ListModelInvocationJobs",
            None,
            "us-east-1",
            {"maxResults": "2", "sortOrder": "Ascending", "nextToken": page["nextToken"]},
            None,
        )
        none_done = await jobs.answer(
            "ListModelInvocationJobs", None, "us-east-1", {"statusEquals": "Completed"}, None
        )
        bad = await _error(
            jobs, "ListModelInvocationJobs", None, "us-east-1", {"maxResults": "0"}, None
        )
    finally:
        await jobs.close()

    assert [s["jobName"] for s in newest_first["invocationJobSummaries"]] == ["alpha-2", "alpha-1"]
    paged = page["invocationJobSummaries"] + rest["invocationJobSummaries"]
    assert [s["jobName"] for s in paged] == ["alpha-1", "beta-1", "alpha-2"]
    assert "nextToken" not in rest
    assert none_done["invocationJobSummaries"] == []
    assert bad.message.endswith("Member must have value greater than or equal to 1")


async def test_a_stopped_job_goes_through_stopping_and_cannot_be_stopped_again() -> None:
    jobs = _jobs()
    try:
        arn = await _create(jobs)
        await jobs.answer("StopModelInvocationJob", arn, "us-east-1", {}, None)
        stopping = (await jobs.answer("GetModelInvocationJob", arn, "us-east-1", {}, None))[
            "status"
        ]
        job = jobs._jobs[arn.rsplit("/", 1)[-1]]
        assert job.task is not None
        await job.task
        stopped = await jobs.answer("GetModelInvocationJob", arn, "us-east-1", {}, None)
        conflict = await _error(jobs, "StopModelInvocationJob", arn, "us-east-1", {}, None)
    finally:
        await jobs.close()

    assert stopping == "Stopping"
    assert stopped["status"] == "Stopped"
    assert "endTime" in stopped
    assert conflict.code == "ConflictException"


# Records -------------------------------------------------------------------------------------


def _job(spec: BatchSpec, *, invocation: str = "Converse") -> _Job:
    world = World.default()
    model = world.models[SONNET]
    return _Job(
        "arn",
        "abcdefghijkl",
        "us-east-1",
        _request(modelInvocationType=invocation),
        model,
        spec,
        "x",
    )


def _records(count: int) -> list[dict[str, Any]]:
    return [
        {
            "recordId": f"{i:011d}",
            "modelInput": {"messages": [{"role": "user", "content": [{"text": f"Question {i}"}]}]},
        }
        for i in range(count)
    ]


async def _process(spec: BatchSpec, count: int = 50) -> tuple[_Job, list[dict[str, Any]]]:
    job = _job(spec)
    job.counts.update(total=count, processed=0, success=0, error=0, input_tokens=0, output_tokens=0)
    outputs = await _jobs(spec)._process(job, [("records-00000.jsonl", _records(count))])
    return job, outputs[0][1]


async def test_a_converse_record_is_answered_with_a_converse_response() -> None:
    job, (answered, *_) = await _process(BatchSpec(records_per_second=1e6), 1)

    assert answered["recordId"] == "00000000000"
    assert answered["modelOutput"]["output"]["message"]["content"][0]["text"].endswith("Question 0")
    assert answered["modelOutput"]["stopReason"] == "end_turn"
    assert job.counts["success"] == 1


async def test_the_seed_decides_which_records_fail_and_runs_repeat() -> None:
    spec = BatchSpec(records_per_second=1e6, failure_rate=0.3, seed=11, failure_error_code=429)

    _, first = await _process(spec)
    _, second = await _process(spec)

    failed = [r["recordId"] for r in first if "error" in r]
    assert failed == [r["recordId"] for r in second if "error" in r]
    assert 0 < len(failed) < 50
    assert {r["error"]["errorCode"] for r in first if "error" in r} == {429}


async def test_a_job_can_be_told_to_run_out_of_time_after_some_records() -> None:
    job, answered = await _process(BatchSpec(records_per_second=1e6, partial_after_records=20))

    assert len(answered) == 20
    assert job.ending == ("PartiallyCompleted", None)


async def test_records_batch_inference_refuses_get_an_error_line() -> None:
    job = _job(BatchSpec())
    job.counts.update(processed=0, success=0, error=0, input_tokens=0, output_tokens=0)
    with_tools = {
        "messages": [{"role": "user", "content": [{"text": "Weather?"}]}],
        "toolConfig": {"tools": [{"toolSpec": {"name": "w", "inputSchema": {"json": {}}}}]},
    }

    answered = _jobs()._answer(job, {"modelInput": with_tools}, fail=False, converse=True)

    assert answered["error"]["errorCode"] == 400
    assert len(answered["recordId"]) == 11  # added, as Bedrock adds a missing one


def test_an_invokemodel_record_is_answered_in_the_familys_native_format() -> None:
    model = World.default().models[SONNET]
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 50,
        "messages": [{"role": "user", "content": "Hello"}],
    }

    output = BatchJobs._model_output(model, body, converse=False)

    assert output["type"] == "message"
    assert output["content"][0]["text"].endswith("Hello")


# Scenario ------------------------------------------------------------------------------------


def test_a_scenario_sets_the_batch_speed_and_failures() -> None:
    scenario = Scenario.from_dict({"batch": {"records_per_second": 50, "failure_rate": 0.25}})

    assert (scenario.batch.records_per_second, scenario.batch.failure_rate) == (50, 0.25)
    assert Scenario().batch == BatchSpec()


def test_a_job_has_at_most_one_forced_ending() -> None:
    with pytest.raises(ValidationError, match="at most one"):
        BatchSpec(partial_after_records=1, fail_after_records=2)


def test_faults_can_target_the_batch_operations() -> None:
    match = FaultMatch(operation="CreateModelInvocationJob")

    assert match.matches(
        operation="CreateModelInvocationJob", model_id="", base_model_id=None, region="us-east-1"
    )


async def test_closing_cancels_running_jobs() -> None:
    jobs = _jobs()
    arn = await _create(jobs)
    task = jobs._jobs[arn.rsplit("/", 1)[-1]].task

    await jobs.close()

    assert task is not None
    assert task.cancelled()
