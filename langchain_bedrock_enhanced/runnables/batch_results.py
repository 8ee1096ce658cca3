"""A batch job's output records, turned into one result per input, in input order.

Bedrock writes one output line per input record it processed, in
`<output>/<job id>/<input file>.out`: the record's `recordId` and `modelInput`, and
either `modelOutput` (for a Converse job, the Converse response body) or `error`
(`{"errorCode": 400, "errorMessage": "..."}`), plus a `manifest.json.out` with the
totals (user guide, "View the results of a batch inference job",
https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-results.html).
The order of the output lines is not guaranteed to follow the input (user guide,
"Format and upload your batch inference data"), so results are matched by
`recordId`: input `i` is the record `record_id(i)`.

Nothing is lost: `assemble_results` returns exactly one `ParallelResult` per input.
An input whose record has no output line gets a `BatchJobError` that says why, from
the job's final status.

Cost is the on-demand price of the tokens (the bundled price table) times
`BATCH_PRICE_FACTOR`: the Amazon Bedrock pricing page
(https://aws.amazon.com/bedrock/pricing/) offers batch inference "at a 50% lower
price compared to on-demand pricing" for the models that support it. The price table
holds no batch prices of its own (its `not_modelled` list says so).

Example:
    >>> record_id(7), record_index("00000000007"), record_index("CALL0000001")
    ('00000000007', 7, None)
    >>> is_terminal("PartiallyCompleted"), is_terminal("InProgress")
    (True, False)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

from botocore.model import OperationModel
from botocore.parsers import create_parser
from langchain_aws.chat_models.bedrock_converse import _parse_response
from langchain_core.messages import AIMessage

from langchain_bedrock_enhanced.access.engine import AccessOutcome
from langchain_bedrock_enhanced.callbacks.call_info import TokenUsage, call_info_from_message
from langchain_bedrock_enhanced.errors import (
    AccessDeniedError,
    BatchJobError,
    LLMError,
    ModelNotFoundError,
    ModelTimeoutError,
    PermanentError,
    RequestValidationError,
    ServiceUnavailableError,
    ThrottlingError,
    error_class_for,
)
from langchain_bedrock_enhanced.model_ids import AccessMethod
from langchain_bedrock_enhanced.runnables.parallel_results import ParallelResponse, ParallelResult

__all__ = [
    "BATCH_PRICE_FACTOR",
    "JOB_STATUSES",
    "RECORD_ID_DIGITS",
    "TERMINAL_STATUSES",
    "BatchContext",
    "JobStatus",
    "assemble_results",
    "is_terminal",
    "message_from_output",
    "missing_record_error",
    "read_output_records",
    "record_error",
    "record_id",
    "record_index",
]

logger = logging.getLogger(__name__)

JobStatus = Literal[
    "Submitted",
    "Validating",
    "Scheduled",
    "InProgress",
    "Completed",
    "PartiallyCompleted",
    "Failed",
    "Stopping",
    "Stopped",
    "Expired",
]
"""`ModelInvocationJobStatus`, as botocore's `bedrock` service model lists it."""
JOB_STATUSES: Final[tuple[str, ...]] = get_args(JobStatus)
TERMINAL_STATUSES: Final = frozenset(
    {"Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"}
)
"""The statuses a job never leaves (GetModelInvocationJob's `status` documentation)."""

BATCH_PRICE_FACTOR: Final = 0.5
"""Batch price / on-demand price: "50% lower price compared to on-demand pricing"
(https://aws.amazon.com/bedrock/pricing/)."""

RECORD_ID_DIGITS: Final = 11
"""`recordId`s are the input's index, zero-padded to 11 digits: the user guide's
examples use an "11 character alphanumeric string"; 11 digits hold 10^11 inputs."""

_WHY_MISSING: Final[Mapping[str, str]] = {
    "Completed": (
        "Bedrock wrote no output line for it although the job completed; submit this input again."
    ),
    "PartiallyCompleted": (
        "the job ran out of time before it was processed (PartiallyCompleted: not all "
        "records could be processed in time); submit it again, or give the job a "
        "longer timeout_hours."
    ),
    "Stopped": "the job was stopped before it was processed; submit it again if needed.",
    "Expired": (
        "the job expired: it was scheduled but did not start before its timeout; submit a new job."
    ),
}

# `errorCode` of an output record is an HTTP status in the user guide's example
# ({"errorCode": 400, "errorMessage": "bad request"}); these are bedrock-runtime's
# statuses for its modeled exceptions (shared/reference/bedrock_error_messages.json).
_STATUS_CLASSES: Final[Mapping[int, type[LLMError]]] = {
    400: RequestValidationError,
    403: AccessDeniedError,
    404: ModelNotFoundError,
    408: ModelTimeoutError,
    424: PermanentError,
    429: ThrottlingError,
}
_SERVER_ERROR: Final = 500


def record_id(index: int) -> str:
    """The `recordId` of input `index`.

    Example:
        >>> record_id(0)
        '00000000000'
    """
    return f"{index:0{RECORD_ID_DIGITS}d}"


def record_index(rid: object) -> int | None:
    """The input index a `recordId` stands for, or None for one this package did not write.

    Example:
        >>> record_index("00000000250"), record_index("250")
        (250, None)
    """
    if isinstance(rid, str) and len(rid) == RECORD_ID_DIGITS and rid.isdigit():
        return int(rid)
    return None


def is_terminal(status: str | None) -> bool:
    """Whether a job in `status` will never change again.

    Example:
        >>> is_terminal("Stopping")
        False
    """
    return status in TERMINAL_STATUSES


@dataclass(frozen=True)
class BatchContext:
    """What the results of one job need to know about it.

    Example:
        >>> ctx = BatchContext("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/"
        ...     "abcdefghijkl", "Completed", None, "amazon.nova-lite-v1:0",
        ...     "amazon.nova-lite-v1:0", AccessMethod.DIRECT, "us-east-1")
        >>> ctx.job_id
        'abcdefghijkl'
    """

    job_arn: str
    job_status: str
    job_message: str | None
    """`message` of GetModelInvocationJob: why a failed job failed."""
    model_id: str
    """The model identifier the caller gave."""
    model_id_sent: str
    """The identifier the job was created with (a profile for profile-only models)."""
    access_method: AccessMethod
    region: str
    wall_time_s: float = 0.0
    """Seconds from submission to the job's end, when both are known."""

    @property
    def job_id(self) -> str:
        """The last segment of the job's ARN: the folder Bedrock writes outputs to."""
        return self.job_arn.rsplit("/", 1)[-1]

    def outcome(self) -> AccessOutcome:
        """How the records reached the model: the job's model ID and access method."""
        return AccessOutcome(self.access_method, self.model_id_sent, self.region, attempts=1)


def missing_record_error(ctx: BatchContext, rid: str) -> BatchJobError:
    """The error standing for an input the job wrote no output line for.

    Args:
        ctx: The job.
        rid: The input's `recordId`.

    Returns:
        A `BatchJobError` whose message says why, from the job's status.

    Example:
        >>> ctx = BatchContext("arn:x/abcdefghijkl", "Stopped", None, "m", "m",
        ...                    AccessMethod.DIRECT, "us-east-1")
        >>> missing_record_error(ctx, "00000000003").message
        'Record 00000000003 of batch job abcdefghijkl has no output: the job was stopped \
before it was processed; submit it again if needed.'
    """
    why = _WHY_MISSING.get(ctx.job_status)
    if why is None and ctx.job_status == "Failed":
        reason = f": {ctx.job_message}" if ctx.job_message else ""
        why = f"the job failed before it was processed{reason}. Fix the cause and submit it again."
    if why is None:
        why = f"the job is {ctx.job_status}, not finished; wait() for it first."
    return BatchJobError(
        f"Record {rid} of batch job {ctx.job_id} has no output: {why}",
        job_arn=ctx.job_arn,
        job_status=ctx.job_status,
        record_id=rid,
        model_id=ctx.model_id,
        region=ctx.region,
        access_method=ctx.access_method,
    )


def record_error(ctx: BatchContext, rid: str, error: object) -> LLMError:
    """The typed error for an output line's `error` object.

    Args:
        ctx: The job.
        rid: The record's `recordId`.
        error: The line's `error` (`{"errorCode": ..., "errorMessage": ...}`).

    Returns:
        The class the code maps to (429 → `ThrottlingError`, 400 →
        `RequestValidationError`, 5xx → `ServiceUnavailableError`, ...), else `LLMError`.

    Example:
        >>> ctx = BatchContext("arn:x/abcdefghijkl", "Completed", None, "m", "m",
        ...                    AccessMethod.DIRECT, "us-east-1")
        >>> err = record_error(ctx, "00000000001", {"errorCode": 429, "errorMessage": "slow"})
        >>> type(err).__name__, err.status_code
        ('ThrottlingError', 429)
    """
    found: Mapping[str, Any] = error if isinstance(error, Mapping) else {}
    code = found.get("errorCode")
    text = str(found.get("errorMessage") or "no message")
    status = code if isinstance(code, int) and not isinstance(code, bool) else None
    if status is not None:
        cls = _STATUS_CLASSES.get(status) or (
            ServiceUnavailableError if status >= _SERVER_ERROR else LLMError
        )
    else:
        cls = error_class_for(str(code) if code is not None else None)
    return cls(
        f"Record {rid} of batch job {ctx.job_id} failed ({code}): {text}",
        error_code=None if status is not None or code is None else str(code),
        status_code=status,
        model_id=ctx.model_id,
        region=ctx.region,
        access_method=ctx.access_method,
    )


def read_output_records(lines: Iterable[bytes | str]) -> dict[str, Mapping[str, Any]]:
    """Index output lines by `recordId`; blank lines are skipped, the first line of an ID wins.

    Args:
        lines: The lines of every `.out` file of the job.

    Returns:
        `recordId` → the decoded line.

    Example:
        >>> read_output_records(['{"recordId": "00000000000", "modelOutput": {}}', ""])
        {'00000000000': {'recordId': '00000000000', 'modelOutput': {}}}
    """
    found: dict[str, Mapping[str, Any]] = {}
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            logger.warning("Skipping a batch output line that is not JSON: %.80r", line)
            continue
        rid = record.get("recordId") if isinstance(record, dict) else None
        if not isinstance(rid, str):
            logger.warning("Skipping a batch output line without a recordId: %.80r", line)
            continue
        if rid in found:
            logger.warning("Batch output holds recordId %s twice; keeping the first", rid)
            continue
        found[rid] = record
    return found


def message_from_output(
    output: Mapping[str, Any],
    operation_model: OperationModel,
    inline_reasoning_tags: tuple[str, str] | None = None,
) -> AIMessage:
    """The `AIMessage` a Converse call would have returned for a `modelOutput` body.

    The body is the Converse response's JSON, so botocore's own rest-json parser reads
    it as boto3 would (blobs decoded, timestamps parsed), and langchain-aws's
    `_parse_response` builds the message exactly as `ChatBedrockConverse` does.

    Args:
        output: The output line's `modelOutput`.
        operation_model: bedrock-runtime's `Converse` operation model.
        inline_reasoning_tags: The model's inline reasoning tags, as langchain-aws
            passes them.

    Returns:
        The message, with `usage_metadata`.

    Example:
        >>> import botocore.session
        >>> converse = botocore.session.get_session().get_service_model(
        ...     "bedrock-runtime").operation_model("Converse")
        >>> message = message_from_output({
        ...     "output": {"message": {"role": "assistant", "content": [{"text": "Hi"}]}},
        ...     "stopReason": "end_turn",
        ...     "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4},
        ...     "metrics": {"latencyMs": 7},
        ... }, converse)
        >>> message.content, message.usage_metadata["total_tokens"]
        ('Hi', 4)
    """
    shape = operation_model.output_shape
    if shape is None:  # pragma: no cover - Converse always has an output shape
        msg = f"{operation_model.name} has no output shape"
        raise ValueError(msg)
    body = json.dumps(output).encode()
    response = create_parser("rest-json").parse(
        {"body": body, "headers": {}, "status_code": 200}, shape
    )
    response.pop("ResponseMetadata", None)
    return _parse_response(response, inline_reasoning_tags=inline_reasoning_tags)


def _result_for_message(
    ctx: BatchContext,
    index: int,
    value: Any,  # noqa: ANN401 - any input
    message: AIMessage,
) -> ParallelResult:
    metadata = {k: v for k, v in ctx.outcome().as_metadata().items() if k != "attempts"}
    message.response_metadata.update(
        {
            "model_provider": "bedrock_converse",
            "model_name": ctx.model_id_sent,
            **metadata,
            "batch_job_arn": ctx.job_arn,
            "batch_record_id": record_id(index),
        }
    )
    info = call_info_from_message(message)
    return ParallelResult(
        index=index,
        input=value,
        output=message,
        model_id=ctx.model_id,
        access_method=str(ctx.access_method),
        inference_profile_id=ctx.outcome().inference_profile_id,
        region=ctx.region,
        usage=info.usage,
        cost_usd=None if info.cost_usd is None else info.cost_usd * BATCH_PRICE_FACTOR,
        attempts=None,
        llm_calls=1,
    )


def _result_for_error(
    ctx: BatchContext,
    index: int,
    value: Any,  # noqa: ANN401 - any input
    error: LLMError,
) -> ParallelResult:
    return ParallelResult(
        index=index,
        input=value,
        error=error,
        model_id=ctx.model_id,
        access_method=str(ctx.access_method),
        region=ctx.region,
        usage=TokenUsage(),
        cost_usd=0.0,
    )


def assemble_results(  # noqa: PLR0913 - the job, its outputs, and how to read them
    ctx: BatchContext,
    record_count: int,
    outputs: Mapping[str, Mapping[str, Any]],
    *,
    operation_model: OperationModel,
    inline_reasoning_tags: tuple[str, str] | None = None,
    inputs: Sequence[Any] | None = None,
) -> ParallelResponse:
    """One result per input, in input order: the message, the record's error, or why none.

    Args:
        ctx: The job, in its final status.
        record_count: How many inputs the job was submitted with.
        outputs: The output lines by `recordId` (`read_output_records`).
        operation_model: bedrock-runtime's `Converse` operation model.
        inline_reasoning_tags: Passed to `message_from_output`.
        inputs: The inputs as given, when this process still has them; otherwise each
            result's `input` is the record's `modelInput` (or None if it has no line).

    Returns:
        A `ParallelResponse` of exactly `record_count` results, with statistics (cost at
        the batch price).

    Example:
        >>> import botocore.session
        >>> converse = botocore.session.get_session().get_service_model(
        ...     "bedrock-runtime").operation_model("Converse")
        >>> ctx = BatchContext("arn:x/abcdefghijkl", "Stopped", None, "m", "m",
        ...                    AccessMethod.DIRECT, "us-east-1")
        >>> response = assemble_results(ctx, 2, {}, operation_model=converse)
        >>> [type(r.error).__name__ for r in response]
        ['BatchJobError', 'BatchJobError']
    """
    indices = {rid: record_index(rid) for rid in outputs}
    unknown = [rid for rid, index in indices.items() if index is None or index >= record_count]
    if unknown:
        logger.warning(
            "Batch job %s: %d output records match no input (first: %s); ignored",
            ctx.job_id,
            len(unknown),
            unknown[0],
        )
    results: list[ParallelResult] = []
    for index in range(record_count):
        rid = record_id(index)
        line = outputs.get(rid)
        value = inputs[index] if inputs is not None else (line or {}).get("modelInput")
        if line is None:
            results.append(_result_for_error(ctx, index, value, missing_record_error(ctx, rid)))
        elif isinstance(line.get("modelOutput"), Mapping):
            try:
                message = message_from_output(
                    line["modelOutput"], operation_model, inline_reasoning_tags
                )
            except (ValueError, KeyError, TypeError) as err:
                failure = LLMError(
                    f"Record {rid} of batch job {ctx.job_id} has an output that is not a "
                    f"Converse response: {err}",
                    model_id=ctx.model_id,
                    region=ctx.region,
                    access_method=ctx.access_method,
                )
                failure.__cause__ = err
                results.append(_result_for_error(ctx, index, value, failure))
            else:
                results.append(_result_for_message(ctx, index, value, message))
        else:
            error = record_error(ctx, rid, line.get("error"))
            results.append(_result_for_error(ctx, index, value, error))
    return ParallelResponse(tuple(results), wall_time_s=ctx.wall_time_s)
