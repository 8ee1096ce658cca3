"""Soak: 2,000 mixed inputs against an emulator that fails like Bedrock on a bad day.

`make soak` (`python -m benchmarks.soak`) starts the emulator in its own process with a
seeded fault mix, sends 2,000 inputs through the package the ways a user would, writes
`benchmarks/results/soak.json` and prints five targets, each marked PASS or MISS. It is
a measurement, not a test: it exits 0 whether or not the targets are met.

## The fault mix

The emulator checks its fault rules in order; the first rule that fires wins, and a
rule with a `probability` draws only for the requests that reach it. A rule's
probability is therefore conditional on no earlier rule firing, and the rule that
should fire for a share `s` of all model requests, after rules whose shares add up to
`S`, gets `s / (1 - S)`:

| rule | requests | share | `probability` |
|---|---|---|---|
| `ThrottlingException` (HTTP 429) | Converse, ConverseStream | 10 % | 0.10 |
| `ServiceUnavailableException` (HTTP 503) | Converse, ConverseStream | 5 % | 0.05 / 0.90 |
| dropped connection (no answer) | Converse, ConverseStream | 1 % | 0.01 / 0.85 |
| `ModelStreamErrorException` frame | ConverseStream | 2 % of streams | 0.02 / 0.84 |

The mid-stream rule comes last because only streams can carry it: after it, the three
other rules see every operation alike. Its exception frame follows `messageStart` and
precedes any text: the failure a stream can retry without the user seeing two answers
(once text has been shown, no retry can be invisible). Each rule draws from its own
generator, seeded from `--seed`, so the sequence of draws repeats on every run; with
calls in flight at once, which request meets which draw depends on arrival order, so
the counts repeat closely rather than exactly.

## The inputs

Input `i` (of `--inputs`) goes to lane `i % 8`, and all eight lanes run at once, each
with `--concurrency` calls in flight, over one model from `create_langchain_chatbedrock`
(Claude 3 Haiku, on demand in us-east-1: one direct request per call; botocore's own
retries at the factory's default) and one `with_bedrock_retry(model)` with its defaults:

- `run_parallel`, `arun_parallel`: over `invoke` / `ainvoke`;
- `stream`, `astream`: each input's stream consumed to the end, in a pool of threads /
  tasks;
- each of the four bare and through `with_bedrock_retry` (`... + retry`).

Every prompt names its input (`Soak input 00042 on ...`), so each request in the
emulator's log belongs to exactly one input.

## What is counted

- **Accounted:** the input has exactly one outcome, an output or an exception.
- **Succeeded:** accounted, and the one outcome is an output whose text is exactly the
  reference reply. The emulator's
  replies are deterministic per request: after the run, the emulator's faults are
  switched off and plain boto3 sends it each input's first logged request again; that
  answer is the reference. An output that is not the reference is a *wrong output*
  (accounted, not succeeded).
- **Typed:** an error that is an instance of
  `langchain_bedrock_enhanced.errors.BedrockEnhancedError`.
- **Duplicated:** an input counts once if either holds:
  - *repeated text:* its output is not the reference and contains the reply's opening
    word (`Emulated`) more than once. Every emulator reply starts with that word, no
    prompt contains it, and a stream sends it in its first text delta, so a second
    occurrence means a second reply, or the start of one, was joined to the first (a
    stream that restarted after it had shown text, or chunks delivered twice);
  - *answered twice:* the emulator's log holds more than one complete answer (status
    200 and no error code, mid-stream or otherwise) to the input's prompt, so a request
    that had been answered was sent again; or the input got more than one outcome.
- **Attempts reported:** what the caller is told. For the `run_parallel` lanes, each
  result's `attempts` (their sum is `ParallelStatistics.attempts`). For the stream
  lanes, a success's `response_metadata["attempts"]` (read as
  `call_info_from_message` reads it) and a failure's `error_info(error).attempts`. An
  outcome that reports nothing counts 0, and is listed as *unreported*.
- **Attempts in the log:** model requests (`Converse`, `ConverseStream`, `InvokeModel*`)
  in the emulator's log for the run: every HTTP request it received, dropped ones and
  botocore's own retries included.

The targets: 100 % accounted, at least 99 % succeeded, 100 % of errors typed, no
duplicates, and the attempts reported equal to the log's count.

## What it prints

A row per lane (`ok`, `wrong` outputs, `errors`, `typed`, `dup`licated, attempts
`reported`, outcomes that reported none, requests in the `log`), the log's outcomes, the
error classes per lane, and the evidence for the attempts target: the inputs whose
reported count differs from the log, grouped by outcome, count reported, and the
sequence of answers the log holds for them (`ThrottlingException > 200` is a 429 then
a complete answer). Then the targets. The JSON holds all of it, with a sample message
per error class.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import boto3
from botocore.config import Config
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.runnables import Runnable

from benchmarks._common import (
    EMULATOR_CREDENTIALS,
    ON_DEMAND_MODEL_ID,
    emulator_process,
    model_call_records,
    put_scenario,
    scenario_file,
    write_json_result,
)
from langchain_bedrock_enhanced import (
    arun_parallel,
    create_langchain_chatbedrock,
    run_parallel,
    with_bedrock_retry,
)
from langchain_bedrock_enhanced.callbacks.call_info import call_info_from_message, error_info
from langchain_bedrock_enhanced.errors import BedrockEnhancedError
from langchain_bedrock_enhanced.runnables.parallel_results import ParallelResponse

DEFAULT_INPUTS = 2000
DEFAULT_CONCURRENCY = 8
DEFAULT_SEED = 875
"""Seeds the fault rules (rule k gets seed + k). Chosen because its draws give shares close
to the intended ones both at 2,000 inputs and at the test's 200; any other seed gives
another mix, equally repeatable."""
REGION = "us-east-1"
REPLY_OPENING = "Emulated"
"""The first word of every emulator reply (see the module docstring: repeated text)."""
SUCCESS_TARGET = 0.99
RESULT_FILE = "soak.json"

Call = Literal["run_parallel", "arun_parallel", "stream", "astream"]


@dataclass(frozen=True)
class Lane:
    """One way of calling the model: an API, bare or through `with_bedrock_retry`."""

    call: Call
    retry: bool

    @property
    def name(self) -> str:
        return f"{self.call} + retry" if self.retry else self.call

    @property
    def is_async(self) -> bool:
        return self.call.startswith("a")


LANES = tuple(
    Lane(call, retry)
    for call in ("run_parallel", "arun_parallel", "stream", "astream")
    for retry in (False, True)
)


def fault_scenario(seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """The emulator scenario: each fault's share of model requests, as in the docstring."""
    calls = {"operation": ["Converse", "ConverseStream"]}
    throttled, unavailable, dropped, mid_stream = 0.10, 0.05, 0.01, 0.02
    return {
        "description": "Soak: 10 % throttled, 5 % unavailable, 1 % dropped, 2 % of streams "
        "broken before their first text.",
        "faults": [
            {
                "match": calls,
                "error": "ThrottlingException",
                "probability": throttled,
                "seed": seed,
            },
            {
                "match": calls,
                "error": "ServiceUnavailableException",
                "probability": unavailable / (1 - throttled),
                "seed": seed + 1,
            },
            {
                "match": calls,
                "drop_connection": True,
                "probability": dropped / (1 - throttled - unavailable),
                "seed": seed + 2,
            },
            {
                "match": {"operation": "ConverseStream"},
                "mid_stream": "ModelStreamErrorException",
                "after_events": 1,
                "probability": mid_stream / (1 - throttled - unavailable - dropped),
                "seed": seed + 3,
            },
        ],
    }


def prompt_for(index: int, lane: Lane) -> str:
    return f"Soak input {index:05d} on {lane.name}: tell me one fact."


def _inputs_by_prompt(n: int) -> dict[str, int]:
    return {prompt_for(index, LANES[index % len(LANES)]): index for index in range(n)}


@dataclass(frozen=True)
class Outcome:
    """What the caller got for one input."""

    lane: Lane
    index: int
    text: str | None
    """The output's text; `None` when the call raised."""
    error: BaseException | None
    attempts: int | None
    """The attempts the caller was told about, if any."""


# ---------------------------------------------------------------------------- lanes


def _text(output: Any) -> str:
    return str(output.text) if isinstance(output, BaseMessage) else str(output)


def _from_parallel(lane: Lane, indices: Sequence[int], response: ParallelResponse) -> list[Outcome]:
    return [
        Outcome(
            lane,
            indices[result.index],
            _text(result.output) if result.ok else None,
            result.error,
            result.attempts,
        )
        for result in response
    ]


def _streamed(lane: Lane, index: int, message: AIMessageChunk | None) -> Outcome:
    if message is None:
        return Outcome(lane, index, "", None, None)
    return Outcome(lane, index, _text(message), None, call_info_from_message(message).attempts)


def _failed(lane: Lane, index: int, error: Exception) -> Outcome:
    return Outcome(lane, index, None, error, error_info(error).attempts)


def _stream_one(runnable: Runnable[Any, Any], lane: Lane, index: int) -> Outcome:
    message: AIMessageChunk | None = None
    try:
        for chunk in runnable.stream(prompt_for(index, lane)):
            message = chunk if message is None else message + chunk
    except Exception as error:  # noqa: BLE001 - the failure is what is measured
        return _failed(lane, index, error)
    return _streamed(lane, index, message)


async def _astream_one(runnable: Runnable[Any, Any], lane: Lane, index: int) -> Outcome:
    message: AIMessageChunk | None = None
    try:
        async for chunk in runnable.astream(prompt_for(index, lane)):
            message = chunk if message is None else message + chunk
    except Exception as error:  # noqa: BLE001 - the failure is what is measured
        return _failed(lane, index, error)
    return _streamed(lane, index, message)


def _sync_lane(
    lane: Lane, runnable: Runnable[Any, Any], indices: Sequence[int], concurrency: int
) -> list[Outcome]:
    if lane.call == "run_parallel":
        prompts = [prompt_for(index, lane) for index in indices]
        response = run_parallel(runnable, prompts, max_concurrency=concurrency, progress=False)
        return _from_parallel(lane, indices, response)
    with ThreadPoolExecutor(concurrency, thread_name_prefix="soak-stream") as pool:
        return list(pool.map(lambda index: _stream_one(runnable, lane, index), indices))


async def _async_lane(
    lane: Lane, runnable: Runnable[Any, Any], indices: Sequence[int], concurrency: int
) -> list[Outcome]:
    if lane.call == "arun_parallel":
        prompts = [prompt_for(index, lane) for index in indices]
        response = await arun_parallel(
            runnable, prompts, max_concurrency=concurrency, progress=False
        )
        return _from_parallel(lane, indices, response)
    semaphore = asyncio.Semaphore(concurrency)

    async def one(index: int) -> Outcome:
        async with semaphore:
            return await _astream_one(runnable, lane, index)

    return list(await asyncio.gather(*(one(index) for index in indices)))


def drive(url: str, n: int, concurrency: int) -> tuple[list[Outcome], dict[str, str]]:
    """Run `n` inputs over the eight lanes at once; return every outcome and lane crashes."""
    model = create_langchain_chatbedrock(
        ON_DEMAND_MODEL_ID, region_name=REGION, endpoint_url=url, **EMULATOR_CREDENTIALS
    )
    robust = with_bedrock_retry(model)
    indices = {lane: list(range(position, n, len(LANES))) for position, lane in enumerate(LANES)}

    def runnable(lane: Lane) -> Runnable[Any, Any]:
        return robust if lane.retry else model

    async def async_lanes() -> list[list[Outcome] | BaseException]:
        return await asyncio.gather(
            *(
                _async_lane(lane, runnable(lane), indices[lane], concurrency)
                for lane in LANES
                if lane.is_async
            ),
            return_exceptions=True,
        )

    outcomes: list[Outcome] = []
    crashes: dict[str, str] = {}

    def collect(lane: Lane, got: list[Outcome] | BaseException) -> None:
        if isinstance(got, BaseException):
            crashes[lane.name] = f"{type(got).__name__}: {got}"
        else:
            outcomes.extend(got)

    sync = [lane for lane in LANES if not lane.is_async]
    with ThreadPoolExecutor(len(sync), thread_name_prefix="soak-lane") as lanes:
        futures: dict[Lane, Future[list[Outcome]]] = {
            lane: lanes.submit(_sync_lane, lane, runnable(lane), indices[lane], concurrency)
            for lane in sync
        }
        for lane, got in zip(
            [lane for lane in LANES if lane.is_async], asyncio.run(async_lanes()), strict=True
        ):
            collect(lane, got)
        for lane, future in futures.items():
            error = future.exception()
            collect(lane, error if error is not None else future.result())
    return outcomes, crashes


# ------------------------------------------------------------------------ analysis


def _prompt_of(record: Mapping[str, Any]) -> str | None:
    body = record.get("body") or {}
    for message in body.get("messages", []):
        for block in message.get("content", []):
            if isinstance(block, Mapping) and isinstance(block.get("text"), str):
                return str(block["text"])
    return None


def _first_requests(records: Iterable[Mapping[str, Any]], n: int) -> dict[int, Mapping[str, Any]]:
    """Each input's first logged request body (its prompt alone if it sent nothing)."""
    index_of = _inputs_by_prompt(n)
    bodies: dict[int, Mapping[str, Any]] = {}
    for record in records:
        index = index_of.get(_prompt_of(record) or "")
        if index is not None and record.get("body"):
            bodies.setdefault(index, record["body"])
    for prompt, index in index_of.items():
        bodies.setdefault(index, {"messages": [{"role": "user", "content": [{"text": prompt}]}]})
    return dict(sorted(bodies.items()))


def references(url: str, bodies: Mapping[int, Mapping[str, Any]]) -> dict[int, str]:
    """Each input's reference reply: its request sent again to the fault-free emulator."""
    put_scenario(url, {})
    client = boto3.client(
        "bedrock-runtime",
        region_name=REGION,
        endpoint_url=url,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        **EMULATOR_CREDENTIALS,
    )

    def reply(body: Mapping[str, Any]) -> str:
        answer = client.converse(modelId=ON_DEMAND_MODEL_ID, **body)
        return "".join(block.get("text", "") for block in answer["output"]["message"]["content"])

    with ThreadPoolExecutor(8, thread_name_prefix="soak-replay") as pool:
        texts = pool.map(reply, bodies.values())
        return dict(zip(bodies, texts, strict=True))


def _error_name(error: BaseException, *, typed: bool) -> str:
    kind = type(error)
    return f"{kind.__module__}.{kind.__qualname__}{'' if typed else ' (untyped)'}"


def _outcome_label(outcome: Outcome, reference: str | None) -> str:
    if outcome.error is not None:
        return f"error {type(outcome.error).__name__}"
    return "ok" if outcome.text == reference else "wrong output"


@dataclass
class _Tally:
    inputs: int = 0
    accounted: int = 0
    succeeded: int = 0
    wrong_outputs: int = 0
    errors: int = 0
    typed_errors: int = 0
    duplicated: int = 0
    attempts_reported: int = 0
    unreported: int = 0
    attempts_in_log: int = 0


@dataclass
class _LogView:
    """The log's model requests, grouped by the input whose prompt they carry."""

    seen: dict[int, list[str]]
    """Per input, each request's outcome in arrival order: its error code, else its status."""
    unattributed: int
    """Requests whose prompt is no input's."""

    @classmethod
    def read(cls, records: Iterable[Mapping[str, Any]], n: int) -> _LogView:
        index_of = _inputs_by_prompt(n)
        seen: dict[int, list[str]] = defaultdict(list)
        unattributed = 0
        for record in records:
            index = index_of.get(_prompt_of(record) or "")
            if index is None:
                unattributed += 1
            else:
                seen[index].append(record["error_code"] or str(record["status"]))
        return cls(seen, unattributed)

    def requests(self, index: int) -> int:
        return len(self.seen.get(index, []))

    def answers(self, index: int) -> int:
        """Complete answers: status 200 and no error code (a mid-stream one included)."""
        return self.seen.get(index, []).count("200")


def analyse(
    n: int,
    outcomes: Iterable[Outcome],
    records: Sequence[Mapping[str, Any]],
    reference_texts: Mapping[int, str],
) -> dict[str, Any]:
    """Count every input against the targets; see the module docstring for the definitions."""
    log = _LogView.read(records, n)
    by_input: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_input[outcome.index].append(outcome)
    tallies = {lane.name: _Tally() for lane in LANES}
    error_types: dict[str, Counter[str]] = defaultdict(Counter)
    error_samples: dict[str, str] = {}
    mismatches: Counter[tuple[str, str, int, str]] = Counter()
    duplicates: list[dict[str, Any]] = []
    wrong: list[dict[str, Any]] = []
    for index in range(n):
        lane = LANES[index % len(LANES)]
        tally = tallies[lane.name]
        got = by_input.get(index, [])
        reference = reference_texts.get(index)
        tally.inputs += 1
        tally.accounted += len(got) == 1
        tally.succeeded += len(got) == 1 and got[0].error is None and got[0].text == reference
        tally.attempts_in_log += log.requests(index)
        reported = sum(outcome.attempts or 0 for outcome in got)
        tally.attempts_reported += reported
        tally.unreported += sum(outcome.attempts is None for outcome in got)
        for outcome in got:
            if outcome.error is not None:
                typed = isinstance(outcome.error, BedrockEnhancedError)
                tally.errors += 1
                tally.typed_errors += typed
                name = _error_name(outcome.error, typed=typed)
                error_types[lane.name][name] += 1
                error_samples.setdefault(name, str(outcome.error)[:300])
            elif outcome.text != reference:
                tally.wrong_outputs += 1
                wrong.append({"input": index, "lane": lane.name, "text": outcome.text})
        repeated_text = any(
            outcome.text is not None
            and outcome.text != reference
            and outcome.text.count(REPLY_OPENING) > 1
            for outcome in got
        )
        if repeated_text or log.answers(index) > 1 or len(got) > 1:
            tally.duplicated += 1
            duplicates.append(
                {
                    "input": index,
                    "lane": lane.name,
                    "repeated_text": repeated_text,
                    "complete_answers_in_log": log.answers(index),
                    "outcomes": len(got),
                }
            )
        if reported != log.requests(index):
            label = ", ".join(_outcome_label(outcome, reference) for outcome in got) or "none"
            mismatches[(lane.name, label, reported, " > ".join(log.seen.get(index, [])))] += 1

    total = _Tally()
    for tally in tallies.values():
        for key, value in vars(tally).items():
            setattr(total, key, getattr(total, key) + value)
    total.attempts_in_log += log.unattributed
    faults = Counter(record["error_code"] or "none" for record in records)
    streams = sum(1 for record in records if record["operation"] == "ConverseStream")
    return {
        "inputs": n,
        "totals": vars(total),
        "lanes": {name: vars(tally) for name, tally in tallies.items()},
        "error_types": {lane: dict(counts) for lane, counts in error_types.items()},
        "error_samples": error_samples,
        "attempt_mismatches": [
            {"lane": lane, "outcome": label, "reported": reported, "log": log, "inputs": k}
            for (lane, label, reported, log), k in sorted(
                mismatches.items(), key=lambda item: (-item[1], item[0])
            )
        ],
        "duplicates": duplicates,
        "wrong_outputs": wrong[:20],
        "log": {
            "model_requests": len(records),
            "unattributed": log.unattributed,
            "stream_requests": streams,
            "outcomes": dict(faults),
        },
        "targets": _targets(total),
    }


def _targets(total: _Tally) -> dict[str, dict[str, Any]]:
    n = total.inputs
    return {
        "accounted": {
            "value": f"{total.accounted} / {n} ({_percent(total.accounted, n)})",
            "target": "100 %",
            "passed": total.accounted == n,
        },
        "succeeded": {
            "value": f"{total.succeeded} / {n} ({_percent(total.succeeded, n)})",
            "target": f">= {SUCCESS_TARGET * 100:g} %",
            "passed": total.succeeded >= SUCCESS_TARGET * n,
        },
        "typed_errors": {
            "value": f"{total.typed_errors} / {total.errors} ({_percent(total.typed_errors, total.errors)})",  # noqa: E501
            "target": "100 %",
            "passed": total.typed_errors == total.errors,
        },
        "duplicates": {
            "value": str(total.duplicated),
            "target": "0",
            "passed": total.duplicated == 0,
        },
        "attempts": {
            "value": f"{total.attempts_reported} reported / {total.attempts_in_log} in the log",
            "target": "equal",
            "passed": total.attempts_reported == total.attempts_in_log,
        },
    }


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


# ---------------------------------------------------------------------------- run


def run(
    *, n: int = DEFAULT_INPUTS, concurrency: int = DEFAULT_CONCURRENCY, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """Start the faulty emulator, run the soak, and return the report (JSON-ready)."""
    scenario = fault_scenario(seed)
    # A dropped connection is an exception inside the emulator, which aiohttp logs with
    # its traceback: expected here, so the emulator logs only what is critical.
    quiet = ("--log-level", "CRITICAL")
    with scenario_file(scenario) as path, emulator_process("--scenario", str(path), *quiet) as url:
        started = time.perf_counter()
        outcomes, crashes = drive(url, n, concurrency)
        wall_s = time.perf_counter() - started
        records = model_call_records(url)
        reference_texts = references(url, _first_requests(records, n))
    report = analyse(n, outcomes, records, reference_texts)
    report["lane_crashes"] = crashes
    report["settings"] = {
        "inputs": n,
        "concurrency_per_lane": concurrency,
        "seed": seed,
        "model_id": ON_DEMAND_MODEL_ID,
        "region": REGION,
        "lanes": [lane.name for lane in LANES],
        "scenario": scenario,
    }
    report["wall_s"] = round(wall_s, 3)
    return report


def render(report: dict[str, Any], say: Callable[[str], None] = print) -> None:
    """Print the report: per-lane counts, the log, the evidence, then the targets."""
    settings = report["settings"]
    say(
        f"Soak: {settings['inputs']} inputs over {len(settings['lanes'])} lanes "
        f"({settings['concurrency_per_lane']} in flight each), seed {settings['seed']}, "
        f"{report['wall_s']:.1f} s"
    )
    header = f"  {'lane':<22}{'inputs':>7}{'ok':>6}{'wrong':>6}{'errors':>7}{'typed':>6}"
    say(header + f"{'dup':>5}{'reported':>9}{'unrep.':>7}{'log':>6}")
    rows = {**report["lanes"], "all": report["totals"]}
    for name, t in rows.items():
        say(
            f"  {name:<22}{t['inputs']:>7}{t['succeeded']:>6}{t['wrong_outputs']:>6}"
            f"{t['errors']:>7}{t['typed_errors']:>6}{t['duplicated']:>5}"
            f"{t['attempts_reported']:>9}{t['unreported']:>7}{t['attempts_in_log']:>6}"
        )
    log = report["log"]
    outcomes = ", ".join(f"{code}: {count}" for code, count in sorted(log["outcomes"].items()))
    say(
        f"  emulator log: {log['model_requests']} model requests "
        f"({log['stream_requests']} streams, {log['unattributed']} unattributed): {outcomes}"
    )
    for lane, counts in report["error_types"].items():
        ranked = sorted(counts.items(), key=lambda item: -item[1])
        listing = ", ".join(f"{name}: {count}" for name, count in ranked)
        say(f"  errors, {lane}: {listing}")
    patterns: dict[tuple[str, int, str], tuple[int, list[str]]] = {}
    for row in report["attempt_mismatches"]:
        key = (row["outcome"], row["reported"], row["log"] or "nothing")
        count, lanes = patterns.get(key, (0, []))
        patterns[key] = (count + row["inputs"], [*lanes, row["lane"]])
    say("  inputs whose reported attempts differ from the log (outcome; reported; log):")
    for (outcome, reported, log_seen), (count, lanes) in sorted(
        patterns.items(), key=lambda item: -item[1][0]
    ):
        say(f"    {count:>4} x {outcome}; {reported}; {log_seen}  ({', '.join(lanes)})")
    for name, crash in report["lane_crashes"].items():
        say(f"  LANE CRASHED, {name}: {crash}")
    say("Targets:")
    missed = []
    for name, target in report["targets"].items():
        mark = "PASS" if target["passed"] else "MISS"
        if not target["passed"]:
            missed.append(name)
        say(f"  [{mark}] {name:<13}{target['value']:<42} target {target['target']}")
    if missed:
        say(f"{len(missed)} of {len(report['targets'])} targets missed: {', '.join(missed)}")
    else:
        say("Every target met.")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak")
    parser.add_argument("--inputs", type=int, default=DEFAULT_INPUTS)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    report = run(n=args.inputs, concurrency=args.concurrency, seed=args.seed)
    render(report)
    print(f"written to {write_json_result(RESULT_FILE, report)}")


if __name__ == "__main__":
    main()
