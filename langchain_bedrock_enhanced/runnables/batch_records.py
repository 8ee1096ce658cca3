r"""The input side of a batch job: which model ID, which records, which files.

`submit_batch` (in `batch_jobs`) checks everything here before it uploads anything:

1. **Model ID.** The access engine's selector lists the ways in that the model's
   access policy (`access_methods`) allows, best first; a profile-only model gets its
   inference profile. Ways batch inference is known not to support (`_BATCH_SUPPORT`)
   are dropped. Nothing left: a typed error.
2. **Records.** Each input becomes the Converse request the model would send, built
   by the model's own request shaping (`_transport.async_capture`: family
   parameters, system-prompt folding and message checks all apply), checked against
   botocore's `Converse` input shape and serialised by botocore's rest-json
   serializer: the request body, without `modelId`, which is what a Converse job's
   `modelInput` is (user guide, "Format and upload your batch inference data",
   https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-data.html).
   A record is `{"recordId": "<11-digit input index>", "modelInput": <body>}`. Bad
   inputs raise one `ParameterValidationError` listing every problem.
3. **Files.** Records are split at `BatchLimits`, Bedrock's quotas.
4. **Request.** The CreateModelInvocationJob parameters are checked against
   botocore's `bedrock` model (job name, role ARN, S3 URIs, `timeoutDurationInHours`
   24-168): botocore itself checks types and required members, not patterns.

Example:
    >>> split_into_files([b"a", b"b", b"c"], BatchLimits(max_records_per_file=2))
    [b'a\nb\n', b'c\n']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from botocore.serialize import create_serializer
from botocore.validate import ParamValidator

from langchain_bedrock_enhanced._transport.async_capture import capture_converse_request
from langchain_bedrock_enhanced.errors import (
    BedrockEnhancedError,
    ConfigurationError,
    ParameterValidationError,
)
from langchain_bedrock_enhanced.model_ids import AccessMethod, method_for_prefix, parse_model_id
from langchain_bedrock_enhanced.runnables._progress import progress_bar
from langchain_bedrock_enhanced.runnables.batch_results import record_id

if TYPE_CHECKING:
    from langchain_bedrock_enhanced.access.selector import Candidate
    from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse

__all__ = [
    "DEFAULT_LIMITS",
    "BatchLimits",
    "batch_support_problem",
    "build_record_lines",
    "check_create_request",
    "choose_candidates",
    "join_key",
    "split_into_files",
    "split_s3_uri",
]

_S3_URI: Final = re.compile(r"s3://(?P<bucket>[^/]+)/?(?P<key>.*)")
_MAX_PROBLEMS_SHOWN: Final = 5


@dataclass(frozen=True)
class BatchLimits:
    """Bedrock's batch inference quotas that `submit_batch` checks and splits at.

    The quota names are the user guide's ("Format and upload your batch inference
    data"); they are per model and some are adjustable, so pass your account's values
    when they differ (Service Quotas console, service `bedrock`). AWS's quota table
    (https://docs.aws.amazon.com/general/latest/gr/bedrock.html) could not be read
    when this was written, so the defaults are the values reported by others and are
    NOT verified there: a minimum of 100 records (LiteLLM's Bedrock batch docs,
    BerriAI/litellm-docs#1408: "Bedrock rejects jobs under 100 records"), 50,000
    records per file and per job, 1 GB per input file and 5 GB per job (the defaults
    bespokelabsai/curator's Bedrock batch backend falls back to).

    Example:
        >>> BatchLimits().min_records, BatchLimits(min_records=10).max_records_per_file
        (100, 50000)
    """

    min_records: int = 100
    """Minimum number of records per batch inference job."""
    max_records_per_file: int = 50_000
    """Records per input file per batch inference job."""
    max_records_per_job: int = 50_000
    """Records per batch inference job."""
    max_file_bytes: int = 1_000_000_000
    """Batch inference input file size (1 GB)."""
    max_job_bytes: int = 5_000_000_000
    """Batch inference job size: all input files together (5 GB)."""


DEFAULT_LIMITS: Final = BatchLimits()


@dataclass(frozen=True)
class _Support:
    """Where batch inference serves a model: `None` where the table is not known here."""

    direct: frozenset[str] | None
    """Regions supporting the foundation model (its bare ID)."""
    profile: frozenset[str] | None
    """Regions supporting an inference profile of it."""


# From "Supported Regions and models for batch inference" (user guide,
# https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-supported.html),
# the rows that could be read in full. A model missing here is not refused: Bedrock's
# own answer to CreateModelInvocationJob decides. Claude Sonnet 4.5 supports batch
# inference through its profiles (AWS ML blog, "global cross-Region inference ... with
# Anthropic's Claude Sonnet 4.5", 2025-10: "global CRIS supports ... batch inference").
_NOVA_DIRECT: Final = frozenset({"us-east-1", "us-gov-west-1"})
_NOVA_PROFILE: Final = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-2", "ap-northeast-1", "ap-northeast-2",
        "ap-south-1", "ap-southeast-1", "ap-southeast-2", "eu-central-1", "eu-north-1",
        "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3",
    }
)  # fmt: skip
_BATCH_SUPPORT: Final[Mapping[str, _Support]] = {
    "amazon.nova-lite-v1:0": _Support(_NOVA_DIRECT, _NOVA_PROFILE),
    "amazon.nova-micro-v1:0": _Support(_NOVA_DIRECT, _NOVA_PROFILE),
    "amazon.nova-pro-v1:0": _Support(_NOVA_DIRECT, None),
    "amazon.nova-premier-v1:0": _Support(frozenset(), frozenset({"us-east-1", "us-east-2",
                                                                 "us-west-2"})),
    "anthropic.claude-sonnet-4-5-20250929-v1:0": _Support(frozenset(), None),
}  # fmt: skip
# "Batch inference isn't supported for provisioned models" (user guide, "Process
# multiple prompts with batch inference").
_NO_BATCH_KINDS: Final = frozenset({"provisioned_model"})


def batch_support_problem(model_id: str, method: AccessMethod, region: str) -> str | None:
    """Why batch inference cannot run `model_id` sent this way from `region`, if it cannot.

    Args:
        model_id: The identifier the job would be created with.
        method: How it reaches the model.
        region: The region of the job.

    Returns:
        The reason, or None when it is supported or not known either way.

    Example:
        >>> batch_support_problem("amazon.nova-premier-v1:0", AccessMethod.DIRECT, "us-east-1")
        'the bare model ID is not supported for batch inference in us-east-1'
        >>> batch_support_problem("us.amazon.nova-premier-v1:0", AccessMethod.REGIONAL_CRIS,
        ...                       "us-east-1") is None
        True
    """
    parsed = parse_model_id(model_id)
    if parsed.kind in _NO_BATCH_KINDS:
        return "batch inference does not support provisioned models"
    support = _BATCH_SUPPORT.get(parsed.base_model_id or "")
    if support is None:
        return None
    regions = support.direct if method is AccessMethod.DIRECT else support.profile
    if method is AccessMethod.APPLICATION_PROFILE or regions is None or region in regions:
        return None
    what = "the bare model ID" if method is AccessMethod.DIRECT else "an inference profile"
    return f"{what} is not supported for batch inference in {region}"


def _method_of(model_id: str) -> AccessMethod:
    """How an identifier sent as given reaches its model."""
    parsed = parse_model_id(model_id)
    if parsed.kind == "application_profile":
        return AccessMethod.APPLICATION_PROFILE
    if parsed.kind == "system_profile":
        return method_for_prefix(parsed.geo_prefix or "")
    return AccessMethod.DIRECT


def choose_candidates(model: EnhancedChatBedrockConverse, region: str) -> list[Candidate]:
    """The model IDs a batch job for `model` may be created with, best first.

    The access engine's candidates (within the access policy), less what batch
    inference does not support; without an engine, the model ID as given.

    Raises:
        ProfileRequirementError: The access policy forbids every way in.
        ConfigurationError: Batch inference supports none of the ways left.

    Example:
        >>> from langchain_bedrock_enhanced import EnhancedChatBedrockConverse
        >>> model = EnhancedChatBedrockConverse(
        ...     model="us.amazon.nova-lite-v1:0", region_name="us-east-1")
        >>> choose_candidates(model, "us-east-1")
        [('us.amazon.nova-lite-v1:0', <AccessMethod.REGIONAL_CRIS: 'regional_cris'>)]
    """
    engine = model.access_engine
    if engine is None:
        candidates: list[Candidate] = [(model.model_id, _method_of(model.model_id))]
    else:
        candidates = engine.selector.candidates(model.model_id, region)
        if not candidates:
            engine.selector.select_access_method(model.model_id, region)  # raises, typed
    problems = {c: batch_support_problem(c[0], c[1], region) for c in candidates}
    allowed = [c for c in candidates if problems[c] is None]
    if not allowed:
        reasons = "; ".join(f"{sent}: {why}" for (sent, _), why in problems.items())
        msg = (
            f"Batch inference cannot run {model.model_id!r} in {region} within the access "
            f"policy: {reasons}. Use another region or model, or widen access_methods."
        )
        raise ConfigurationError(msg, model_id=model.model_id, region=region)
    return allowed


def split_s3_uri(uri: str, what: str) -> tuple[str, str]:
    """`(bucket, key prefix without slashes)` of an `s3://` URI.

    Raises:
        ConfigurationError: `uri` is not an S3 URI; `what` names it in the message.

    Example:
        >>> split_s3_uri("s3://bucket/in/put/", "input_s3_uri")
        ('bucket', 'in/put')
    """
    found = _S3_URI.fullmatch(uri)
    if found is None or not found["bucket"]:
        msg = f"{what} must be an s3://bucket/prefix URI, not {uri!r}."
        raise ConfigurationError(msg)
    return found["bucket"], found["key"].strip("/")


def join_key(*parts: str) -> str:
    """S3 key parts joined by single slashes, empty parts left out.

    Example:
        >>> join_key("", "in/", "/job")
        'in/job'
    """
    return "/".join(part.strip("/") for part in parts if part.strip("/"))


def build_record_lines(
    model: EnhancedChatBedrockConverse,
    inputs: Sequence[Any],
    model_id_sent: str,
    *,
    progress: bool = False,
) -> list[bytes]:
    """One JSONL line per input: its `recordId` and the Converse body the model would send.

    Args:
        model: The chat model; its request shaping builds each body.
        inputs: What `model.invoke` accepts, one per record.
        model_id_sent: The identifier the job will use (shaping may depend on it).
        progress: Show a progress bar.

    Returns:
        The lines, without newlines, in input order.

    Raises:
        ParameterValidationError: Inputs that cannot become a Converse request, every
            one listed in `problems` as `("inputs[i]", why)`.

    Example:
        >>> from langchain_bedrock_enhanced import EnhancedChatBedrockConverse
        >>> model = EnhancedChatBedrockConverse(
        ...     model="amazon.nova-lite-v1:0", region_name="us-east-1")
        >>> build_record_lines(model, ["Hi"], "amazon.nova-lite-v1:0")[0][:60]
        b'{"recordId":"00000000000","modelInput":{"messages": [{"role"'
    """
    operation = model.client.meta.service_model.operation_model("Converse")
    serializer = create_serializer("rest-json")
    validator = ParamValidator()
    lines: list[bytes] = []
    problems: list[tuple[str, str]] = []
    for index, value in enumerate(progress_bar(inputs, enabled=progress, desc="Records")):
        try:
            messages = model._convert_input(value).to_messages()  # noqa: SLF001 - invoke's own
            params = capture_converse_request(model, messages, model_id=model_id_sent)
        except (BedrockEnhancedError, ValueError, TypeError, NotImplementedError) as err:
            problems.append((f"inputs[{index}]", str(err)))
            continue
        if params.get("toolConfig"):
            # "Records that include toolConfig fail with a 400 error" in Converse jobs
            # (user guide, "Process multiple prompts with batch inference").
            problems.append((f"inputs[{index}]", "batch inference does not support tools"))
            continue
        report = validator.validate(params, operation.input_shape)
        if report.has_errors():
            problems.append((f"inputs[{index}]", report.generate_report()))
            continue
        try:
            body = serializer.serialize_to_request(params, operation)["body"]
        except (TypeError, ValueError) as err:
            problems.append((f"inputs[{index}]", f"cannot be serialised to JSON: {err}"))
            continue
        lines.append(b'{"recordId":"%s","modelInput":%s}' % (record_id(index).encode(), body))
    if problems:
        shown = "; ".join(f"{where}: {why}" for where, why in problems[:_MAX_PROBLEMS_SHOWN])
        more = len(problems) - _MAX_PROBLEMS_SHOWN
        msg = (
            f"{len(problems)} of {len(inputs)} inputs cannot become batch records, so "
            f"nothing was uploaded: {shown}{f' (and {more} more)' if more > 0 else ''}."
        )
        raise ParameterValidationError(msg, problems=problems, model_id=model.model_id)
    return lines


def split_into_files(lines: Sequence[bytes], limits: BatchLimits = DEFAULT_LIMITS) -> list[bytes]:
    r"""The JSONL files for `lines`, each within the per-file record and size limits.

    Args:
        lines: The records, in order.
        limits: The quotas.

    Returns:
        Each file's content, newline-terminated lines, records in input order.

    Raises:
        ConfigurationError: A single record is larger than a file may be.

    Example:
        >>> files = split_into_files([b"a", b"b", b"c"], BatchLimits(max_records_per_file=2))
        >>> files
        [b'a\nb\n', b'c\n']
    """
    files: list[bytes] = []
    current: list[bytes] = []
    size = 0
    for line in lines:
        if len(line) + 1 > limits.max_file_bytes:
            msg = (
                f"A record of {len(line)} bytes is over the input-file limit of "
                f"{limits.max_file_bytes} bytes."
            )
            raise ConfigurationError(msg)
        if current and (
            len(current) == limits.max_records_per_file
            or size + len(line) + 1 > limits.max_file_bytes
        ):
            files.append(b"\n".join(current) + b"\n")
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        files.append(b"\n".join(current) + b"\n")
    return files


def _shape_problems(value: Any, shape: Any, path: str) -> Iterator[str]:  # noqa: ANN401 - JSON-like
    """What botocore's client-side validation leaves to the service: patterns and ranges."""
    meta = shape.metadata
    if shape.type_name == "structure" and isinstance(value, Mapping):
        for name, member in shape.members.items():
            if name in value:
                yield from _shape_problems(value[name], member, f"{path}.{name}".lstrip("."))
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _shape_problems(item, shape.member, f"{path}[{index}]")
    elif shape.type_name == "string" and isinstance(value, str):
        pattern = meta.get("pattern")
        if (pattern and not re.fullmatch(pattern, value)) or len(value) > meta.get(
            "max", len(value)
        ):
            yield f"{path}={value!r} is not a valid {shape.name}"
    elif (
        shape.type_name == "integer"
        and isinstance(value, int)
        and not meta.get("min", value) <= value <= meta.get("max", value)
    ):
        yield f"{path}={value} is outside {meta.get('min')}..{meta.get('max')}"


def check_create_request(bedrock_client: Any, request: Mapping[str, Any]) -> None:  # noqa: ANN401
    """Refuse CreateModelInvocationJob parameters Bedrock would refuse, before any upload.

    Botocore checks types and required members; the patterns and ranges of its
    `bedrock` model (job name, role ARN, S3 URIs, 24-168 hours) are checked here.

    Args:
        bedrock_client: A bedrock control-plane client (for its service model).
        request: The parameters, `modelId` included.

    Raises:
        ConfigurationError: Naming every problem.

    Example:
        >>> import boto3
        >>> client = boto3.client("bedrock", region_name="us-east-1")
        >>> check_create_request(client, {"jobName": "bad name", "roleArn": "r", "modelId": "m",
        ...     "inputDataConfig": {}, "outputDataConfig": {}})
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.errors.ConfigurationError: The batch job request is invalid...
    """
    operation = bedrock_client.meta.service_model.operation_model("CreateModelInvocationJob")
    report = ParamValidator().validate(dict(request), operation.input_shape)
    problems = [report.generate_report()] if report.has_errors() else []
    problems += list(_shape_problems(request, operation.input_shape, ""))
    if problems:
        msg = f"The batch job request is invalid, so nothing was uploaded: {'; '.join(problems)}."
        raise ConfigurationError(msg, model_id=str(request.get("modelId")))
