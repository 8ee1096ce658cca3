"""The soak of `make soak`, bounded: 200 inputs, the same lanes, fault mix and seed.

One run (module-scoped, the emulator in its own process, as `make soak` starts it) is
shared by one test per target. `benchmarks/soak.py` defines what each count means.
No time is asserted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytest_socket import socket_allow_hosts

from benchmarks import soak
from langchain_bedrock_enhanced import factory
from langchain_bedrock_enhanced.access import AccessMethodTracker

pytestmark = pytest.mark.emulator

INPUTS = 200
"""25 inputs per lane. With the soak's seed, about 240 requests: some 25 throttled, 12
answered 503, 2 dropped and 2 streams broken, so every kind of fault occurs."""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    # Module-scoped, so the suite's function-scoped isolation has not run yet: the
    # same isolation here (no AWS configuration, nothing learned, a private catalog
    # cache), and loopback only.
    socket_allow_hosts(["127.0.0.1", "::1", "localhost"], allow_unix_socket=True)
    empty = tmp_path_factory.mktemp("soak-no-aws-config")
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK", "AWS_SESSION_TOKEN"):
            patch.delenv(name, raising=False)
        for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_REGION"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        patch.setenv(
            "LANGCHAIN_BEDROCK_ENHANCED_CACHE_DIR", str(tmp_path_factory.mktemp("soak-cache"))
        )
        patch.setattr(factory, "_CATALOGS", {})
        AccessMethodTracker.reset_instance()
        yield soak.run(n=INPUTS)
        AccessMethodTracker.reset_instance()


def evidence(report: dict[str, Any]) -> str:
    """What a failure message shows: errors by lane and the attempt mismatches."""
    return (
        f"totals: {report['totals']}\nerrors: {report['error_types']}\n"
        f"attempt mismatches: {report['attempt_mismatches']}\n"
        f"duplicates: {report['duplicates']}\nwrong outputs: {report['wrong_outputs']}\n"
        f"lane crashes: {report['lane_crashes']}"
    )


def test_soak_accounts_for_every_input_exactly_once(report: dict[str, Any]) -> None:
    assert report["lane_crashes"] == {}, evidence(report)
    assert report["totals"]["accounted"] == INPUTS, evidence(report)
    assert {lane: t["accounted"] for lane, t in report["lanes"].items()} == {
        lane.name: INPUTS // len(soak.LANES) for lane in soak.LANES
    }


def test_soak_succeeds_for_at_least_95_percent_of_inputs(report: dict[str, Any]) -> None:
    # `make soak` aims at 99 % of 2,000. At 200 inputs one failure is 0.5 %, and the
    # few faults that beat every retry land on a handful of inputs, varying with arrival
    # order: 99 % would fail on noise. 95 % (at most 10 failures) still catches a path
    # that stops recovering, since each lane is one eighth of the inputs.
    assert report["totals"]["succeeded"] >= 0.95 * INPUTS, evidence(report)


def test_soak_errors_are_all_typed(report: dict[str, Any]) -> None:
    totals = report["totals"]
    assert totals["typed_errors"] == totals["errors"], evidence(report)


def test_soak_duplicates_no_output_and_answers_no_input_twice(report: dict[str, Any]) -> None:
    assert report["totals"]["duplicated"] == 0, evidence(report)
    assert report["duplicates"] == []


def test_soak_reports_every_request_the_emulator_logged(report: dict[str, Any]) -> None:
    totals = report["totals"]
    assert totals["attempts_reported"] == totals["attempts_in_log"], evidence(report)
