"""The plotting helpers draw what the package reports, and cost nothing until called."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import matplotlib as mpl
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from langchain_bedrock_enhanced.emulator import RequestRecord
from langchain_bedrock_enhanced.errors import RetryAttempt
from langchain_bedrock_enhanced.plots import (
    METHOD_COLORS,
    OUTCOME_COLORS,
    AttemptRow,
    attempt_rows,
    method_of_identifier,
    outcome_kind,
    plot_attempt_timeline,
    plot_calls_by_access_method,
    plot_latency_histogram,
)

# No display here: a new figure (ax omitted) is drawn off screen.
mpl.use("Agg")

NOVA = "amazon.nova-pro-v1:0"
SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
APP_PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"


def _axes():
    return Figure().subplots()


def _request(model_id, status=200, error_code=None, region="us-east-1"):
    return RequestRecord("Converse", model_id, region, status, 1, "req-1", error_code)


def test_importing_the_package_or_the_plots_module_does_not_import_matplotlib():
    code = (
        "import sys\n"
        "import langchain_bedrock_enhanced\n"
        "import langchain_bedrock_enhanced.plots\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    finished = subprocess.run(  # noqa: S603 - this interpreter, code of ours
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert finished.stdout.strip() == "[]"


def test_the_plots_module_is_not_exported_from_the_root():
    import langchain_bedrock_enhanced

    assert not any("plot" in name for name in langchain_bedrock_enhanced.__all__)


@pytest.mark.parametrize(
    ("identifier", "method"),
    [
        (NOVA, "direct"),
        (f"us.{SONNET}", "regional_cris"),
        (f"apac.{NOVA}", "regional_cris"),
        (f"global.{SONNET}", "global_cris"),
        (f"arn:aws:bedrock:us-east-1::foundation-model/{NOVA}", "direct"),
        (APP_PROFILE, "application_profile"),
        (None, "unknown"),
    ],
)
def test_the_access_method_of_an_identifier_is_read_from_its_form(identifier, method):
    assert method_of_identifier(identifier) == method


@pytest.mark.parametrize(
    ("outcome", "kind"),
    [
        ("ok", "ok"),
        ("ThrottlingException", "throttled"),
        ("ThrottlingError", "throttled"),
        ("ServiceUnavailableException", "error"),
        ("DropConnection", "error"),
    ],
)
def test_outcomes_are_grouped_as_ok_throttled_or_error(outcome, kind):
    assert outcome_kind(outcome) == kind


def test_logged_requests_become_rows_with_the_method_sent_and_the_error_code():
    rows = attempt_rows(
        {
            "first": [
                _request(f"us.{SONNET}", 429, "ThrottlingException"),
                _request(f"us.{SONNET}"),
            ],
            "second": [_request(NOVA, 0, "DropConnection", region="eu-west-1")],
        }
    )
    assert rows == [
        AttemptRow("first", 1, f"us.{SONNET}", "us-east-1", "regional_cris", "ThrottlingException"),
        AttemptRow("first", 2, f"us.{SONNET}", "us-east-1", "regional_cris", "ok"),
        AttemptRow("second", 1, NOVA, "eu-west-1", "direct", "DropConnection"),
    ]


def test_a_logged_error_status_without_a_code_is_named_by_its_status():
    (row,) = attempt_rows({"call": [_request(NOVA, 500)]})
    assert row.outcome == "HTTP 500"


def test_retry_attempts_become_rows_with_their_error_type():
    rows = attempt_rows(
        {
            "call": [
                RetryAttempt(SONNET, "us-west-2", "regional_cris", "ServiceUnavailableError: 503"),
                RetryAttempt(SONNET, "us-east-1", None, "ok"),
            ]
        }
    )
    assert [(r.region, r.access_method, r.outcome) for r in rows] == [
        ("us-west-2", "regional_cris", "ServiceUnavailableError"),
        ("us-east-1", "unknown", "ok"),
    ]


def test_anything_else_is_refused_with_what_is_expected():
    with pytest.raises(TypeError, match="neither a logged request"):
        attempt_rows({"call": [{"region": "us-east-1"}]})


def test_calls_by_access_method_stack_each_pair_by_method():
    records = [
        {
            "model_id": SONNET,
            "region": "eu-west-1",
            "calls_by_method": {"direct": 1, "regional_cris": 3, "global_cris": 0},
        },
        {"model_id": NOVA, "region": "us-east-1", "calls_by_method": {"direct": 4}},
    ]
    ax = plot_calls_by_access_method(records, ax=_axes())

    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert labels == [f"{SONNET}  ·  eu-west-1", f"{NOVA}  ·  us-east-1"]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["direct", "regional_cris"]
    widths = {
        (container.get_label(), bar.get_y()): bar.get_width()
        for container in ax.containers
        for bar in container
    }
    assert widths == {
        ("direct", -0.4): 1.0,
        ("direct", 0.6): 4.0,
        ("regional_cris", -0.4): 3.0,
        ("regional_cris", 0.6): 0.0,
    }
    direct = next(c for c in ax.containers if c.get_label() == "direct")
    assert direct[0].get_facecolor() == to_rgba(METHOD_COLORS["direct"])
    assert ax.get_xlim()[1] > 4


def test_a_method_the_palette_does_not_know_is_drawn_after_the_known_ones():
    records = [
        {"model_id": NOVA, "region": "us-east-1", "calls_by_method": {"batch": 2, "direct": 1}}
    ]
    ax = plot_calls_by_access_method(records, ax=_axes())
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["direct", "batch"]


def test_the_latency_histogram_counts_every_input_in_milliseconds():
    results = [SimpleNamespace(latency_s=s, ok=s != 0.4) for s in (0.1, 0.2, 0.3, 0.4)]
    ax = plot_latency_histogram(results, ax=_axes(), bins=4)

    heights = [patch.get_height() for patch in ax.patches]
    assert sum(heights) == 4
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["succeeded (3)", "failed (1)", "p50", "p95"]
    p50, p95 = (line.get_xdata()[0] for line in ax.get_lines())
    assert p50 == pytest.approx(250.0)
    assert p95 == pytest.approx(385.0)


def test_the_latency_histogram_of_no_results_is_empty():
    ax = plot_latency_histogram([], ax=_axes())
    assert ax.get_lines() == []


def test_the_timeline_draws_one_row_per_call_and_one_marker_per_attempt():
    calls = {
        "throttled": [
            _request(f"us.{SONNET}", 429, "ThrottlingException"),
            _request(f"us.{SONNET}"),
        ],
        "fallback": [
            RetryAttempt(SONNET, "us-east-1", "regional_cris", "ServiceUnavailableError: x"),
            RetryAttempt(NOVA, "us-east-1", "direct", "ok"),
        ],
    }
    ax = plot_attempt_timeline(calls, ax=_axes())

    assert [label.get_text() for label in ax.get_yticklabels()] == ["throttled", "fallback"]
    markers = [
        (tuple(collection.get_offsets()[0]), tuple(collection.get_facecolor()[0]))
        for collection in ax.collections
    ]
    assert markers == [
        ((1.0, 0.0), to_rgba(OUTCOME_COLORS["throttled"])),
        ((2.0, 0.0), to_rgba(OUTCOME_COLORS["ok"])),
        ((1.0, 1.0), to_rgba(OUTCOME_COLORS["error"])),
        ((2.0, 1.0), to_rgba(OUTCOME_COLORS["ok"])),
    ]
    texts = [text.get_text() for text in ax.texts]
    assert texts == ["us-east-1", "us-east-1", "us-east-1", f"us-east-1\n{NOVA}"]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["ok", "throttled", "error", "direct", "regional"]


def test_without_axes_a_new_figure_is_drawn():
    import matplotlib.pyplot as plt

    try:
        ax = plot_attempt_timeline({"call": [_request(NOVA)]})
        assert ax.figure in [plt.figure(number) for number in plt.get_fignums()]
    finally:
        plt.close("all")
