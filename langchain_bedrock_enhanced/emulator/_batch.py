"""Bedrock batch inference in the emulator: model invocation jobs that read and write S3.

`CreateModelInvocationJob`, `GetModelInvocationJob`, `ListModelInvocationJobs` and
`StopModelInvocationJob` (botocore's `bedrock` service model: `POST
/model-invocation-job`, `GET /model-invocation-job/{jobIdentifier}`, `GET
/model-invocation-jobs`, `POST /model-invocation-job/{jobIdentifier}/stop`).

A job runs as a task on the emulator's event loop, through the statuses
GetModelInvocationJob documents: Submitted, Validating (its input files are read from
S3: every `.jsonl` object under `inputDataConfig.s3InputDataConfig.s3Uri`, each line
a JSON object with a `modelInput`; too few records fail it), Scheduled, InProgress,
then Completed, PartiallyCompleted (the scenario's `partial_after_records`), Failed
or Stopped (Stopping first). Each record is answered with the emulator's usual
deterministic reply: a Converse job's `modelInput` is a Converse body and its
`modelOutput` a Converse response; an InvokeModel job (the default type) uses the
family's native bodies. Output goes where the user guide says ("View the results of
a batch inference job"): `<output s3Uri>/<job id>/<input file>.out`, one line per
processed record (`recordId`, `modelInput`, and `modelOutput` or `error`), and
`manifest.json.out` with the totals.

S3 is a real S3 API: moto's server (`moto[server]`) in tests and demos, reached with
boto3 at the scenario's or the host's `s3_endpoint_url`. The emulator never stores
objects itself.

Request validation follows botocore's `bedrock` model (patterns, lengths, ranges,
enums), with AWS's "N validation error(s) detected" wording. Texts marked "emulator
wording" below have no verbatim Bedrock sample: unknown jobs, stopping an ended job,
a job's validation failures, and a missing S3 endpoint. A bare model ID that the
runtime would refuse (profile-only) is refused with the runtime's text: Bedrock's
answer to CreateModelInvocationJob in that case is not verified.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import random
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Final

import boto3
import botocore.session
from botocore.config import Config
from pydantic import BaseModel, ConfigDict, Field, model_validator

from langchain_bedrock_enhanced.emulator import _errors, _replies, native
from langchain_bedrock_enhanced.emulator._pagination import paginate
from langchain_bedrock_enhanced.emulator._types import EmulatedError, ModelSpec
from langchain_bedrock_enhanced.emulator._world import World

__all__ = ["OPERATIONS", "BatchJobs", "BatchSpec", "route"]

logger = logging.getLogger(__name__)

OPERATIONS: Final = frozenset(
    {
        "CreateModelInvocationJob",
        "GetModelInvocationJob",
        "ListModelInvocationJobs",
        "StopModelInvocationJob",
    }
)
_TERMINAL: Final = frozenset({"Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"})
_S3_URI: Final = re.compile(r"s3://(?P<bucket>[^/]+)/?(?P<key>.*)")
_PACING_GRAIN_S: Final = 0.01
"""Sleep once this much pacing is owed: finer sleeps cost more than they pace."""
_YIELD_EVERY: Final = 100
_FALLBACK_KEYS: Final = ("AKIDEXAMPLETESTKEY01", "emulator-secret-key-for-tests-only")

# Emulator wording: no verbatim Bedrock sample of these.
JOB_NOT_FOUND: Final = "The model invocation job {identifier} could not be found."
JOB_ENDED: Final = (
    "The model invocation job {job_id} has already ended ({status}); it cannot be stopped."
)
NO_S3: Final = (
    "The emulator has no S3 endpoint for batch jobs: start it with "
    "BedrockEmulator(s3_endpoint_url=...) or set batch.s3_endpoint_url in the scenario."
)
NO_INPUT: Final = "Validation failed: no .jsonl input file was found at {uri}."
BAD_RECORD: Final = (
    "Validation failed: line {line} of {file} is not a JSON object with a modelInput object."
)
TOO_FEW_RECORDS: Final = (
    "Validation failed: the job has {count} records, fewer than the minimum of {minimum}."
)
S3_FAILURE: Final = "Validation failed: the input could not be read from S3 ({error})."
NO_TOOLS: Final = "Batch inference does not support tool use in Converse jobs."
DEFAULT_FAILURE: Final = "Job failed while processing records."


class BatchSpec(BaseModel):
    """How the emulator runs batch inference jobs; the scenario's `batch` section.

    Example:
        >>> BatchSpec(records_per_second=5000, failure_rate=0.1).min_records
        100
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    s3_endpoint_url: str | None = None
    """The S3 endpoint jobs use; `BedrockEmulator(s3_endpoint_url=...)` takes precedence."""
    records_per_second: float = Field(default=1000.0, gt=0)
    """How fast a job answers its records once InProgress."""
    status_dwell_ms: float = Field(default=100.0, ge=0)
    """Milliseconds a job spends in each of Submitted, Validating and Scheduled."""
    failure_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    """The share of records answered with an `error` instead of `modelOutput`."""
    failure_error_code: int = Field(default=500, ge=400, le=599)
    """The `errorCode` (an HTTP status) of those records."""
    failure_message: str | None = None
    """Their `errorMessage`; the emulator's internal-error text when omitted."""
    seed: int = 0
    """Seed of the failure draws, so runs repeat."""
    min_records: int = Field(default=100, ge=1)
    """Fewer records fail the job at validation (100: the reported default quota)."""
    partial_after_records: int | None = Field(default=None, ge=0)
    """Run out of time after this many records: the job ends PartiallyCompleted."""
    fail_after_records: int | None = Field(default=None, ge=0)
    """Fail the job after this many records, with `fail_message`."""
    fail_message: str | None = None
    """The `message` of a job failed by `fail_after_records`."""

    @model_validator(mode="after")
    def _one_ending(self) -> BatchSpec:
        if self.partial_after_records is not None and self.fail_after_records is not None:
            msg = "set at most one of 'partial_after_records' and 'fail_after_records'"
            raise ValueError(msg)
        return self


def route(method: str, segments: list[str]) -> tuple[str, str | None] | None:
    """The batch operation of a request, and its job identifier, from the decoded path.

    Example:
        >>> route("POST", ["model-invocation-job", "abcdefghijkl", "stop"])
        ('StopModelInvocationJob', 'abcdefghijkl')
    """
    head, rest = (segments[0], segments[1:]) if segments else ("", [])
    if head == "model-invocation-jobs" and not rest and method == "GET":
        return "ListModelInvocationJobs", None
    if head != "model-invocation-job":
        return None
    if not rest and method == "POST":
        return "CreateModelInvocationJob", None
    if len(rest) == 1 and method == "GET":
        return "GetModelInvocationJob", rest[0]
    if len(rest) == 2 and rest[1] == "stop" and method == "POST":  # noqa: PLR2004 - id, "stop"
        return "StopModelInvocationJob", rest[0]
    return None


# Request validation, from botocore's service model ---------------------------------


@functools.cache
def _operation_shape(operation: str) -> Any:  # noqa: ANN401 - botocore's StructureShape
    model = botocore.session.get_session().get_service_model("bedrock")
    return model.operation_model(operation).input_shape


def _problems(value: Any, shape: Any, path: str) -> Iterator[str]:  # noqa: ANN401, C901, PLR0912
    """AWS's constraint texts for `value` against a botocore shape, member by member."""
    meta, where = shape.metadata, f"Value '{value}' at '{path}' failed to satisfy constraint:"
    if value is None:
        return
    if shape.type_name == "structure":
        if not isinstance(value, Mapping):
            yield f"Value at '{path}' failed to satisfy constraint: Member must be a structure"
            return
        for name in shape.required_members:
            if value.get(name) is None:
                yield (
                    f"Value null at '{_join(path, name)}' failed to satisfy constraint: "
                    "Member must not be null"
                )
        for name, member in shape.members.items():
            yield from _problems(value.get(name), member, _join(path, name))
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _problems(item, shape.member, f"{path}.{index + 1}.member")
    elif shape.type_name == "string" and isinstance(value, str):
        if getattr(shape, "enum", None) and value not in shape.enum:
            yield f"{where} Member must satisfy enum value set: [{', '.join(shape.enum)}]"
        elif len(value) < meta.get("min", 0):
            yield f"{where} Member must have length greater than or equal to {meta['min']}"
        elif len(value) > meta.get("max", len(value)):
            yield f"{where} Member must have length less than or equal to {meta['max']}"
        elif "pattern" in meta and not re.fullmatch(meta["pattern"], value):
            yield f"{where} Member must satisfy regular expression pattern: {meta['pattern']}"
    elif shape.type_name in {"integer", "long"} and isinstance(value, int):
        if value < meta.get("min", value):
            yield f"{where} Member must have value greater than or equal to {meta['min']}"
        elif value > meta.get("max", value):
            yield f"{where} Member must have value less than or equal to {meta['max']}"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _validate(operation: str, value: Mapping[str, Any]) -> None:
    problems = list(_problems(value, _operation_shape(operation), ""))
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        msg = f"{count} validation {noun} detected: {'; '.join(problems)}"
        raise EmulatedError("ValidationException", msg)


# Jobs --------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime | None) -> str | None:
    return (
        None if moment is None else moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def _split(uri: str) -> tuple[str, str]:
    found = _S3_URI.fullmatch(uri)
    if found is None:  # pragma: no cover - the s3Uri pattern was checked on creation
        raise EmulatedError("ValidationException", f"Invalid S3 URI {uri}")
    return found["bucket"], found["key"]


@dataclass
class _Job:
    """One job's state; mutated only on the event loop."""

    arn: str
    job_id: str
    region: str
    request: dict[str, Any]
    model: ModelSpec
    spec: BatchSpec
    s3_endpoint_url: str
    status: str = "Submitted"
    message: str | None = None
    submit_time: datetime = field(default_factory=_now)
    last_modified: datetime = field(default_factory=_now)
    end_time: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)
    stop_requested: asyncio.Event = field(default_factory=asyncio.Event)
    ending: tuple[str, str | None] | None = None
    """The status (and message) the job ends with, once its output is written."""
    task: asyncio.Task[None] | None = None

    def set_status(self, status: str, message: str | None = None) -> None:
        self.status, self.last_modified = status, _now()
        if message is not None:
            self.message = message
        if status in _TERMINAL:
            self.end_time = self.last_modified

    def summary(self) -> dict[str, Any]:
        """The job as GetModelInvocationJob and ListModelInvocationJobs describe it."""
        request = self.request
        found: dict[str, Any] = {
            "jobArn": self.arn,
            "jobName": request["jobName"],
            "modelId": request["modelId"],
            "clientRequestToken": request.get("clientRequestToken"),
            "roleArn": request["roleArn"],
            "status": self.status,
            "message": self.message,
            "submitTime": _iso(self.submit_time),
            "lastModifiedTime": _iso(self.last_modified),
            "endTime": _iso(self.end_time),
            "inputDataConfig": request["inputDataConfig"],
            "outputDataConfig": request["outputDataConfig"],
            "timeoutDurationInHours": request.get("timeoutDurationInHours"),
            "modelInvocationType": request.get("modelInvocationType", "InvokeModel"),
        }
        if "total" in self.counts:
            found.update(
                totalRecordCount=self.counts["total"],
                processedRecordCount=self.counts.get("processed", 0),
                successRecordCount=self.counts.get("success", 0),
                errorRecordCount=self.counts.get("error", 0),
            )
        return {key: value for key, value in found.items() if value is not None}


class BatchJobs:
    """The emulator's batch jobs, and the four operations on them.

    Args:
        world: The current world (models, account).
        spec: The current scenario's `batch` section.
        s3_endpoint_url: The S3 endpoint; overrides the scenario's.
    """

    def __init__(
        self,
        *,
        world: Callable[[], World],
        spec: Callable[[], BatchSpec],
        s3_endpoint_url: str | None = None,
    ) -> None:
        """Start with no jobs."""
        self._world = world
        self._spec = spec
        self._s3_endpoint_url = s3_endpoint_url
        self._jobs: dict[str, _Job] = {}
        self._tokens: dict[tuple[str, str], str] = {}

    async def answer(
        self,
        operation: str,
        identifier: str | None,
        region: str,
        query: Mapping[str, str],
        body: Any,  # noqa: ANN401
    ) -> dict[str, Any]:
        """Answer one batch operation; raise `EmulatedError` as Bedrock would."""
        if operation == "CreateModelInvocationJob":
            return self._create(body if isinstance(body, dict) else {}, region)
        if operation == "ListModelInvocationJobs":
            return self._list(query, region)
        job = self._find(identifier or "", operation, region)
        if operation == "StopModelInvocationJob":
            if job.status in _TERMINAL:
                msg = JOB_ENDED.format(job_id=job.job_id, status=job.status)
                raise EmulatedError("ConflictException", msg)
            if job.status != "Stopping":
                job.set_status("Stopping")
                job.stop_requested.set()
            return {}
        return job.summary()

    async def close(self, *_: Any) -> None:  # noqa: ANN401 - aiohttp passes the app
        """Cancel every running job (the emulator is shutting down)."""
        tasks = [job.task for job in self._jobs.values() if job.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _find(self, identifier: str, operation: str, region: str) -> _Job:
        _validate(operation, {"jobIdentifier": identifier})
        job = self._jobs.get(identifier.rsplit("/", 1)[-1])
        if job is None or job.region != region or identifier not in {job.arn, job.job_id}:
            msg = JOB_NOT_FOUND.format(identifier=identifier)
            raise EmulatedError("ResourceNotFoundException", msg)
        return job

    def _create(self, request: dict[str, Any], region: str) -> dict[str, Any]:
        _validate("CreateModelInvocationJob", request)
        token = request.get("clientRequestToken")
        if token and (region, token) in self._tokens:
            # "If this token matches a previous request, Amazon Bedrock ignores the
            # request, but does not return an error" (botocore's documentation).
            return {"jobArn": self._tokens[region, token]}
        world, spec = self._world(), self._spec()
        model = world.resolve(str(request["modelId"]), region).model
        endpoint = self._s3_endpoint_url or spec.s3_endpoint_url
        if not endpoint:
            raise EmulatedError("ValidationException", NO_S3)
        job_id = uuid.uuid4().hex[:12]
        arn = f"arn:aws:bedrock:{region}:{world.account_id}:model-invocation-job/{job_id}"
        job = _Job(arn, job_id, region, dict(request), model, spec, endpoint)
        self._jobs[job_id] = job
        if token:
            self._tokens[region, token] = arn
        job.task = asyncio.get_running_loop().create_task(self._run(job), name=f"batch-{job_id}")
        return {"jobArn": arn}

    def _list(self, query: Mapping[str, str], region: str) -> dict[str, Any]:
        params: dict[str, Any] = {
            key: query[key]
            for key in ("statusEquals", "nameContains", "nextToken", "sortBy", "sortOrder")
            if key in query
        }
        max_results = query.get("maxResults")
        if max_results is not None:
            try:
                params["maxResults"] = int(max_results)
            except ValueError:
                msg = f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to satisfy constraint: Member must be a number"  # noqa: E501 - one message
                raise EmulatedError("ValidationException", msg) from None
        _validate("ListModelInvocationJobs", params)
        after, before = (
            _parse_time(query.get(key), key) for key in ("submitTimeAfter", "submitTimeBefore")
        )
        jobs = [
            job
            for job in self._jobs.values()
            if job.region == region
            and params.get("statusEquals") in {None, job.status}
            # A case-sensitive substring: Bedrock's own rule is not documented.
            and str(params.get("nameContains", "")) in job.request["jobName"]
            and (after is None or job.submit_time > after)
            and (before is None or job.submit_time < before)
        ]
        descending = params.get("sortOrder", "Descending") == "Descending"
        jobs.sort(key=lambda job: job.submit_time, reverse=descending)
        page, next_token = paginate(
            [job.summary() for job in jobs],
            max_results=params.get("maxResults"),
            next_token=params.get("nextToken"),
        )
        payload: dict[str, Any] = {"invocationJobSummaries": page}
        if next_token is not None:
            payload["nextToken"] = next_token
        return payload

    # Running a job ---------------------------------------------------------------

    async def _dwell(self, job: _Job) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(job.stop_requested.wait(), job.spec.status_dwell_ms / 1000)

    async def _run(self, job: _Job) -> None:
        try:
            await self._dwell(job)
            if not self._ends_here(job):
                job.set_status("Validating")
                files = await self._validated_inputs(job)
                if files is None:
                    return
                for status in ("Scheduled", "InProgress"):
                    await self._dwell(job)
                    if self._ends_here(job):
                        break
                    job.set_status(status)
                outputs = [] if job.ending else await self._process(job, files)
                await asyncio.to_thread(self._write_outputs, job, outputs)
            # The final status only once the output is written: a client that sees it
            # may read the output at once.
            if job.status not in _TERMINAL:
                stopped = ("Stopped", None) if job.stop_requested.is_set() else None
                job.set_status(*(job.ending or stopped or ("Completed", None)))
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug or an S3 outage: the job fails, the emulator stays up
            logger.warning("Batch job %s failed unexpectedly", job.job_id, exc_info=True)
            job.set_status("Failed", "An internal error occurred while processing the job.")

    def _client(self, job: _Job) -> Any:  # noqa: ANN401 - a boto3 s3 client
        session = boto3.session.Session()
        # moto takes any key pair; the environment's own, when there is one.
        key, secret = (None, None) if session.get_credentials() is not None else _FALLBACK_KEYS
        return session.client(
            "s3",
            endpoint_url=job.s3_endpoint_url,
            region_name=job.region,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard"}),
        )

    def _read_inputs(self, job: _Job) -> list[tuple[str, list[bytes]]]:
        uri = job.request["inputDataConfig"]["s3InputDataConfig"]["s3Uri"]
        bucket, key = _split(uri)
        s3 = self._client(job)
        if key.endswith(".jsonl"):
            keys, folder = [key], key.rpartition("/")[0]
        else:
            folder = key.rstrip("/")
            prefix = f"{folder}/" if folder else ""
            pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
            keys = sorted(
                str(item["Key"])
                for page in pages
                for item in page.get("Contents", ())
                if str(item["Key"]).endswith(".jsonl")
            )
        files = []
        for name in keys:
            lines = s3.get_object(Bucket=bucket, Key=name)["Body"].read().splitlines()
            relative = name[len(folder) :].lstrip("/") if folder else name
            files.append((relative, [line for line in lines if line.strip()]))
        return files

    async def _validated_inputs(self, job: _Job) -> list[tuple[str, list[dict[str, Any]]]] | None:
        """The records by file, or None after failing the job as Bedrock's validation would."""
        uri = job.request["inputDataConfig"]["s3InputDataConfig"]["s3Uri"]
        try:
            raw = await asyncio.to_thread(self._read_inputs, job)
        except Exception as err:  # noqa: BLE001 - any S3 failure fails the job
            job.set_status("Failed", S3_FAILURE.format(error=err))
            return None
        if not raw:
            job.set_status("Failed", NO_INPUT.format(uri=uri))
            return None
        files: list[tuple[str, list[dict[str, Any]]]] = []
        for name, lines in raw:
            records = []
            for number, line in enumerate(lines, start=1):
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None
                if not isinstance(record, dict) or not isinstance(record.get("modelInput"), dict):
                    job.set_status("Failed", BAD_RECORD.format(line=number, file=name))
                    return None
                records.append(record)
            files.append((name, records))
        total = sum(len(records) for _, records in files)
        if total < job.spec.min_records:
            job.set_status(
                "Failed", TOO_FEW_RECORDS.format(count=total, minimum=job.spec.min_records)
            )
            return None
        job.counts.update(
            total=total, processed=0, success=0, error=0, input_tokens=0, output_tokens=0
        )
        return files

    async def _process(
        self, job: _Job, files: list[tuple[str, list[dict[str, Any]]]]
    ) -> list[tuple[str, list[dict[str, Any]]]]:
        spec = job.spec
        rng = random.Random(spec.seed)  # noqa: S311 - a seeded draw, not a secret
        converse = job.request.get("modelInvocationType") == "Converse"
        outputs: list[tuple[str, list[dict[str, Any]]]] = []
        owed = 0.0  # seconds of pacing not slept yet
        for name, records in files:
            answered: list[dict[str, Any]] = []
            outputs.append((name, answered))
            for record in records:
                if self._ends_here(job):
                    return outputs
                fail = rng.random() < spec.failure_rate
                answered.append(self._answer(job, record, fail=fail, converse=converse))
                owed += 1 / spec.records_per_second
                if owed >= _PACING_GRAIN_S:
                    await asyncio.sleep(owed)
                    owed = 0.0
                elif job.counts["processed"] % _YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # let the loop answer requests meanwhile
        return outputs

    def _ends_here(self, job: _Job) -> bool:
        """Whether the job stops taking records here, and with which ending."""
        spec, done = job.spec, job.counts.get("processed")  # None until validated
        if job.stop_requested.is_set():
            job.ending = ("Stopped", None)
        elif done is None:
            pass
        elif spec.partial_after_records is not None and done >= spec.partial_after_records:
            job.ending = ("PartiallyCompleted", None)
        elif spec.fail_after_records is not None and done >= spec.fail_after_records:
            job.ending = ("Failed", spec.fail_message or DEFAULT_FAILURE)
        return job.ending is not None

    def _answer(
        self, job: _Job, record: dict[str, Any], *, fail: bool, converse: bool
    ) -> dict[str, Any]:
        model_input, rid = record["modelInput"], record.get("recordId")
        answered: dict[str, Any] = {
            # "If you omit the recordId field, Amazon Bedrock adds it in the output."
            "recordId": rid if isinstance(rid, str) else uuid.uuid4().hex[:11].upper(),
            "modelInput": model_input,
        }
        job.counts["processed"] += 1
        if fail:
            message = job.spec.failure_message or _errors.INTERNAL_SERVER
            answered["error"] = {"errorCode": job.spec.failure_error_code, "errorMessage": message}
        else:
            try:
                answered["modelOutput"] = self._model_output(
                    job.model, model_input, converse=converse
                )
            except EmulatedError as err:
                status = _errors.status_for(err.code)
                answered["error"] = {"errorCode": status, "errorMessage": err.message}
        job.counts["error" if "error" in answered else "success"] += 1
        usage = answered.get("modelOutput", {}).get("usage", {})
        job.counts["input_tokens"] += int(usage.get("inputTokens", 0))
        job.counts["output_tokens"] += int(usage.get("outputTokens", 0))
        return answered

    @staticmethod
    def _model_output(
        model: ModelSpec, model_input: dict[str, Any], *, converse: bool
    ) -> dict[str, Any]:
        if converse:
            request = _replies.parse_converse_request(model_input)
            if request.tools:
                # "Records that include toolConfig fail with a 400 error" (user guide,
                # "Process multiple prompts with batch inference").
                raise EmulatedError("ValidationException", NO_TOOLS)
        else:
            request = native.parse_native_request(model.family, json.dumps(model_input).encode())
        _replies.check_capabilities(request, model, streaming=False)
        if (
            request.temperature is not None
            and request.top_p is not None
            and _replies.rejects_temperature_with_top_p(model.model_id)
        ):
            raise EmulatedError("ValidationException", _errors.TEMPERATURE_AND_TOP_P)
        reply = _replies.generate_reply(request, model)
        if converse:
            return _replies.converse_response(reply, latency_ms=0)
        body = json.dumps(model_input).encode()
        chat = native.is_chat_body(model.family, body)
        return native.native_response(
            model.family, reply, model_id=model.model_id, latency_ms=0, chat=chat
        )

    def _write_outputs(self, job: _Job, outputs: list[tuple[str, list[dict[str, Any]]]]) -> None:
        if not outputs and "total" not in job.counts:
            return
        bucket, key = _split(job.request["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"])
        folder = "/".join(part for part in (key.strip("/"), job.job_id) if part)
        s3 = self._client(job)
        for name, records in outputs:
            body = "".join(json.dumps(record, separators=(",", ":")) + "\n" for record in records)
            s3.put_object(Bucket=bucket, Key=f"{folder}/{name}.out", Body=body.encode())
        counts = job.counts
        manifest = {
            "totalRecordCount": counts.get("total", 0),
            "processedRecordCount": counts.get("processed", 0),
            "successRecordCount": counts.get("success", 0),
            "errorRecordCount": counts.get("error", 0),
            "inputTokenCount": counts.get("input_tokens", 0),
            "outputTokenCount": counts.get("output_tokens", 0),
        }
        s3.put_object(
            Bucket=bucket, Key=f"{folder}/manifest.json.out", Body=json.dumps(manifest).encode()
        )


def _parse_time(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        msg = f"1 validation error detected: Value '{value}' at '{name}' failed to satisfy constraint: Member must be a timestamp"  # noqa: E501 - one message
        raise EmulatedError("ValidationException", msg) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
