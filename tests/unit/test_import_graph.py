"""The package's imports form a DAG that follows its layers, from the IDs up to the CLI.

Every import counts, at module level or inside a function; only imports under
`if TYPE_CHECKING:` are left out, since they never run. A layer may import its own
layer and the ones below, never one above. The emulator stands apart: it imports
nothing from the client side, and only the CLI imports it.
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

PACKAGE = "langchain_bedrock_enhanced"
ROOT = Path(__file__).resolve().parents[2] / PACKAGE

# Low to high. A pattern names a module, or with ".*" a package and everything in it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("identifiers", ("model_ids",)),
    ("errors and files", ("errors.*", "_files")),
    (
        "parameters, transport, access, catalog",
        (
            "parameters",
            "_call_values",
            "request_checks",
            "_sending",
            "_native_invoke",
            "_structured",
            "_transport.*",
            "access.*",
            "catalog.*",
        ),
    ),
    ("chat model", ("chat_model",)),
    (
        "families",
        ("models.claude", "models.nova", "models.llama", "models.mistral", "models._native"),
    ),
    ("registry", ("models._registry", "models")),
    ("factory", ("factory",)),
    (
        "runnables and callbacks",
        ("runnables.*", "callbacks.*", "retry", "parallel", "rate_limit", "usage", "plots"),
    ),
    ("facade", ("client",)),
    ("cli", ("cli", "_cli_demo", "_cli_generate", "__main__")),
    ("front door", ("",)),
)
EMULATOR = "emulator"
# The command line runs the emulator (`emulator`, `demo`); nothing else in the package
# may import it.
EMULATOR_USERS = frozenset({f"{PACKAGE}.cli", f"{PACKAGE}._cli_demo"})

# The one local import kept on purpose, as langchain-core keeps `with_retry` in
# `Runnable` while `RunnableRetry` lives above it.
ALLOWED_UPWARD = frozenset({(f"{PACKAGE}.chat_model", f"{PACKAGE}.runnables.retry")})


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, str]:
    return {_module_name(p): p.read_text(encoding="utf-8") for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import that runs, with whether it sits inside a function."""

    def walk(node: ast.AST, *, local: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    yield from walk(other, local=local)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, local
            inner = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            yield from walk(child, local=inner)

    yield from walk(tree, local=False)


def import_graph(sources: Mapping[str, str]) -> dict[tuple[str, str], bool]:
    """`(importer, imported) -> local` for every import between the package's modules."""
    edges: dict[tuple[str, str], bool] = {}
    for module, source in sources.items():
        is_package = f"{module}.__init__" not in sources and any(
            name.startswith(f"{module}.") for name in sources
        )
        for node, local in _imports(ast.parse(source)):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = module.split(".")
                    anchor = anchor if is_package else anchor[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in sources else base
                    for alias in node.names
                ]
            for target in targets:
                if target in sources and target != module:
                    edges[module, target] = edges.get((module, target), True) and local
    return edges


def layer_of(module: str) -> int | None:
    """The layer's index, or `None` for the emulator."""
    relative = module.removeprefix(PACKAGE).removeprefix(".")
    if relative == EMULATOR or relative.startswith(f"{EMULATOR}."):
        return None
    for index, (_, patterns) in enumerate(LAYERS):
        for pattern in patterns:
            if pattern.endswith(".*"):
                stem = pattern[:-2]
                if relative == stem or relative.startswith(f"{stem}."):
                    return index
            elif relative == pattern:
                return index
    msg = f"{module} belongs to no layer: add it to LAYERS"
    raise AssertionError(msg)


def violations(edges: Mapping[tuple[str, str], bool]) -> list[str]:
    """Every import that points up a layer, or across the emulator's border."""
    found = []
    for (importer, imported), local in sorted(edges.items()):
        if (importer, imported) in ALLOWED_UPWARD and local:
            continue
        low, high = layer_of(imported), layer_of(importer)
        if low is None or high is None:
            crosses = (low is None) != (high is None)
            if crosses and importer not in EMULATOR_USERS:
                found.append(f"{importer} -> {imported} crosses the emulator's border")
        elif low > high:
            found.append(
                f"{importer} ({LAYERS[high][0]}) -> {imported} ({LAYERS[low][0]}) points up"
            )
    return found


def cycle(edges: Mapping[tuple[str, str], bool]) -> list[str]:
    """One cycle of imports, as a list of modules; empty when there is none."""
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for importer, imported in edges:
        sorter.add(importer, imported)
    try:
        sorter.prepare()
    except graphlib.CycleError as err:
        return list(err.args[1])
    return []


def _without_allowed(edges: Mapping[tuple[str, str], bool]) -> dict[tuple[str, str], bool]:
    return {edge: local for edge, local in edges.items() if edge not in ALLOWED_UPWARD}


def test_every_module_belongs_to_a_layer() -> None:
    for module in _sources():
        layer_of(module)


def test_no_module_imports_a_layer_above_its_own() -> None:
    assert violations(import_graph(_sources())) == []


def test_the_imports_form_no_cycle() -> None:
    assert cycle(_without_allowed(import_graph(_sources()))) == []


def test_the_one_allowed_upward_import_is_local() -> None:
    edges = import_graph(_sources())
    for edge in ALLOWED_UPWARD:
        assert edges.get(edge) is True, f"{edge} must stay inside a function"


def test_type_checking_imports_do_not_count() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        f"    from {PACKAGE}.factory import rebuild_model\n"
    )
    sources = {**_sources(), f"{PACKAGE}.chat_model": source}
    assert violations(import_graph(sources)) == []


@pytest.mark.parametrize(
    "line",
    [
        f"from {PACKAGE} import factory",
        f"import {PACKAGE}.factory",
        "from . import factory",
    ],
)
def test_importing_the_factory_from_the_chat_model_is_caught(line: str) -> None:
    sources = _sources()
    chat_model = f"{PACKAGE}.chat_model"
    sources[chat_model] = f"{line}\n{sources[chat_model]}"
    edges = import_graph(sources)
    assert f"{chat_model} (chat model) -> {PACKAGE}.factory (factory) points up" in violations(
        edges
    )
    assert chat_model in cycle(_without_allowed(edges))


def test_importing_from_the_front_door_inside_the_package_is_caught() -> None:
    sources = _sources()
    errors = f"{PACKAGE}.errors"
    sources[errors] = f"def f():\n    from {PACKAGE} import run_parallel\n{sources[errors]}"
    assert f"{errors} (errors and files) -> {PACKAGE} (front door) points up" in violations(
        import_graph(sources)
    )


def test_the_client_side_never_imports_the_emulator() -> None:
    sources = _sources()
    factory = f"{PACKAGE}.factory"
    sources[factory] = f"from {PACKAGE}.emulator import BedrockEmulator\n{sources[factory]}"
    assert any("emulator's border" in v for v in violations(import_graph(sources)))
