"""Bedrock batch inference for a chat model: `submit_batch` and `BedrockBatchJob`.

For large runs Bedrock's batch inference (`CreateModelInvocationJob`: JSONL records
in S3, results in S3) costs half the on-demand price (see `batch_results`).
`submit_batch` turns what `model.invoke` accepts into one batch job. Everything is
checked before anything is uploaded (`batch_records`: the model ID the access engine
chooses, within the access policy and what batch inference supports; one Converse
record per input; Bedrock's quotas; the job's parameters). The records are uploaded
under a fresh input folder, with a small manifest next to it
(`<folder>.lbe-batch.json`: the record count and how the model was reached), so that
`BedrockBatchJob.attach` can rebuild everything after a restart. Then
`CreateModelInvocationJob` runs with `modelInvocationType="Converse"` and a
`clientRequestToken`, so that botocore's retries never create a second job.

`BedrockBatchJob.wait()` polls `GetModelInvocationJob` with backoff behind a tqdm
bar; `results()` gives one result per input, in input order, whatever the job's end
(`batch_results`).

Example:
    >>> job = submit_batch(  # doctest: +SKIP
    ...     model, prompts,
    ...     input_s3_uri="s3://my-bucket/batch-in", output_s3_uri="s3://my-bucket/batch-out",
    ...     role_arn="arn:aws:iam::123456789012:role/BedrockBatch",
    ... )
    >>> job.wait()  # doctest: +SKIP
    'Completed'
    >>> response = job.results()  # doctest: +SKIP
    >>> response[0].output.content, response.statistics.cost_usd  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Final

import boto3
from botocore.exceptions import ClientError

from langchain_bedrock_enhanced.errors import BatchJobError, ConfigurationError, as_typed
from langchain_bedrock_enhanced.model_ids import AccessMethod
from langchain_bedrock_enhanced.runnables._progress import progress_bar
from langchain_bedrock_enhanced.runnables.batch_records import (
    DEFAULT_LIMITS,
    BatchLimits,
    build_record_lines,
    check_create_request,
    choose_candidates,
    join_key,
    split_into_files,
    split_s3_uri,
)
from langchain_bedrock_enhanced.runnables.batch_results import (
    BatchContext,
    assemble_results,
    is_terminal,
    read_output_records,
)

if TYPE_CHECKING:
    from langchain_bedrock_enhanced.access.selector import Candidate
    from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse
    from langchain_bedrock_enhanced.runnables.parallel_results import ParallelResponse

__all__ = ["MANIFEST_SUFFIX", "BedrockBatchJob", "next_poll_interval", "submit_batch"]

logger = logging.getLogger(__name__)

MANIFEST_SUFFIX: Final = ".lbe-batch.json"
_MANIFEST_FORMAT: Final = "langchain-bedrock-enhanced/batch-inputs/1"
_OUTPUT_SUFFIX: Final = ".out"
_OUTPUT_MANIFEST: Final = "manifest.json.out"


def _default_job_name() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"lbe-batch-{stamp}-{uuid.uuid4().hex[:8]}"


def submit_batch(  # noqa: PLR0913 - the issue's signature plus clients, tags and limits
    model: EnhancedChatBedrockConverse,
    inputs: Iterable[Any],
    *,
    input_s3_uri: str,
    output_s3_uri: str,
    role_arn: str,
    job_name: str | None = None,
    timeout_hours: int | None = None,
    progress: bool = False,
    tags: Mapping[str, str] | None = None,
    bedrock_client: Any = None,  # noqa: ANN401 - a boto3 bedrock client
    s3_client: Any = None,  # noqa: ANN401 - a boto3 s3 client
    limits: BatchLimits = DEFAULT_LIMITS,
) -> BedrockBatchJob:
    """Run `inputs` through `model` as one Bedrock batch inference job.

    Args:
        model: One of this package's chat models: its family parameters, access
            policy and request checks apply to every record.
        inputs: What `model.invoke` accepts, one per record (strings, message lists,
            prompt values); at least `limits.min_records`.
        input_s3_uri: `s3://bucket/prefix` under which the job's input folder is written.
        output_s3_uri: `s3://bucket/prefix` where Bedrock writes the job's output.
        role_arn: The service role Bedrock assumes to read and write those buckets.
        job_name: The job's name (`[a-zA-Z0-9]` then `[a-zA-Z0-9+-.]`, at most 63
            characters); a timestamped one by default.
        timeout_hours: Hours (24 to 168) before Bedrock stops the job; its default when None.
        progress: Show progress bars while building records and uploading.
        tags: Tags for the job.
        bedrock_client: The bedrock control-plane client; `model.bedrock_client` by default.
        s3_client: The S3 client; `boto3.client("s3")` in the model's region by default
            (which honours `AWS_ENDPOINT_URL_S3`).
        limits: Bedrock's batch quotas for your account.

    Returns:
        The job, already created.

    Raises:
        ConfigurationError: Too few or too many records, a malformed job parameter, or
            a model batch inference does not support here; nothing was uploaded.
        ParameterValidationError: Inputs that cannot become records (listed).
        ProfileRequirementError: The access policy forbids every way to the model.
        BatchJobError: Uploading the records failed.
        LLMError: CreateModelInvocationJob failed (typed, as for any call).

    Example:
        >>> job = submit_batch(model, [f"Summarise ticket {i}" for i in range(500)],
        ...     input_s3_uri="s3://my-bucket/in", output_s3_uri="s3://my-bucket/out",
        ...     role_arn="arn:aws:iam::123456789012:role/BedrockBatch")  # doctest: +SKIP
    """
    values = list(inputs)
    region = model.request_region
    context: dict[str, Any] = {"model_id": model.model_id, "region": region}
    if len(values) < limits.min_records or len(values) > limits.max_records_per_job:
        msg = (
            f"A batch job takes {limits.min_records} to {limits.max_records_per_job} records "
            f"(Bedrock's quotas; see BatchLimits), not {len(values)}. Call the model directly "
            "(run_parallel) for fewer, or split the inputs into several jobs."
        )
        raise ConfigurationError(msg, **context)
    control = bedrock_client or model.bedrock_client
    if control is None:
        msg = "The model has no bedrock control-plane client: pass bedrock_client=."
        raise ConfigurationError(msg, **context)
    in_bucket, in_prefix = split_s3_uri(input_s3_uri, "input_s3_uri")
    split_s3_uri(output_s3_uri, "output_s3_uri")
    name = job_name or _default_job_name()
    folder = join_key(in_prefix, f"{name.replace('+', '_')}-{uuid.uuid4().hex[:8]}")
    request: dict[str, Any] = {
        "jobName": name,
        "roleArn": role_arn,
        "clientRequestToken": uuid.uuid4().hex,
        "inputDataConfig": {
            "s3InputDataConfig": {"s3Uri": f"s3://{in_bucket}/{folder}/", "s3InputFormat": "JSONL"}
        },
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": output_s3_uri}},
        "modelInvocationType": "Converse",
    }
    if timeout_hours is not None:
        request["timeoutDurationInHours"] = timeout_hours
    if tags:
        request["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
    candidates = choose_candidates(model, region)
    check_create_request(control, {**request, "modelId": candidates[0][0]})
    lines = build_record_lines(model, values, candidates[0][0], progress=progress)
    files = split_into_files(lines, limits)
    if sum(len(content) for content in files) > limits.max_job_bytes:
        msg = f"The records take more than the job-size limit of {limits.max_job_bytes} bytes."
        raise ConfigurationError(msg, **context)
    s3 = s3_client or boto3.client("s3", region_name=region)
    names = [f"records-{number:05d}.jsonl" for number in range(len(files))]
    manifest = {
        "format": _MANIFEST_FORMAT,
        "record_count": len(values),
        "files": names,
        "model_id": model.model_id,
        "model_id_sent": candidates[0][0],
        "access_method": candidates[0][1].value,
        "region": region,
    }
    try:
        for file_name, content in zip(
            names, progress_bar(files, enabled=progress, desc="Upload"), strict=True
        ):
            s3.put_object(Bucket=in_bucket, Key=f"{folder}/{file_name}", Body=content)
        s3.put_object(
            Bucket=in_bucket, Key=folder + MANIFEST_SUFFIX, Body=json.dumps(manifest).encode()
        )
    except ClientError as err:
        msg = f"Uploading the batch records to s3://{in_bucket}/{folder}/ failed: {err}"
        raise BatchJobError(msg, **context) from err
    job_arn, chosen = _create_job(model, control, request, candidates)
    if chosen != candidates[0]:
        manifest.update(model_id_sent=chosen[0], access_method=chosen[1].value)
        s3.put_object(
            Bucket=in_bucket, Key=folder + MANIFEST_SUFFIX, Body=json.dumps(manifest).encode()
        )
    logger.info(
        "Batch job %s: %d records for %s via %s (%s)",
        job_arn, len(values), model.model_id, chosen[1].value, chosen[0],
    )  # fmt: skip
    return BedrockBatchJob(
        job_arn, model=model, manifest=manifest, bedrock_client=control, s3_client=s3, inputs=values
    )


def _create_job(
    model: EnhancedChatBedrockConverse,
    control: Any,  # noqa: ANN401 - a boto3 bedrock client
    request: Mapping[str, Any],
    candidates: Sequence[Candidate],
) -> tuple[str, Candidate]:
    """Create the job with the first candidate Bedrock accepts.

    Like the access engine, a "needs an inference profile" answer moves on to the next
    candidate; the engine itself is not used because it would start again from a
    candidate batch inference does not support. The records do not name the model,
    so nothing is uploaded again.
    """
    engine = model.access_engine
    region = model.request_region
    for position, candidate in enumerate(candidates):
        try:
            response = control.create_model_invocation_job(**request, modelId=candidate[0])
        except Exception as err:  # typed below, or the next candidate
            last = position == len(candidates) - 1
            if (
                engine is not None
                and not last
                and engine.detector.is_profile_requirement_error(err)
            ):
                logger.info(
                    "Batch job refused %s; trying %s", candidate[0], candidates[position + 1][0]
                )
                continue
            typed = as_typed(
                err, model_id=model.model_id, region=region, access_method=candidate[1]
            )
            if typed is err:
                raise
            raise typed from err
        return str(response["jobArn"]), candidate
    msg = "unreachable: the loop returns or raises"  # pragma: no cover
    raise AssertionError(msg)  # pragma: no cover


def next_poll_interval(current: float, *, base: float, cap: float, changed: bool) -> float:
    """The wait before the next status poll: back to `base` after a change, else 1.5x, capped.

    Example:
        >>> next_poll_interval(4.0, base=2.0, cap=5.0, changed=False)
        5.0
        >>> next_poll_interval(4.0, base=2.0, cap=5.0, changed=True)
        2.0
    """
    return base if changed else min(cap, current * 1.5)


class BedrockBatchJob:
    """A Bedrock batch inference job submitted by `submit_batch` (or found again by `attach`).

    Args:
        job_arn: The job's ARN.
        model: The chat model the job runs (for parsing its answers).
        manifest: The input manifest `submit_batch` wrote.
        bedrock_client: The bedrock control-plane client.
        s3_client: The S3 client that reads the output.
        inputs: The inputs as given, when this process still has them.

    Example:
        >>> job = BedrockBatchJob.attach(job_arn, model=model)  # doctest: +SKIP
        >>> job.status()  # doctest: +SKIP
        'InProgress'
    """

    def __init__(  # noqa: PLR0913 - everything a job needs, keyword-only but the ARN
        self,
        job_arn: str,
        *,
        model: EnhancedChatBedrockConverse,
        manifest: Mapping[str, Any],
        bedrock_client: Any,  # noqa: ANN401 - a boto3 bedrock client
        s3_client: Any,  # noqa: ANN401 - a boto3 s3 client
        inputs: Sequence[Any] | None = None,
    ) -> None:
        """Keep what the job needs; nothing is sent."""
        self._job_arn = job_arn
        self._model = model
        self._manifest = dict(manifest)
        self._control = bedrock_client
        self._s3 = s3_client
        self._inputs = list(inputs) if inputs is not None else None

    def __repr__(self) -> str:
        """The ARN and the number of records."""
        return f"BedrockBatchJob({self._job_arn!r}, records={self.record_count})"

    @property
    def job_arn(self) -> str:
        """The job's ARN."""
        return self._job_arn

    @property
    def job_id(self) -> str:
        """The job's ID, the last segment of its ARN."""
        return self._job_arn.rsplit("/", 1)[-1]

    @property
    def record_count(self) -> int:
        """How many inputs the job was submitted with."""
        return int(self._manifest["record_count"])

    def _context(self) -> dict[str, Any]:
        return {"model_id": self._model.model_id, "region": self._model.request_region}

    def _call(self, method: str, **params: Any) -> dict[str, Any]:  # noqa: ANN401
        try:
            response: dict[str, Any] = getattr(self._control, method)(**params)
        except Exception as err:
            typed = as_typed(err, **self._context())
            if typed is err:
                raise
            raise typed from err
        response.pop("ResponseMetadata", None)
        return response

    def describe(self) -> dict[str, Any]:
        """The job as GetModelInvocationJob reports it (`status`, `modelId`, counts, times).

        Returns:
            The response, without botocore's `ResponseMetadata`.
        """
        return self._call("get_model_invocation_job", jobIdentifier=self._job_arn)

    def status(self) -> str:
        """The job's status: `Submitted`, `Validating`, `Scheduled`, `InProgress`,
        `Completed`, `PartiallyCompleted`, `Failed`, `Stopping`, `Stopped` or `Expired`.
        """  # noqa: D205 - the statuses are the summary
        return str(self.describe().get("status"))

    def stop(self) -> None:
        """Ask Bedrock to stop the job; records already processed keep their output.

        Raises:
            LLMError: Bedrock refused (typed), e.g. the job has already ended.
        """
        self._call("stop_model_invocation_job", jobIdentifier=self._job_arn)

    def wait(
        self,
        *,
        progress: bool = True,
        poll_interval: float = 5.0,
        max_poll_interval: float = 120.0,
        timeout: float | None = None,
    ) -> str:
        """Poll until the job ends, with backoff and a progress bar of records processed.

        Args:
            progress: Show a tqdm bar (terminal or notebook).
            poll_interval: Seconds between polls while the job moves.
            max_poll_interval: The longest wait between polls while nothing changes.
            timeout: Give up after this many seconds; never by default.

        Returns:
            The final status.

        Raises:
            BatchJobError: `timeout` passed first (the job keeps running).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        interval, seen = poll_interval, None
        with progress_bar(
            enabled=progress, total=self.record_count, desc=self.job_id, unit="record"
        ) as bar:
            while True:
                info = self.describe()
                status = str(info.get("status"))
                processed = int(info.get("processedRecordCount") or 0)
                bar.update(max(0, min(processed, self.record_count) - bar.n))
                bar.set_postfix_str(status)
                if is_terminal(status):
                    return status
                if deadline is not None and time.monotonic() + interval > deadline:
                    msg = (
                        f"Batch job {self.job_id} is still {status} after {timeout}s; "
                        "call wait() again later."
                    )
                    raise BatchJobError(
                        msg, job_arn=self._job_arn, job_status=status, **self._context()
                    )
                time.sleep(interval)
                changed, seen = (status, processed) != seen, (status, processed)
                interval = next_poll_interval(
                    interval, base=poll_interval, cap=max_poll_interval, changed=changed
                )

    def _output_lines(self, output_uri: str) -> Iterator[bytes]:
        bucket, prefix = split_s3_uri(output_uri, "output s3Uri")
        folder = join_key(prefix, self.job_id) + "/"
        paginator = self._s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=folder):
            for item in page.get("Contents", ()):
                key = str(item["Key"])
                if key.endswith(_OUTPUT_SUFFIX) and not key.endswith(_OUTPUT_MANIFEST):
                    yield from self._s3.get_object(Bucket=bucket, Key=key)["Body"].iter_lines()

    def results(self) -> ParallelResponse:
        """One result per input, in input order, once the job has ended.

        Each result holds the `AIMessage` (content, `usage_metadata`, and in
        `response_metadata` the model ID sent, the access method, the job's ARN and the
        record's ID) or a typed error: the record's own (`ThrottlingError`,
        `RequestValidationError`, ...), or a `BatchJobError` saying why the job wrote no
        output for it. `statistics` cost the tokens at the batch price.

        Returns:
            A `ParallelResponse`.

        Raises:
            BatchJobError: The job has not ended yet, or its output cannot be read.
        """
        info = self.describe()
        status = str(info.get("status"))
        if not is_terminal(status):
            msg = f"Batch job {self.job_id} is {status}; wait() for it to end first."
            raise BatchJobError(msg, job_arn=self._job_arn, job_status=status, **self._context())
        output_uri = str(info["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"])
        try:
            outputs = read_output_records(self._output_lines(output_uri))
        except ClientError as err:
            msg = f"Reading the output of batch job {self.job_id} from {output_uri} failed: {err}"
            raise BatchJobError(
                msg, job_arn=self._job_arn, job_status=status, **self._context()
            ) from err
        submitted, ended = info.get("submitTime"), info.get("endTime")
        wall = (
            (ended - submitted).total_seconds()
            if isinstance(submitted, datetime) and isinstance(ended, datetime)
            else 0.0
        )
        ctx = BatchContext(
            job_arn=self._job_arn,
            job_status=status,
            job_message=info.get("message"),
            model_id=self._model.model_id,
            model_id_sent=str(info.get("modelId") or self._manifest["model_id_sent"]),
            access_method=AccessMethod(self._manifest["access_method"]),
            region=str(self._manifest.get("region") or self._model.request_region),
            wall_time_s=max(wall, 0.0),
        )
        return assemble_results(
            ctx,
            self.record_count,
            outputs,
            operation_model=self._model.client.meta.service_model.operation_model("Converse"),
            inline_reasoning_tags=self._model._inline_reasoning_tags_for_model(),  # noqa: SLF001
            inputs=self._inputs,
        )

    @classmethod
    def attach(
        cls,
        job_arn: str,
        *,
        model: EnhancedChatBedrockConverse,
        bedrock_client: Any = None,  # noqa: ANN401 - a boto3 bedrock client
        s3_client: Any = None,  # noqa: ANN401 - a boto3 s3 client
    ) -> BedrockBatchJob:
        """Find a job `submit_batch` created again, e.g. after the process restarted.

        The record count and how the model was reached come from the manifest next to
        the job's input folder; the input order from the records' IDs.

        Args:
            job_arn: The job's ARN (`job.job_arn`).
            model: The chat model the job runs.
            bedrock_client: The bedrock control-plane client; `model.bedrock_client`
                by default.
            s3_client: The S3 client; `boto3.client("s3")` by default.

        Returns:
            The job; `results()` gives each input's `modelInput` as its `input`.

        Raises:
            BatchJobError: The job has no manifest (it was not made by `submit_batch`).

        Example:
            >>> job = BedrockBatchJob.attach(saved_arn, model=model)  # doctest: +SKIP
            >>> job.wait(); response = job.results()  # doctest: +SKIP
        """
        control = bedrock_client or model.bedrock_client
        s3 = s3_client or boto3.client("s3", region_name=model.request_region)
        probe = cls(
            job_arn, model=model, manifest={"record_count": 0}, bedrock_client=control, s3_client=s3
        )
        input_uri = str(probe.describe()["inputDataConfig"]["s3InputDataConfig"]["s3Uri"])
        bucket, folder = split_s3_uri(input_uri, "input s3Uri")
        try:
            body = s3.get_object(Bucket=bucket, Key=folder + MANIFEST_SUFFIX)["Body"].read()
            manifest = json.loads(body)
        except (ClientError, ValueError) as err:
            msg = (
                f"Batch job {probe.job_id} has no readable manifest at s3://{bucket}/{folder}"
                f"{MANIFEST_SUFFIX}; attach() finds jobs that submit_batch created."
            )
            raise BatchJobError(msg, job_arn=job_arn, model_id=model.model_id) from err
        if manifest.get("model_id") != model.model_id:
            logger.warning(
                "Batch job %s ran %s; attached with a model for %s",
                probe.job_id, manifest.get("model_id"), model.model_id,
            )  # fmt: skip
        return cls(job_arn, model=model, manifest=manifest, bedrock_client=control, s3_client=s3)
