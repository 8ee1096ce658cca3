"""A batch job's output records become one result per input, in input order, none lost."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest

from langchain_bedrock_enhanced.access import AccessMethod
from langchain_bedrock_enhanced.catalog.pricing import price_for
from langchain_bedrock_enhanced.errors import (
    BatchJobError,
    LLMError,
    RequestValidationError,
    ServiceUnavailableError,
    ThrottlingError,
)
from langchain_bedrock_enhanced.runnables.batch_results import (
    BATCH_PRICE_FACTOR,
    JOB_STATUSES,
    TERMINAL_STATUSES,
    BatchContext,
    assemble_results,
    read_output_records,
    record_error,
    record_id,
)

SONNET_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
CONVERSE = (
    botocore.session.get_session().get_service_model("bedrock-runtime").operation_model("Converse")
)
ARN = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghijkl"


def _ctx(status: str = "Completed", message: str | None = None) -> BatchContext:
    return BatchContext(
        ARN,
        status,
        message,
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        SONNET_US,
        AccessMethod.REGIONAL_CRIS,
        "us-east-1",
        wall_time_s=12.5,
    )


def _answer(index: int, text: str = "ok") -> dict[str, Any]:
    return {
        "recordId": record_id(index),
        "modelInput": {"messages": [{"role": "user", "content": [{"text": f"q{index}"}]}]},
        "modelOutput": {
            "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 1000, "outputTokens": 500, "totalTokens": 1500},
            "metrics": {"latencyMs": 10},
        },
    }


def _failure(index: int, code: object, message: str = "bad") -> dict[str, Any]:
    return {
        "recordId": record_id(index),
        "modelInput": {},
        "error": {"errorCode": code, "errorMessage": message},
    }


def _assemble(ctx: BatchContext, count: int, lines: list[dict[str, Any]], **kwargs: Any) -> Any:
    outputs = read_output_records(json.dumps(line) for line in lines)
    return assemble_results(ctx, count, outputs, operation_model=CONVERSE, **kwargs)


def test_results_follow_the_inputs_whatever_order_the_output_lines_come_in() -> None:
    lines = [_answer(2, "two"), _answer(0, "zero"), _answer(1, "one")]

    response = _assemble(_ctx(), 3, lines, inputs=["a", "b", "c"])

    assert [r.output.content for r in response] == ["zero", "one", "two"]
    assert [r.input for r in response] == ["a", "b", "c"]


def test_an_answer_carries_usage_and_how_the_job_reached_the_model() -> None:
    (result,) = _assemble(_ctx(), 1, [_answer(0)])

    metadata = result.output.response_metadata
    assert result.output.usage_metadata["total_tokens"] == 1500
    assert metadata["model_id_sent"] == SONNET_US
    assert metadata["access_method_used"] == "regional_cris"
    assert metadata["inference_profile_id"] == SONNET_US
    assert metadata["batch_job_arn"] == ARN
    assert metadata["batch_record_id"] == "00000000000"
    assert "attempts" not in metadata


def test_cost_is_the_on_demand_price_halved() -> None:
    (result,) = _assemble(_ctx(), 1, [_answer(0)])

    price = price_for(SONNET_US)
    assert price is not None
    on_demand = price.cost(uncached_input_tokens=1000, output_tokens=500)
    assert on_demand is not None
    assert result.cost_usd == pytest.approx(on_demand * BATCH_PRICE_FACTOR)
    assert BATCH_PRICE_FACTOR == 0.5


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (429, ThrottlingError),
        (400, RequestValidationError),
        (503, ServiceUnavailableError),
        ("ThrottlingException", ThrottlingError),
        (418, LLMError),
    ],
)
def test_a_record_error_is_typed_by_its_code(code: object, expected: type[LLMError]) -> None:
    error = record_error(_ctx(), "00000000004", {"errorCode": code, "errorMessage": "slow down"})

    assert type(error) is expected
    assert "Record 00000000004 of batch job abcdefghijkl" in error.message
    assert "slow down" in error.message


@pytest.mark.parametrize(
    ("status", "message", "says"),
    [
        ("Stopped", None, "stopped before it was processed"),
        ("PartiallyCompleted", None, "ran out of time"),
        ("Failed", "The role cannot read the bucket.", "The role cannot read the bucket."),
        ("Expired", None, "expired"),
        ("Completed", None, "no output line"),
    ],
)
def test_an_input_without_an_output_line_gets_an_error_saying_why(
    status: str, message: str | None, says: str
) -> None:
    response = _assemble(_ctx(status, message), 3, [_answer(1)])

    assert [r.ok for r in response] == [False, True, False]
    for result in (response[0], response[2]):
        assert isinstance(result.error, BatchJobError)
        assert result.error.job_status == status
        assert says in result.error.message
    assert response[2].error.record_id == "00000000002"


def test_every_input_appears_exactly_once_with_answers_failures_and_gaps() -> None:
    lines = [_answer(0), _failure(1, 500), _answer(3), _answer(3, "duplicate"), _answer(99)]

    response = _assemble(_ctx("Stopped"), 5, lines)

    assert [r.index for r in response] == [0, 1, 2, 3, 4]
    assert response[3].output.content == "ok"
    assert [type(r.error).__name__ for r in response.failures] == [
        "ServiceUnavailableError",
        "BatchJobError",
        "BatchJobError",
    ]
    stats = response.statistics
    assert (stats.total, stats.succeeded, stats.failed) == (5, 2, 3)
    assert stats.wall_time_s == 12.5


def test_without_the_inputs_each_result_holds_its_records_model_input() -> None:
    (result,) = _assemble(_ctx(), 1, [_answer(0)])

    assert result.input == {"messages": [{"role": "user", "content": [{"text": "q0"}]}]}


def test_an_output_that_is_not_a_converse_response_is_that_records_error() -> None:
    line = {"recordId": record_id(0), "modelOutput": {"completion": "native body"}}

    (result,) = _assemble(_ctx(), 1, [line])

    assert isinstance(result.error, LLMError)
    assert "not a Converse response" in result.error.message


def test_output_lines_that_are_not_json_or_lack_a_record_id_are_skipped() -> None:
    found = read_output_records([b"not json", b'{"no": "id"}', b"", b'{"recordId": "x"}'])

    assert list(found) == ["x"]


def test_the_statuses_are_botocores_and_five_of_them_are_final() -> None:
    model = botocore.session.get_session().get_service_model("bedrock")
    shape = model.operation_model("GetModelInvocationJob").output_shape
    assert shape is not None

    assert set(JOB_STATUSES) == set(shape.members["status"].enum)
    assert {"Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"} == TERMINAL_STATUSES
