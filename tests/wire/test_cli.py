"""The command line as a user runs it: a subprocess, its output and its exit code.

Commands that need a server get an in-process emulator through `--endpoint-url`.
Every command starts at once when the module's first test asks for them (each
process spends most of its time importing), and each test reads its own result.
Each command works in its own region, so the emulator's log tells them apart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import langchain_bedrock_enhanced
from langchain_bedrock_enhanced.access import AccessMethodPreference, JsonFilePreferenceStore
from langchain_bedrock_enhanced.emulator import BedrockEmulator

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
PROG = "langchain-bedrock-enhanced"
REFUSED_REGION = "eu-west-2"
"""The emulator denies `ListFoundationModels` here."""
SCRIPT = Path(sys.executable).with_name(PROG)
NOVA = "us.amazon.nova-lite-v1:0"
TRIP_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
    "required": ["city", "days"],
}


@dataclass(frozen=True)
class Ran:
    """What one command did."""

    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        assert self.returncode == 0, self.stderr
        return json.loads(self.stdout)


@dataclass(frozen=True)
class Session:
    """The emulator the commands talked to, and what each command did."""

    emulator: BedrockEmulator
    ran: Mapping[str, Ran]
    cache_dir: Path

    def operations(self, name: str, regions: set[str]) -> list[str]:
        seen = (r.region for r in self.emulator.requests if r.operation == name)
        return sorted(region for region in seen if region in regions)


def _environment(base: Path) -> dict[str, str]:
    # Module-scoped, so conftest's per-test environment is not in place yet: build the
    # same isolation (fake credentials, no AWS config, a fresh cache) explicitly.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "LANGCHAIN_BEDROCK_ENHANCED_"))
    }
    (base / "aws").mkdir()
    env.update(
        AWS_ACCESS_KEY_ID="AKIDEXAMPLETESTKEY01",
        AWS_SECRET_ACCESS_KEY="emulator-secret-key-for-tests-only",  # noqa: S106 - fake
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(base / "aws" / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(base / "aws" / "credentials"),
        LANGCHAIN_BEDROCK_ENHANCED_CACHE_DIR=str(base / "cache"),
    )
    return env


def _preference_file(path: Path) -> Path:
    store = JsonFilePreferenceStore(path)
    store.put(
        SONNET,
        "eu-west-1",
        AccessMethodPreference(
            prefer_regional_cris=True, learned_from_error=True, profile_id=f"eu.{SONNET}"
        ),
    )
    store.put("amazon.nova-pro-v1:0", "us-east-1", AccessMethodPreference(prefer_direct=True))
    return path


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    base = tmp_path_factory.mktemp("cli")
    env = _environment(base)
    prefs = _preference_file(base / "prefs.json")
    schema = base / "trip.json"
    schema.write_text(json.dumps(TRIP_SCHEMA), encoding="utf-8")
    refused = {"operation": "ListFoundationModels", "region": REFUSED_REGION}
    with BedrockEmulator(
        scenario={"faults": [{"match": refused, "error": "AccessDeniedException"}]}
    ) as emu:
        url = emu.endpoint_url
        commands: dict[str, list[str]] = {
            "version": ["--version"],
            "emulator help": ["emulator", "--help"],
            "models snapshot": ["models", "--family", "claude", "--region", "eu-west-1", "--json"],
            "models live": [
                "models", "--region", "ap-northeast-1", "--endpoint-url", url, "--json",
            ],
            "catalog show": ["catalog", "show", "--region", "ca-central-1", "--endpoint-url", url],
            "catalog refresh": [
                "catalog", "refresh", "--region", "us-east-2", "--region", "eu-central-1",
                "--endpoint-url", url, "--json",
            ],
            "refresh refused": [
                "catalog", "refresh", "--region", REFUSED_REGION, "--endpoint-url", url,
            ],
            "stats": ["stats", "--store", str(prefs), "--json"],
            "error": ["stats", "--store", str(base / "missing.json")],
            "generate": ["generate", "Hello there", "--model", NOVA, "--endpoint-url", url],
            "generate stream": [
                "generate", "Hello there", "--model", NOVA, "--region", "us-west-2", "--stream",
                "--endpoint-url", url,
            ],
            "generate schema": [
                "generate", "Plan a trip", "--model", NOVA, "--region", "us-east-2",
                "--schema", str(schema), "--endpoint-url", url,
            ],
            "generate invoke": [
                "generate", "Hello there", "--model", "us.meta.llama3-3-70b-instruct-v1:0",
                "--api", "invoke", "--endpoint-url", url,
            ],
            "generate without a model": ["generate", "Hello there", "--endpoint-url", url],
            "demo": ["demo"],
        }  # fmt: skip
        argvs = {name: [sys.executable, "-m", "langchain_bedrock_enhanced", *args]
                 for name, args in commands.items()}  # fmt: skip
        if SCRIPT.exists():
            argvs["console script"] = [str(SCRIPT), "--version"]
        processes = {
            name: subprocess.Popen(  # noqa: S603 - our own interpreter and command
                argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
            )
            for name, argv in argvs.items()
        }
        ran = {}
        for name, process in processes.items():
            stdout, stderr = process.communicate(timeout=180)
            ran[name] = Ran(process.returncode, stdout, stderr)
        yield Session(emu, ran, base / "cache")


def test_python_m_prints_the_package_version(session: Session) -> None:
    ran = session.ran["version"]

    assert ran.returncode == 0
    assert ran.stdout == f"{PROG} {langchain_bedrock_enhanced.__version__}\n"


def test_the_console_script_runs_the_same_command(session: Session) -> None:
    if "console script" not in session.ran:
        pytest.skip("the package is not installed with its console script")

    assert session.ran["console script"].stdout == session.ran["version"].stdout


def test_emulator_help_names_the_command_it_was_started_from(session: Session) -> None:
    ran = session.ran["emulator help"]

    assert ran.returncode == 0
    assert ran.stdout.startswith(f"usage: {PROG} emulator ")
    assert "--scenario" in ran.stdout
    assert "python -m" not in ran.stdout


def test_models_lists_a_family_with_access_methods_from_the_bundled_snapshot(
    session: Session,
) -> None:
    document = session.ran["models snapshot"].json()

    assert document["region"] == "eu-west-1"
    assert document["catalog_source"] == "snapshot"
    assert {row["family"] for row in document["models"]} == {"claude"}
    sonnet = next(row for row in document["models"] if row["model_id"] == SONNET)
    assert sonnet["lifecycle"] == "ACTIVE"
    assert sonnet["access_methods"] == ["regional_cris", "global_cris"]
    assert sonnet["profiles"] == {"eu": f"eu.{SONNET}", "global": f"global.{SONNET}"}


def test_models_with_an_endpoint_asks_that_server(session: Session) -> None:
    document = session.ran["models live"].json()

    assert document["catalog_source"] == "live"
    assert {"claude", "nova", "llama", "mistral"} <= {row["family"] for row in document["models"]}
    assert session.operations("ListFoundationModels", {"ap-northeast-1"}) == ["ap-northeast-1"]


def test_catalog_show_prints_a_table_of_what_the_region_offers(session: Session) -> None:
    ran = session.ran["catalog show"]

    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert lines[0].startswith("Catalog for ca-central-1: source live, fetched ")
    assert lines[1].split() == ["MODEL", "ID", "LIFECYCLE", "ON", "DEMAND", "PROFILES"]
    assert lines[-1].endswith(" inference profiles")
    assert session.operations("ListInferenceProfiles", {"ca-central-1"}) == ["ca-central-1"]


def test_catalog_refresh_discovers_each_region_and_writes_the_cache(session: Session) -> None:
    document = session.ran["catalog refresh"].json()

    assert document["regions"] == {"us-east-2": "live", "eu-central-1": "live"}
    cache_dir = Path(document["cache_dir"])
    assert cache_dir.is_relative_to(session.cache_dir)
    assert sorted(p.name for p in cache_dir.glob("*.json")) == [
        "eu-central-1.json",
        "us-east-2.json",
    ]
    regions = {"us-east-2", "eu-central-1"}
    assert session.operations("ListFoundationModels", regions) == ["eu-central-1", "us-east-2"]


def test_a_refresh_that_gets_no_live_data_exits_1_and_keeps_older_data(
    session: Session,
) -> None:
    ran = session.ran["refresh refused"]

    assert ran.returncode == 1
    assert ran.stdout.splitlines()[0] == f"{REFUSED_REGION}: snapshot"
    assert "AccessDeniedException" in ran.stderr
    assert ran.stderr.splitlines()[-1] == (
        f"{PROG}: error: discovery failed in {REFUSED_REGION}; the catalog keeps older data. "
        "Check the AWS credentials, region and endpoint."
    )


def test_stats_reports_what_a_preference_file_learned(session: Session) -> None:
    document = session.ran["stats"].json()

    assert document["statistics"]["by_method"] == {"direct": 1, "regional_cris": 1}
    assert document["statistics"]["require_profile"] == 1
    assert [(p["model_id"], p["preferred_method"]) for p in document["preferences"]] == [
        ("amazon.nova-pro-v1:0", "direct"),
        (SONNET, "regional_cris"),
    ]


def test_an_error_is_one_line_on_stderr_and_exit_code_1(session: Session) -> None:
    ran = session.ran["error"]

    assert ran.returncode == 1
    assert ran.stdout == ""
    assert ran.stderr.count("\n") == 1
    assert ran.stderr.startswith(f"{PROG}: error: No preference file")


def _model_calls(session: Session, operation: str) -> list[tuple[str | None, str, int]]:
    return [
        (r.model_id, r.region, r.status) for r in session.emulator.requests
        if r.operation == operation
    ]  # fmt: skip


def test_generate_prints_the_answer(session: Session) -> None:
    ran = session.ran["generate"]
    assert ran.returncode == 0, ran.stderr
    assert "Hello there" in ran.stdout
    assert (NOVA, "us-east-1", 200) in _model_calls(session, "Converse")


def test_generate_stream_prints_the_streamed_answer(session: Session) -> None:
    ran = session.ran["generate stream"]
    assert ran.returncode == 0, ran.stderr
    assert "Hello there" in ran.stdout
    assert _model_calls(session, "ConverseStream") == [(NOVA, "us-west-2", 200)]


def test_generate_schema_prints_json_valid_for_the_schema(session: Session) -> None:
    answer = session.ran["generate schema"].json()
    assert isinstance(answer["city"], str)
    assert answer["days"] >= 1
    assert (NOVA, "us-east-2", 200) in _model_calls(session, "Converse")


def test_generate_api_invoke_sends_invoke_model(session: Session) -> None:
    ran = session.ran["generate invoke"]
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip()
    assert _model_calls(session, "InvokeModel") == [
        ("us.meta.llama3-3-70b-instruct-v1:0", "us-east-1", 200)
    ]


def test_generate_without_a_model_names_the_variable_in_one_line(session: Session) -> None:
    ran = session.ran["generate without a model"]
    assert ran.returncode == 1
    assert ran.stdout == ""
    assert ran.stderr.count("\n") == 1
    assert "BEDROCK_MODEL_ID" in ran.stderr


def test_demo_runs_each_family_then_the_llm_client(session: Session) -> None:
    ran = session.ran["demo"]
    assert ran.returncode == 0, ran.stderr
    for family in ("Claude", "Nova", "Llama", "Mistral"):
        assert f"{family}EnhancedChatBedrockConverse" in ran.stdout
    assert "BedrockLLMClient (us.amazon.nova-lite-v1:0), no LCEL" in ran.stdout
    structured = next(line for line in ran.stdout.splitlines() if "generate_structured" in line)
    assert "'city': " in structured
    assert "'days': " in structured
