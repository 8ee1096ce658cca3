# ruff: noqa: INP001 - a stand-alone maintenance script, not part of a package
"""Run langchain-aws's own `ChatBedrockConverse` unit tests against our drop-in subclass.

Usage:
    python scripts/langchain_aws_compat.py            # exit 1 if any test regresses
    python scripts/langchain_aws_compat.py --keep     # keep the work directory and logs
    python scripts/langchain_aws_compat.py -- -k cache_point   # extra pytest arguments

`EnhancedChatBedrockConverse` must stay a drop-in replacement for langchain-aws's
`ChatBedrockConverse`. The strongest evidence is langchain-aws's own unit tests: every
test that passes against `ChatBedrockConverse` must pass with our class in its place.

We may not copy another project's code or tests into this repository, so the tests are
not vendored. They are fetched when the script runs: `pip download` takes the sdist of
the langchain-aws version pinned in `requirements/lock.txt` (the version installed in
`.venv`), which ships `tests/`. Only `tests/` and its `pyproject.toml` (for the pytest
settings) are unpacked into a temporary directory, so the code under test is the
installed langchain-aws, never a copy from the sdist. Nothing but `.venv` and the
package registry is needed, and the working tree is left as it was.

The unit-test modules that import `ChatBedrockConverse` are then run twice, as
langchain-aws runs them (`make test`: sockets disabled, no AWS credentials in the
environment), in two concurrent pytest processes:

1. the baseline, as they are;
2. swapped: this file, loaded as a pytest plugin (`-p`), first imports our class (a
   subclass of the real one), then binds the name `ChatBedrockConverse` to it in
   `langchain_aws`, `langchain_aws.chat_models` and
   `langchain_aws.chat_models.bedrock_converse`, so the test modules import ours, and
   so do their local imports and `mock.patch` targets. Every collected test module is
   checked to hold our class, so a swap that did not take cannot pass unnoticed.
   langchain-aws's own modules (`ChatBedrock._as_converse`, the middleware) keep
   the name they bound at import: only the tests' references are swapped.

Outcomes are compared test by test. The script exits 1 if a test that passes in the
baseline does not pass with our class (or is no longer collected), printing every
difference with its failure summary; it exits 2 if it could not run the comparison at
all (no tests in the sdist, the baseline itself cannot collect, and so on).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pytest

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements" / "lock.txt"
DISTRIBUTION = "langchain-aws"
SWAPPED_NAME = "ChatBedrockConverse"
REPLACEMENT = "langchain_bedrock_enhanced.chat_model:EnhancedChatBedrockConverse"
PACKAGE = REPO / "langchain_bedrock_enhanced"
UNIT_TESTS = PurePosixPath("tests/unit_tests")
"""Where langchain-aws keeps its unit tests, in the sdist."""
MAIN_MODULE = f"{UNIT_TESTS}/chat_models/test_bedrock_converse.py"
"""The `ChatBedrockConverse` tests proper. Other modules that import the class (the
middleware's, for instance) are compared too when `.venv` can import them."""
SWAPPED_MODULES = (
    "langchain_aws",
    "langchain_aws.chat_models",
    "langchain_aws.chat_models.bedrock_converse",
)
"""Where the tests find `ChatBedrockConverse`: top-level and local imports, patch targets."""
PLUGIN = Path(__file__).stem

EXIT_REGRESSION = 1
EXIT_CANNOT_RUN = 2
_PYTEST_COMPLETED = (0, 1)
"""pytest's exit codes for a run that ran every test: all passed, some failed."""

_SUMMARY_WIDTH = 120
_SUMMARY_LINES = 4


class CannotRunError(Exception):
    """The comparison could not be made; the message says why and what to do."""


# ---------------------------------------------------------------- the plugin
# These hooks run inside the two pytest processes (`-p langchain_aws_compat`).


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the options the harness passes to each pytest run."""
    group = parser.getgroup("langchain-aws-compat")
    group.addoption("--compat-swap", metavar="MODULE:CLASS", help="the class to swap in")
    group.addoption("--compat-report", metavar="PATH", help="write outcomes here as JSON")


class _Recorder:
    """Collects each test's outcome and failure summary; writes them at the end."""

    def __init__(self, path: Path, replacement: type | None) -> None:
        self.path = path
        self.replacement = replacement
        self.outcomes: dict[str, dict[str, str]] = {}
        self.collect_errors: dict[str, str] = {}
        self.swapped_modules: list[str] = []

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors[report.nodeid] = _failure_summary(report)

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        if self.replacement is None:
            return
        import pytest  # noqa: PLC0415 - only the pytest processes need it

        modules = {id(m.obj): m.obj for i in items if (m := i.getparent(pytest.Module))}
        for module in modules.values():
            bound = vars(module).get(SWAPPED_NAME)
            if bound is None or bound is self.replacement:
                if bound is not None:
                    self.swapped_modules.append(module.__name__)
                continue
            if not (isinstance(bound, type) and issubclass(self.replacement, bound)):
                msg = f"{module.__name__}.{SWAPPED_NAME} is {bound!r}, not a base of ours"
                raise pytest.UsageError(msg)
            # Imported before the swap (it cannot be, but a vacuous pass is worse).
            setattr(module, SWAPPED_NAME, self.replacement)
            self.swapped_modules.append(module.__name__)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        entry = self.outcomes.setdefault(report.nodeid, {"outcome": "", "summary": ""})
        if hasattr(report, "wasxfail"):
            entry["outcome"] = "xfailed" if report.skipped else "xpassed"
        elif report.when == "call":
            entry["outcome"] = report.outcome
        elif report.skipped:
            entry["outcome"] = "skipped"
        elif report.failed:
            entry["outcome"] = "error"
        elif report.when == "setup":
            entry["outcome"] = "passed"  # until the call says otherwise
        if (report.failed or entry["outcome"] == "xfailed") and not entry["summary"]:
            entry["summary"] = _failure_summary(report)

    def pytest_sessionfinish(self, exitstatus: int) -> None:
        document = {
            "exitstatus": int(exitstatus),
            "outcomes": self.outcomes,
            "collect_errors": self.collect_errors,
            "swapped_modules": sorted(set(self.swapped_modules)),
        }
        self.path.write_text(json.dumps(document, indent=1), encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    """Swap our class in (when asked) before any test module is imported."""
    report = config.getoption("--compat-report", default=None)
    if report is None:
        return
    spec = config.getoption("--compat-swap", default=None)
    replacement = _swap_in(spec) if spec else None
    config.pluginmanager.register(_Recorder(Path(report), replacement), "compat-recorder")


def _swap_in(spec: str) -> type:
    module_name, _, class_name = spec.partition(":")
    # Ours first: it subclasses the real class, which it imports from langchain_aws.
    replacement = getattr(importlib.import_module(module_name), class_name)
    modules = [importlib.import_module(name) for name in SWAPPED_MODULES]
    original = getattr(modules[-1], SWAPPED_NAME)
    if not (isinstance(replacement, type) and issubclass(replacement, original)):
        msg = f"{spec} is not a subclass of {original.__module__}.{SWAPPED_NAME}"
        raise TypeError(msg)
    for module in modules:
        setattr(module, SWAPPED_NAME, replacement)
    return replacement


def _failure_summary(report: pytest.TestReport | pytest.CollectReport) -> str:
    """`path:line: message` of the failure, like pytest's own short summary.

    When the failure happened while handling another exception (a `pytest.raises`
    or `pytest.warns` block that an unexpected error left), that error is the news,
    so it is named too.
    """
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is None:
        lines = [line for line in str(report.longrepr).splitlines() if line.strip()]
        return " ".join(lines[-1].split()) if lines else report.outcome
    summary = f"{_short_path(crash.path)}:{crash.lineno}: {_one_line(crash.message)}"
    if not crash.path.startswith(str(PACKAGE)):
        # Where our code was last on the way there, when it was: the place to look.
        entries = getattr(getattr(report.longrepr, "reprtraceback", None), "reprentries", [])
        ours = [
            location
            for entry in entries
            if (location := getattr(entry, "reprfileloc", None)) is not None
            and location.path.startswith(str(PACKAGE))
        ]
        if ours:
            summary += f" (via {_short_path(ours[-1].path)}:{ours[-1].lineno})"
    chain = getattr(report.longrepr, "chain", None) or []
    if len(chain) > 1 and "during handling" in str(chain[-2][2]).lower():
        summary += f" -- while handling {_one_line(chain[-2][1].message)}"
    return summary


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _short_path(path: str) -> str:
    for marker in (f"{Path.cwd()}/", "/site-packages/", f"{REPO}/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


# ---------------------------------------------------------------- obtaining the tests


def locked_version(lock: Path = LOCK) -> str:
    """The langchain-aws version `requirements/lock.txt` pins for this Python.

    Raises:
        CannotRunError: The lock pins no version (or several) for this interpreter.
    """
    from packaging.markers import Marker  # noqa: PLC0415 - a dependency of pytest, in .venv

    pin = re.compile(rf"^{re.escape(DISTRIBUTION)}==([^\s;]+)\s*(?:;(.*))?$", re.IGNORECASE)
    versions = [
        found.group(1)
        for line in lock.read_text(encoding="utf-8").splitlines()
        if (found := pin.match(line.strip()))
        and (not found.group(2) or Marker(found.group(2).strip()).evaluate())
    ]
    if len(versions) != 1:
        msg = f"{lock} pins {DISTRIBUTION} {versions or 'nowhere'} for this Python"
        raise CannotRunError(msg)
    return versions[0]


def download_sdist(version: str, dest: Path) -> Path:
    """`pip download` the sdist of `DISTRIBUTION==version` into `dest`.

    Only the package itself must be a source distribution: its build backend, which
    pip installs to read the sdist's metadata, may come as a wheel.

    Raises:
        CannotRunError: pip failed, or did not leave exactly one sdist.
    """
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--no-binary",
        DISTRIBUTION,
        "--dest",
        str(dest),
        f"{DISTRIBUTION}=={version}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own interpreter, fixed arguments
    if done.returncode != 0:
        msg = f"`{' '.join(command[1:])}` failed ({done.returncode}):\n{done.stderr.strip()}"
        raise CannotRunError(msg)
    found = sorted(dest.glob("*.tar.gz"))
    if len(found) != 1:
        msg = f"pip left {[p.name for p in dest.iterdir()]} in {dest}, not one sdist"
        raise CannotRunError(msg)
    return found[0]


def unpack_tests(sdist: Path, dest: Path) -> Path:
    """Unpack the sdist's `tests/` and `pyproject.toml` (nothing else) into `dest`.

    Returns:
        The unpacked project root.

    Raises:
        CannotRunError: The sdist ships no unit tests.
    """
    with tarfile.open(sdist, "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.isfile()]
        roots = {PurePosixPath(m.name).parts[0] for m in members}
        if len(roots) != 1:
            msg = f"{sdist.name} has no single top-level directory: {sorted(roots)}"
            raise CannotRunError(msg)
        (root,) = roots
        wanted = [m for m in members if _is_wanted(PurePosixPath(m.name).relative_to(root))]
        if not any(
            PurePosixPath(m.name).relative_to(root).is_relative_to(UNIT_TESTS) for m in wanted
        ):
            msg = (
                f"{sdist.name} ships no {UNIT_TESTS}/ (it has "
                f"{len(members)} files, none under it), so there are no "
                f"langchain-aws unit tests to run; the GitHub source is not reachable here."
            )
            raise CannotRunError(msg)
        for member in wanted:
            relative = PurePosixPath(member.name).relative_to(root)
            target = dest.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is not None:
                target.write_bytes(source.read())
    return dest


def _is_wanted(relative: PurePosixPath) -> bool:
    if ".." in relative.parts or relative.is_absolute():
        return False
    return relative == PurePosixPath("pyproject.toml") or relative.parts[:1] == ("tests",)


def modules_using_the_class(root: Path) -> list[str]:
    """The unit-test modules that import `ChatBedrockConverse` (at any depth).

    Raises:
        CannotRunError: `MAIN_MODULE` is not among them.
    """
    found = []
    for path in sorted((root / UNIT_TESTS).rglob("test_*.py")):
        tree = ast.parse(path.read_bytes(), filename=str(path))
        if any(
            isinstance(node, ast.ImportFrom)
            and (node.module or "").split(".")[0] == "langchain_aws"
            and any(alias.name == SWAPPED_NAME for alias in node.names)
            for node in ast.walk(tree)
        ):
            found.append(path.relative_to(root).as_posix())
    if MAIN_MODULE not in found:
        msg = f"{MAIN_MODULE} is missing, or no longer imports {SWAPPED_NAME}"
        raise CannotRunError(msg)
    return found


# ---------------------------------------------------------------- running them


@dataclass(frozen=True)
class Run:
    """One pytest run's results."""

    label: str
    exitstatus: int
    outcomes: Mapping[str, Mapping[str, str]]
    collect_errors: Mapping[str, str]
    swapped_modules: Sequence[str]
    log: Path

    def counts(self) -> str:
        """`1234 tests: 1200 passed, 34 skipped`, or the like."""
        counted = Counter(entry["outcome"] for entry in self.outcomes.values())
        parts = ", ".join(f"{n} {outcome}" for outcome, n in counted.most_common())
        errors = f", {len(self.collect_errors)} collection errors" if self.collect_errors else ""
        return f"{len(self.outcomes)} tests: {parts or 'none ran'}{errors}"


def run_environment(work: Path) -> dict[str, str]:
    """The environment langchain-aws's `make test` gives its unit tests.

    It unsets the AWS credential variables; here every `AWS_*` and `BEDROCK_AWS_*`
    variable goes, and the AWS config files point at nothing, so the outcome does not
    depend on the machine. Our catalog cache goes to the work directory, and nothing
    is written to the repository.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "BEDROCK_AWS_"))
    }
    env["AWS_CONFIG_FILE"] = str(work / "no-aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(work / "no-aws-credentials")
    env["LANGCHAIN_BEDROCK_ENHANCED_CACHE_DIR"] = str(work / "catalog-cache")
    # Importing this file as the plugin must not leave a __pycache__ in scripts/.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # This file is the plugin; a PYTHONPATH the caller set still applies after it.
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(Path(__file__).resolve().parent), env.get("PYTHONPATH")) if p
    )
    return env


@dataclass(frozen=True)
class _Started:
    label: str
    process: subprocess.Popen[bytes]
    report: Path
    log: Path


def start(
    label: str,
    root: Path,
    modules: Sequence[str],
    *,
    swap: str | None,
    extra_args: Sequence[str],
) -> _Started:
    """Start one pytest run over `modules`, in the background."""
    report = root.parent / f"{label}.json"
    log = root.parent / f"{label}.log"
    command = [
        sys.executable,
        "-m",
        "pytest",
        *("-c", str(root / "pyproject.toml"), "--rootdir", str(root)),
        *("-p", PLUGIN, "--compat-report", str(report)),
        *(("--compat-swap", swap) if swap else ()),
        # As langchain-aws's `make test` runs them.
        "--disable-socket",
        "--allow-unix-socket",
        # A module that fails to import with our class is a regression to report.
        "--continue-on-collection-errors",
        # A hang fails that test rather than the whole comparison.
        "--timeout=300",
        "-p",
        "no:cacheprovider",
        "-q",
        *extra_args,
        *modules,
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            command,
            cwd=root,
            env=run_environment(root.parent),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return _Started(label, process, report, log)


def finish(started: _Started) -> Run:
    """Wait for a run to end; read its report.

    Raises:
        CannotRunError: pytest did not run the tests to the end.
    """
    exitstatus = started.process.wait()
    if exitstatus not in _PYTEST_COMPLETED or not started.report.exists():
        tail = "\n".join(started.log.read_text(errors="replace").splitlines()[-30:])
        msg = f"the {started.label} run stopped with pytest exit code {exitstatus}:\n{tail}"
        raise CannotRunError(msg)
    document: dict[str, Any] = json.loads(started.report.read_text(encoding="utf-8"))
    return Run(
        label=started.label,
        exitstatus=exitstatus,
        outcomes=document["outcomes"],
        collect_errors=document["collect_errors"],
        swapped_modules=document["swapped_modules"],
        log=started.log,
    )


# ---------------------------------------------------------------- comparing

DELIBERATE: dict[str, str] = {
    f"{MAIN_MODULE}::test__get_provider": (
        "a foundation-model ARN names its provider, so our model fills `provider` in "
        "instead of raising langchain-aws's 'Model provider should be supplied' ValueError"
    ),
    f"{MAIN_MODULE}::test_tool_conversion_warning_integration": (
        "a conversation that starts with an assistant turn is one Bedrock rejects; ours "
        "raises RequestValidationError before sending (issue: bad input fails before the "
        "network), so langchain-aws's conversion warning is never reached"
    ),
}
"""Differences we chose, each with its reason: reported, but not counted as regressions."""


@dataclass(frozen=True)
class Difference:
    """A test whose outcome differs between the runs."""

    test: str
    baseline: str
    ours: str
    summary: str

    @property
    def is_regression(self) -> bool:
        """Passed in the baseline, and not with our class, unless we chose so."""
        return self.baseline == "passed" and self.ours != "passed" and self.test not in DELIBERATE


def differences(baseline: Run, swapped: Run) -> list[Difference]:
    """Every test whose outcome differs, regressions first."""
    found = []
    for test in sorted(baseline.outcomes.keys() | swapped.outcomes.keys()):
        before = baseline.outcomes.get(test, {"outcome": "not collected", "summary": ""})
        after = swapped.outcomes.get(test, {"outcome": "not collected", "summary": ""})
        if before["outcome"] == after["outcome"]:
            continue
        summary = after["summary"] or before["summary"]
        if after["outcome"] == "not collected":
            summary = next(
                (e for node, e in swapped.collect_errors.items() if test.startswith(node)),
                "not in the run with our class",
            )
        found.append(Difference(test, before["outcome"], after["outcome"], summary))
    return sorted(found, key=lambda d: not d.is_regression)


def table(rows: Sequence[Difference]) -> Iterator[str]:
    """The differences as a text table; each failure summary on the line below its test."""
    width = max(len("baseline"), *(len(d.baseline) for d in rows))
    ours_width = max(len("ours"), *(len(d.ours) for d in rows))
    yield f"  {'baseline':<{width}}  {'ours':<{ours_width}}  test"
    yield f"  {'-' * width}  {'-' * ours_width}  {'-' * 4}"
    for row in rows:
        mark = "REGRESSION" if row.is_regression else ""
        if row.test in DELIBERATE:
            mark = f"deliberate: {DELIBERATE[row.test]}"
        yield f"  {row.baseline:<{width}}  {row.ours:<{ours_width}}  {row.test}  {mark}".rstrip()
        indent = " " * (width + ours_width + 8)
        yield from textwrap.wrap(
            row.summary,
            width=_SUMMARY_WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
            max_lines=_SUMMARY_LINES,
            break_on_hyphens=False,
        )


# ---------------------------------------------------------------- main


def compare(work: Path, extra_args: Sequence[str]) -> int:
    """Obtain the tests, run them both ways, print the comparison; the exit code."""
    out = sys.stdout
    version = locked_version()
    installed = importlib.metadata.version(DISTRIBUTION)
    if installed != version:
        msg = (
            f"{DISTRIBUTION} {installed} is installed, the lock pins {version}: run `make install`"
        )
        raise CannotRunError(msg)
    out.write(f"Downloading the {DISTRIBUTION}=={version} sdist from the package registry...\n")
    downloads = work / "download"
    downloads.mkdir()
    sdist = download_sdist(version, downloads)
    root = unpack_tests(sdist, work / "project")
    modules = modules_using_the_class(root)
    out.write(f"{sdist.name} ships {UNIT_TESTS}/; the modules that import {SWAPPED_NAME}:\n")
    out.writelines(f"  {module}\n" for module in modules)
    out.write("Running them as they are and with our class, concurrently...\n")
    out.flush()
    started = [
        start("baseline", root, modules, swap=None, extra_args=extra_args),
        start("swapped", root, modules, swap=REPLACEMENT, extra_args=extra_args),
    ]
    for each in started:  # both, before either can raise
        each.process.wait()
    baseline, swapped = (finish(s) for s in started)
    if MAIN_MODULE in baseline.collect_errors:
        error = baseline.collect_errors[MAIN_MODULE]
        msg = f"the baseline cannot import {MAIN_MODULE}: {error} (see {baseline.log})"
        raise CannotRunError(msg)
    if baseline.collect_errors:
        # Both runs fail alike here, so no test of these modules is compared.
        out.write("Not compared: .venv cannot import these (as it is, without our class):\n")
        out.writelines(f"  {node}: {error}\n" for node, error in baseline.collect_errors.items())
    if swapped.outcomes and not swapped.swapped_modules:
        msg = f"no test module held our class in the swapped run (see {swapped.log})"
        raise CannotRunError(msg)
    class_name = REPLACEMENT.rpartition(":")[2]
    out.write(f"baseline ({SWAPPED_NAME}): {baseline.counts()}\n")
    out.write(f"swapped ({class_name}): {swapped.counts()}\n")
    found = differences(baseline, swapped)
    regressions = [d for d in found if d.is_regression]
    if found:
        out.write(f"\nOutcomes that differ: {len(found)} (regressions: {len(regressions)})\n")
        out.writelines(f"{line}\n" for line in table(found))
        out.write("\n")
    if regressions:
        out.write(
            f"FAIL: {len(regressions)} of the {DISTRIBUTION} {version} tests that pass with "
            f"{SWAPPED_NAME} do not pass with {class_name}.\n"
        )
        return EXIT_REGRESSION
    chosen = sum(1 for d in found if d.test in DELIBERATE)
    out.write(
        f"OK: every {DISTRIBUTION} {version} test that passes with {SWAPPED_NAME} "
        f"passes with {class_name}, but the {chosen} deliberate differences listed above.\n"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the comparison, return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--keep", action="store_true", help="keep the work directory (sdist, tests, logs)"
    )
    parser.add_argument(
        "pytest_args", nargs="*", help="extra pytest arguments, after `--` (e.g. -- -k name)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="langchain-aws-compat-"))
    try:
        code = compare(work, args.pytest_args)
    except CannotRunError as err:
        sys.stderr.write(f"Cannot compare: {err}\n")
        code = EXIT_CANNOT_RUN
    finally:
        if args.keep:
            sys.stdout.write(f"Work directory kept: {work}\n")
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.stdout.write(f"Took {time.monotonic() - started:.0f} s.\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
