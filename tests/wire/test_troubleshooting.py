"""Every Bedrock message quoted in docs/troubleshooting.md is what the emulator sends.

The page marks each quote with `<!-- bedrock-error: Code -->` above a fenced `text`
block. Each quote is provoked here through real boto3, the way a user meets it, and its
code and text must match byte for byte. A quote added to the page without a way to
provoke it here fails the test, and so does a provocation whose quote was removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from langchain_bedrock_enhanced.emulator import DEFAULT_ACCESS_KEY_ID, BedrockEmulator
from tests.wire.conftest import make_client

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "troubleshooting.md"
QUOTE = re.compile(r"^<!-- bedrock-error: (\w+) -->\n```text\n(.*?)\n```$", re.MULTILINE)
SONNET_4_5 = "anthropic.claude-sonnet-4-5-20250929-v1:0"


def slug(heading: str) -> str:
    """The anchor MkDocs and GitHub both give a heading of words, spaces and hyphens."""
    return re.sub(r"[\s]+", "-", re.sub(r"[^\w\s-]", "", heading).strip().lower())


def quoted_errors() -> list[tuple[str, str, str]]:
    """`(section anchor, error code, message)` of every marked quote, in page order."""
    found = []
    for section in re.split(r"^## ", PAGE.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]:
        heading = section.split("\n", 1)[0]
        found += [(slug(heading), code, text) for code, text in QUOTE.findall(section)]
    return found


def converse(url: str, model_id: str, region: str = "us-east-1", **client: Any) -> None:
    make_client(url, region=region, **client).converse(
        modelId=model_id, messages=[{"role": "user", "content": [{"text": "Hello"}]}]
    )


def stream(url: str, model_id: str) -> None:
    reply = make_client(url).converse_stream(
        modelId=model_id, messages=[{"role": "user", "content": [{"text": "Hello there"}]}]
    )
    for _ in reply["stream"]:
        pass


@pytest.fixture
def started() -> Iterator[Callable[..., str]]:
    """`started(**emulator_options)` starts an emulator and returns its URL."""
    running: list[BedrockEmulator] = []

    def start(**options: Any) -> str:
        emulator = BedrockEmulator(**options)
        running.append(emulator)
        return emulator.start()

    yield start
    for emulator in running:
        emulator.stop()


def _profile_required(start: Callable[..., str]) -> None:
    converse(start(), SONNET_4_5)


def _profile_from_another_geography(start: Callable[..., str]) -> None:
    converse(start(), f"apac.{SONNET_4_5}")


def _model_not_in_region(start: Callable[..., str]) -> None:
    converse(start(), "amazon.nova-pro-v1:0", region="sa-east-1")


def _end_of_life(start: Callable[..., str]) -> None:
    converse(start(), "anthropic.claude-3-sonnet-20240229-v1:0")


def _legacy_inactive(start: Callable[..., str]) -> None:
    converse(start(), "us.anthropic.claude-opus-4-1-20250805-v1:0")


def _request_quota(start: Callable[..., str]) -> None:
    url = start(scenario={"quota": {"requests_per_minute": 1}})
    converse(url, "amazon.nova-pro-v1:0")
    converse(url, "amazon.nova-pro-v1:0")


def _token_quota(start: Callable[..., str]) -> None:
    url = start(scenario={"quota": {"tokens_per_minute": 10}})
    converse(url, "amazon.nova-pro-v1:0")
    converse(url, "amazon.nova-pro-v1:0")


def _model_access_denied(start: Callable[..., str]) -> None:
    # The emulator has no account whose model access is missing; the scenario fault
    # sends the code with the emulator's default text for it, which is the quote.
    url = start(scenario={"faults": [{"match": {}, "error": "AccessDeniedException"}]})
    converse(url, "amazon.nova-pro-v1:0")


def _unknown_access_key(start: Callable[..., str]) -> None:
    url = start(verify_signatures=True)
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="AKIDNOTKNOWNTOAWS000",
        aws_secret_access_key="any-secret",  # noqa: S106 - a fake key
        config=Config(retries={"total_max_attempts": 1}),
    )
    client.converse(
        modelId="amazon.nova-pro-v1:0", messages=[{"role": "user", "content": [{"text": "Hi"}]}]
    )


def _wrong_secret_key(start: Callable[..., str]) -> None:
    url = start(verify_signatures=True)
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id=DEFAULT_ACCESS_KEY_ID,
        aws_secret_access_key="not-the-secret",  # noqa: S106 - a wrong key on purpose
        config=Config(retries={"total_max_attempts": 1}),
    )
    client.converse(
        modelId="amazon.nova-pro-v1:0", messages=[{"role": "user", "content": [{"text": "Hi"}]}]
    )


def _unsigned(start: Callable[..., str]) -> None:
    converse(start(verify_signatures=True), "amazon.nova-pro-v1:0", signature_version=UNSIGNED)


def _stream_broken_midway(start: Callable[..., str]) -> None:
    fault = {
        "match": {"operation": "ConverseStream"},
        "mid_stream": "ServiceUnavailableException",
        "after_events": 3,
    }
    stream(start(scenario={"faults": [fault]}), "amazon.nova-pro-v1:0")


PROVOKE: dict[tuple[str, str], Callable[[Callable[..., str]], None]] = {
    ("invocation-with-on-demand-throughput-is-not-supported", "ValidationException"): (
        _profile_required
    ),
    ("the-provided-model-identifier-is-invalid", "ValidationException"): (
        _profile_from_another_geography
    ),
    ("a-model-not-offered-in-the-region", "ValidationException"): _model_not_in_region,
    ("end-of-life-and-legacy-models", "ResourceNotFoundException"): _end_of_life,
    ("throttling-and-quotas", "ThrottlingException"): _request_quota,
    ("access-denied-and-model-access", "AccessDeniedException"): _model_access_denied,
    ("credentials-missing-invalid-or-from-the-wrong-profile", "UnrecognizedClientException"): (
        _unknown_access_key
    ),
    ("the-emulator", "InvalidSignatureException"): _wrong_secret_key,
    ("the-emulator", "MissingAuthenticationTokenException"): _unsigned,
    ("a-stream-interrupted-mid-way", "serviceUnavailableException"): _stream_broken_midway,
}
"""How to provoke the first quote of each (section, code); see SECOND for the others."""

SECOND: dict[tuple[str, str], Callable[[Callable[..., str]], None]] = {
    ("end-of-life-and-legacy-models", "ResourceNotFoundException"): _legacy_inactive,
    ("throttling-and-quotas", "ThrottlingException"): _token_quota,
}
"""Sections that quote two messages under one code."""


def provocations() -> list[tuple[str, str, str, Callable[[Callable[..., str]], None]]]:
    seen: set[tuple[str, str]] = set()
    cases = []
    for anchor, code, text in quoted_errors():
        key = (anchor, code)
        table = SECOND if key in seen else PROVOKE
        seen.add(key)
        cases.append((anchor, code, text, table[key]))
    return cases


def test_every_entry_an_error_message_points_to_exists() -> None:
    headings = re.findall(r"^## (.+)$", PAGE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    anchors = {slug(heading) for heading in headings}
    sources = (ROOT / "langchain_bedrock_enhanced").rglob("*.py")
    linked = {
        anchor
        for source in sources
        for anchor in re.findall(r"see_troubleshooting\(\s*[\"']([\w-]+)[\"']", source.read_text())
    }

    assert linked  # the errors do link here
    assert linked <= anchors, sorted(linked - anchors)


def test_every_quote_on_the_page_has_a_provocation_here_and_back() -> None:
    keys = [(anchor, code) for anchor, code, _ in quoted_errors()]
    assert set(keys) == set(PROVOKE)
    assert sorted(key for key in set(keys) if keys.count(key) == 2) == sorted(SECOND)
    assert all(keys.count(key) <= 2 for key in keys)


@pytest.mark.parametrize(
    ("anchor", "code", "text", "provoke"),
    provocations(),
    ids=[f"{anchor}:{code}:{text[:24]}" for anchor, code, text, _ in provocations()],
)
def test_the_quoted_message_is_what_the_emulator_sends(
    started: Callable[..., str],
    anchor: str,
    code: str,
    text: str,
    provoke: Callable[[Callable[..., str]], None],
) -> None:
    with pytest.raises(ClientError) as info:
        provoke(started)

    error = info.value.response["Error"]
    assert (error["Code"], error["Message"]) == (code, text), anchor
