"""The command line in process: argument parsing, formatting and exit codes (no sockets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import langchain_bedrock_enhanced
from langchain_bedrock_enhanced import cli
from langchain_bedrock_enhanced.access import AccessMethodPreference, JsonFilePreferenceStore
from langchain_bedrock_enhanced.errors import ConfigurationError

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`main(argv)`: its exit code (returned or raised by argparse), stdout and stderr."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# Parsing -----------------------------------------------------------------


def test_models_options_are_parsed() -> None:
    args = cli._parser().parse_args(
        ["models", "--family", "nova", "--region", "eu-west-1", "--json", "--endpoint-url", "u"]
    )

    assert (args.family, args.region, args.json, args.endpoint_url) == (
        "nova",
        "eu-west-1",
        True,
        "u",
    )


def test_debug_is_accepted_before_and_after_the_subcommand() -> None:
    parse = cli._parser().parse_args

    assert parse(["--debug", "stats", "--store", "p"]).debug is True
    assert parse(["stats", "--store", "p", "--debug"]).debug is True
    assert parse(["stats", "--store", "p"]).debug is False


def test_catalog_refresh_takes_several_regions() -> None:
    args = cli._parser().parse_args(
        ["catalog", "refresh", "--region", "us-east-1", "--region", "eu-west-1"]
    )

    assert (args.command, args.action, args.region) == (
        "catalog",
        "refresh",
        ["us-east-1", "eu-west-1"],
    )


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (
        0,
        f"langchain-bedrock-enhanced {langchain_bedrock_enhanced.__version__}\n",
        "",
    )


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["models", "--no-such-option"],
        ["stats"],
        ["catalog"],
        ["catalog", "show", "--region"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)

    assert code == 2
    assert out == ""
    assert "usage: langchain-bedrock-enhanced" in err


def test_emulator_help_names_this_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "emulator", "--help")

    assert code == 0
    assert out.startswith("usage: langchain-bedrock-enhanced emulator [-h] [--host HOST]")


def test_an_emulator_usage_error_names_this_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "emulator", "--port", "not-a-number")

    assert code == 2
    assert "langchain-bedrock-enhanced emulator: error: argument --port" in err


def test_region_comes_from_the_argument_before_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-3")

    assert cli.resolve_region("ap-south-1") == "ap-south-1"


def test_region_comes_from_aws_region_before_aws_default_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")

    assert cli.resolve_region(None) == "eu-west-3"


def test_region_falls_back_to_aws_default_region_then_us_east_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    assert cli.resolve_region(None) == "us-west-2"

    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert cli.resolve_region(None) == "us-east-1"


# models ------------------------------------------------------------------


def test_access_methods_follow_the_default_order() -> None:
    row = cli.ModelRow(
        "m", "nova", "ACTIVE", on_demand=True, profiles={"global": "global.m", "us": "us.m"}
    )

    assert row.access_methods == ("direct", "regional_cris", "global_cris")


def test_a_model_the_region_does_not_list_has_no_access_method() -> None:
    row = cli.ModelRow("m", "nova", None, None)

    assert row.access_methods == ()
    assert "not offered here" in cli.format_models([row], "us-east-1", "snapshot")


def test_models_keep_only_the_family_asked_for() -> None:
    rows = cli.model_rows(cli.open_catalog(None), "us-east-1", family="mistral")

    assert rows
    assert {row.family for row in rows} == {"mistral"}
    assert [row.model_id for row in rows] == sorted(row.model_id for row in rows)


def test_an_unknown_family_names_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match="claude, llama, mistral, nova"):
        cli.model_rows(cli.open_catalog(None), "us-east-1", family="gpt")


def test_models_json_is_one_document_from_the_snapshot(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "models", "--region", "eu-west-1", "--json")

    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["catalog_source"] == "snapshot"
    sonnet = next(row for row in document["models"] if row["model_id"] == SONNET)
    assert (sonnet["family"], sonnet["on_demand"]) == ("claude", False)


def test_models_mark_legacy_and_end_of_life_models_with_their_eol_date() -> None:
    rows = {row.model_id: row for row in cli.model_rows(cli.open_catalog(None), "us-east-1")}

    retired = rows["anthropic.claude-3-sonnet-20240229-v1:0"]
    assert (retired.state, retired.end_of_life) == ("end_of_life", "2026-07-30")
    assert retired.lifecycle_label == "END OF LIFE 2026-07-30"
    assert retired.replacement == "Claude Sonnet 5 / 4.6"
    legacy = rows["anthropic.claude-3-haiku-20240307-v1:0"]
    assert legacy.lifecycle_label == "LEGACY, EOL not announced"
    dated = cli.ModelRow("m", "claude", "LEGACY", None, state="legacy", end_of_life="2027-01-08")
    assert dated.lifecycle_label == "LEGACY, EOL 2027-01-08"
    assert rows["amazon.nova-pro-v1:0"].lifecycle_label == "ACTIVE"


def test_models_json_carries_the_lifecycle_state_and_eol_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "models", "--region", "us-east-1", "--family", "nova", "--json")

    assert code == 0
    rows = {row["model_id"]: row for row in json.loads(out)["models"]}
    premier = rows["amazon.nova-premier-v1:0"]
    assert (premier["lifecycle"], premier["state"], premier["end_of_life"]) == (
        "LEGACY",
        "end_of_life",
        "2026-09-14",
    )
    assert premier["replacement"] == "Nova 2 Pro (Preview)"
    assert rows["amazon.nova-pro-v1:0"]["state"] == "active"


def test_an_unknown_family_is_one_line_and_exit_code_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "models", "--family", "gpt")

    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith("langchain-bedrock-enhanced: error: No model family is called 'gpt'")


# catalog -----------------------------------------------------------------


def test_catalog_show_json_lists_models_and_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalog", "show", "--region", "eu-west-1", "--json")

    document = json.loads(out)
    assert code == 0
    assert (document["region"], document["source"]) == ("eu-west-1", "snapshot")
    sonnet = next(m for m in document["models"] if m["model_id"] == SONNET)
    assert sonnet["profiles"] == {"eu": f"eu.{SONNET}", "global": f"global.{SONNET}"}
    assert any(p["profile_id"] == f"eu.{SONNET}" for p in document["profiles"])


def test_catalog_show_table_marks_what_needs_a_profile(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "catalog", "show", "--region", "eu-west-1")

    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith(SONNET))
    assert row.split() == [SONNET, "ACTIVE", "no", "eu,", "global"]


def test_catalog_show_of_an_unknown_region_says_how_to_fix_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "catalog", "show", "--region", "mars-north-1")

    assert (code, out) == (1, "")
    assert "catalog refresh --region mars-north-1" in err


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--debug", "catalog", "show", "--region", "mars-north-1")

    assert code == 1
    assert err.startswith("Traceback (most recent call last):")
    assert "ConfigurationError" in err


# stats -------------------------------------------------------------------


def test_stats_table_shows_each_preference_and_the_totals(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "prefs.json"
    JsonFilePreferenceStore(path).put(
        SONNET,
        "eu-west-1",
        AccessMethodPreference(
            prefer_global_cris=True, learned_from_error=True, profile_id=f"global.{SONNET}"
        ),
    )

    code, out, _ = run(capsys, "stats", "--store", str(path))

    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Learned preferences in {path}"
    assert lines[2].split()[:5] == [SONNET, "eu-west-1", "global_cris", f"global.{SONNET}", "yes"]
    assert lines[-1] == (
        "1 preference (1 model, 1 region); by method: global_cris=1; 1 need a profile"
    )


def test_stats_of_an_empty_file_says_nothing_was_learned(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "prefs.json"
    JsonFilePreferenceStore(path).clear()

    code, out, _ = run(capsys, "stats", "--store", str(path), "--json")

    assert code == 0
    document = json.loads(out)
    assert document["preferences"] == []
    assert document["statistics"]["oldest"] is None


def test_stats_of_a_missing_file_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "stats", "--store", str(tmp_path / "nope.json"))

    assert code == 1
    assert "No preference file at" in err
