"""Request counts: every request is counted by every count open around it, and no other."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import boto3
from botocore.stub import Stubber

from langchain_bedrock_enhanced._transport.request_count import (
    count_one,
    count_requests_of,
    counting,
    open_count,
)

REPLY = {
    "output": {"message": {"role": "assistant", "content": [{"text": "hi"}]}},
    "stopReason": "end_turn",
    "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
    "metrics": {"latencyMs": 1},
}


def test_nested_counts_each_see_the_requests_sent_inside_them() -> None:
    with counting() as outer:
        count_one()
        with counting() as inner:
            count_one()
            count_one()
        count_one()
    count_one()  # outside every count: nobody hears it
    assert (outer.value, inner.value) == (4, 2)


def test_concurrent_tasks_never_mix_their_counts() -> None:
    async def task(requests: int) -> int:
        with counting() as count:
            for _ in range(requests):
                count_one()
                await asyncio.sleep(0)
        return count.value

    async def both() -> list[int]:
        return await asyncio.gather(task(3), task(5))

    assert asyncio.run(both()) == [3, 5]


def test_a_thread_that_copies_the_context_counts_into_the_callers_count() -> None:
    with counting() as count:
        context = contextvars.copy_context()
        worker = threading.Thread(target=context.run, args=(count_one,))
        worker.start()
        worker.join()
    assert count.value == 1


def test_closing_a_count_from_another_context_leaves_that_context_alone() -> None:
    count, close = open_count()
    with counting() as other:
        close()  # not innermost here: must not drop `other`
        count_one()
    assert (count.value, other.value) == (1, 1)
    close()
    count_one()
    assert count.value == 1


def test_a_clients_before_send_event_is_counted_once_however_often_it_is_registered() -> None:
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    count_requests_of(client)
    count_requests_of(client)
    with counting() as count:
        client.meta.events.emit("before-send.bedrock-runtime.Converse", request=None)
    assert count.value == 1


def test_a_stubbed_client_sends_nothing_and_counts_nothing() -> None:
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    count_requests_of(client)
    with Stubber(client) as stubber, counting() as count:
        stubber.add_response("converse", REPLY)
        client.converse(modelId="m", messages=[])
    assert count.value == 0
