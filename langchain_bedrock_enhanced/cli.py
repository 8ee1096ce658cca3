"""The `langchain-bedrock-enhanced` command line.

`python -m langchain_bedrock_enhanced` runs the same command. Subcommands:

- `demo`: the main job against the embedded emulator (no AWS account needed).
- `emulator`: the local Bedrock emulator (options of `python -m ...emulator`).
- `models`: the supported model IDs, their family, lifecycle and access methods.
- `catalog show` / `catalog refresh`: what the model catalog knows about a region.
- `stats`: what a `JsonFilePreferenceStore` file has learned.
- `generate PROMPT`: the LLM client (`BedrockLLMClient`) from the shell.

Exit codes: 0 on success, 1 when a `BedrockEnhancedError` is raised (one line on
stderr; `--debug` shows the traceback) or a refresh gets no live data, 2 for usage
errors. `--json` prints exactly one JSON document on stdout.

Example:
    >>> _parser().parse_args(["models", "--family", "nova", "--json"]).family
    'nova'
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from langchain_bedrock_enhanced import _cli_generate
from langchain_bedrock_enhanced._cli_demo import run_demo
from langchain_bedrock_enhanced.errors import BedrockEnhancedError, ConfigurationError

if TYPE_CHECKING:
    from langchain_bedrock_enhanced.access.preferences import (
        AccessMethodPreference,
        PreferenceKey,
    )
    from langchain_bedrock_enhanced.catalog import ModelCatalog, RegionCatalog

PROG = "langchain-bedrock-enhanced"
"""The command's name, whichever way it was started."""
DEFAULT_REGION = "us-east-1"
"""The region when neither `--region` nor the AWS configuration chain names one."""


def package_version() -> str:
    """The installed version of the package (`__version__` of its root).

    Read from the distribution's metadata, as the root does, because the CLI sits
    below the root in the import layers.

    Returns:
        The version, or `"0.0.0"` when running from a source tree that is not installed.

    Example:
        >>> import langchain_bedrock_enhanced
        >>> package_version() == langchain_bedrock_enhanced.__version__
        True
    """
    try:
        return metadata.version("langchain-bedrock-enhanced")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"


# Shared ------------------------------------------------------------------


def resolve_region(region: str | None) -> str:
    """The region a command is about: `--region`, else the AWS configuration chain.

    Args:
        region: The `--region` value, if given.

    Returns:
        `region`, else `AWS_REGION`, else boto3's region (`AWS_DEFAULT_REGION`, then
        the profile's), else `us-east-1`.

    Example:
        >>> resolve_region("eu-west-1")
        'eu-west-1'
    """
    if region:
        return region
    if os.environ.get("AWS_REGION"):
        return os.environ["AWS_REGION"]
    import boto3  # noqa: PLC0415 - only when no region was given

    return boto3.session.Session().region_name or DEFAULT_REGION


def open_catalog(endpoint_url: str | None, *, disk_cache: bool = False) -> ModelCatalog:
    """The catalog a command reads: the bundled snapshot, or live from `endpoint_url`.

    Args:
        endpoint_url: A Bedrock endpoint (such as the emulator) to discover from;
            `None` reads no network, only the snapshot (and the disk cache if asked).
        disk_cache: Read (and, when discovering, write) the catalog's disk cache.

    Returns:
        A `ModelCatalog`.

    Example:
        >>> open_catalog(None).source("eu-west-1")
        'snapshot'
    """
    from langchain_bedrock_enhanced.catalog import ModelCatalog  # noqa: PLC0415

    if endpoint_url is None:
        return ModelCatalog(discover=False, disk_cache=disk_cache)
    return ModelCatalog(endpoint_url=endpoint_url, disk_cache=disk_cache)


def _dump_json(document: object, out: TextIO) -> None:
    out.write(json.dumps(document, indent=2, sort_keys=False) + "\n")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


# models ------------------------------------------------------------------


@dataclass(frozen=True)
class ModelRow:
    """One supported model as `models` shows it, for one region.

    Attributes:
        model_id: The base model ID.
        family: The family module that serves it (`claude`, `nova`, ...).
        lifecycle: `ACTIVE` or `LEGACY`; `None` when the region does not list it.
        on_demand: Whether the bare ID can be invoked; `None` when unknown.
        profiles: Profile prefix → system inference profile ID callable from the region.
        state: `active`, `legacy`, `end_of_life` (past its EOL: building it fails) or
            `unknown`, as of today (UTC).
        end_of_life: The EOL date (ISO), `None` when not announced.
        replacement: The suggested replacement of a Legacy or retired model.

    Example:
        >>> ModelRow("amazon.nova-pro-v1:0", "nova", "ACTIVE", True).access_methods
        ('direct',)
    """

    model_id: str
    family: str
    lifecycle: str | None
    on_demand: bool | None
    profiles: dict[str, str] = field(default_factory=dict)
    state: str = "unknown"
    end_of_life: str | None = None
    replacement: str | None = None

    @property
    def lifecycle_label(self) -> str:
        """The LIFECYCLE cell: status, and for a Legacy or retired model its EOL date.

        Example:
            >>> ModelRow("m", "nova", "LEGACY", False, state="legacy").lifecycle_label
            'LEGACY, EOL not announced'
        """
        if self.state == "end_of_life":
            return f"END OF LIFE {self.end_of_life or '(date not published)'}"
        if self.lifecycle == "LEGACY":
            return f"LEGACY, EOL {self.end_of_life or 'not announced'}"
        return self.lifecycle or "-"

    @property
    def access_methods(self) -> tuple[str, ...]:
        """The access methods available in the region, in the default order.

        Example:
            >>> ModelRow("m", "nova", "ACTIVE", False, {"eu": "eu.m", "global": "global.m"}
            ...          ).access_methods
            ('regional_cris', 'global_cris')
        """
        methods = ["direct"] if self.on_demand else []
        if any(prefix != "global" for prefix in self.profiles):
            methods.append("regional_cris")
        if "global" in self.profiles:
            methods.append("global_cris")
        return tuple(methods)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary.

        Example:
            >>> ModelRow("m", "nova", None, None).to_dict()["access_methods"]
            []
        """
        return {
            "model_id": self.model_id,
            "family": self.family,
            "lifecycle": self.lifecycle,
            "state": self.state,
            "end_of_life": self.end_of_life,
            "replacement": self.replacement,
            "on_demand": self.on_demand,
            "access_methods": list(self.access_methods),
            "profiles": dict(self.profiles),
        }


def family_of(model_id: str) -> str:
    """The family that serves a model ID: the name of its family module.

    Example:
        >>> family_of("meta.llama4-scout-17b-instruct-v1:0")
        'llama'
    """
    from langchain_bedrock_enhanced.models import get_client_class_for_model  # noqa: PLC0415

    return get_client_class_for_model(model_id).__module__.rsplit(".", 1)[-1]


def model_rows(catalog: ModelCatalog, region: str, family: str | None = None) -> list[ModelRow]:
    """Every supported model ID, with what `catalog` says about it in `region`.

    Args:
        catalog: Where lifecycle and access methods come from.
        region: The region.
        family: Keep only this family (`claude`, `nova`, `llama`, `mistral`).

    Returns:
        The rows, sorted by model ID.

    Raises:
        ConfigurationError: No family is called `family`.

    Example:
        >>> rows = model_rows(open_catalog(None), "eu-west-1", family="claude")
        >>> row = next(r for r in rows if r.model_id.startswith("anthropic.claude-sonnet-4-5"))
        >>> row.lifecycle, row.access_methods
        ('ACTIVE', ('regional_cris', 'global_cris'))
    """
    from langchain_bedrock_enhanced.models import get_all_supported_model_ids  # noqa: PLC0415

    families = {model_id: family_of(model_id) for model_id in get_all_supported_model_ids()}
    if family is not None and family not in families.values():
        known = ", ".join(sorted(set(families.values())))
        msg = f"No model family is called {family!r}; the families are: {known}."
        raise ConfigurationError(msg)
    rows = []
    for model_id, name in sorted(families.items()):
        if family is not None and name != family:
            continue
        status = catalog.lifecycle_status(model_id, region)  # looks the region up once
        info = catalog.model_lifecycle(model_id, region)
        retired = info.is_end_of_life()
        rows.append(
            ModelRow(
                model_id=model_id,
                family=name,
                lifecycle=status,
                on_demand=catalog.supports_on_demand(model_id, region),
                profiles=catalog.profiles_for(model_id, region),
                state=info.state() if status is not None or retired else "unknown",
                end_of_life=None if info.end_of_life_date is None else str(info.end_of_life_date),
                replacement=info.replacement if retired or status == "LEGACY" else None,
            )
        )
    return rows


def format_models(rows: Sequence[ModelRow], region: str, source: str) -> str:
    """The `models` table.

    Example:
        >>> print(format_models([ModelRow("amazon.nova-pro-v1:0", "nova", "ACTIVE", True,
        ...                               {"us": "us.amazon.nova-pro-v1:0"})],
        ...                     "us-east-1", "snapshot"), end="")
        Models in us-east-1 (catalog: snapshot)
        MODEL ID              FAMILY  LIFECYCLE  ACCESS METHODS
        amazon.nova-pro-v1:0  nova    ACTIVE     direct, regional_cris (us)
        1 model
    """
    table = [("MODEL ID", "FAMILY", "LIFECYCLE", "ACCESS METHODS")]
    for row in rows:
        methods = []
        for method in row.access_methods:
            if method == "regional_cris":
                prefixes = ", ".join(p for p in row.profiles if p != "global")
                methods.append(f"regional_cris ({prefixes})")
            else:
                methods.append(method)
        offered = ", ".join(methods) or "not offered here"
        table.append((row.model_id, row.family, row.lifecycle_label, offered))
    count = _count(len(rows), "model")
    return f"Models in {region} (catalog: {source})\n{_table(table)}{count}\n"


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in rows
    )


def _run_models(args: argparse.Namespace, out: TextIO) -> int:
    region = resolve_region(args.region)
    catalog = open_catalog(args.endpoint_url)
    rows = model_rows(catalog, region, args.family)
    source = catalog.source(region)
    if args.json:
        _dump_json(
            {
                "region": region,
                "catalog_source": source,
                "models": [row.to_dict() for row in rows],
            },
            out,
        )
    else:
        out.write(format_models(rows, region, source))
    return 0


# catalog -----------------------------------------------------------------


def catalog_document(data: RegionCatalog) -> dict[str, Any]:
    """What `catalog show --json` prints for one region.

    Example:
        >>> doc = catalog_document(open_catalog(None).region_catalog("eu-west-1"))
        >>> doc["source"], doc["models"][0].keys() >= {"model_id", "on_demand", "profiles"}
        ('snapshot', True)
    """
    return {
        "region": data.region,
        "source": data.source,
        "fetched_at": data.fetched_at.isoformat(),
        "models": [
            {
                "model_id": model.model_id,
                "lifecycle": model.lifecycle,
                "on_demand": model.supports_on_demand,
                "profiles": data.profiles_for(model.model_id),
            }
            for model in sorted(data.models.values(), key=lambda m: m.model_id)
        ],
        "profiles": [
            {
                "profile_id": profile.profile_id,
                "type": profile.type,
                "base_model_ids": list(profile.base_model_ids),
            }
            for profile in sorted(data.profiles, key=lambda p: p.profile_id)
        ],
    }


def format_catalog(data: RegionCatalog) -> str:
    """The `catalog show` table.

    Example:
        >>> text = format_catalog(open_catalog(None).region_catalog("eu-west-1"))
        >>> print(text.splitlines()[0])
        Catalog for eu-west-1: source snapshot, fetched 2026-11-21T00:00:00+00:00
    """
    document = catalog_document(data)
    table = [("MODEL ID", "LIFECYCLE", "ON DEMAND", "PROFILES")]
    for model in document["models"]:
        on_demand = {True: "yes", False: "no", None: "-"}[model["on_demand"]]
        profiles = ", ".join(model["profiles"]) or "-"
        table.append((model["model_id"], model["lifecycle"] or "-", on_demand, profiles))
    return (
        f"Catalog for {data.region}: source {data.source}, fetched {document['fetched_at']}\n"
        f"{_table(table)}"
        f"{len(document['models'])} models, {len(document['profiles'])} inference profiles\n"
    )


def _run_catalog_show(args: argparse.Namespace, out: TextIO) -> int:
    region = resolve_region(args.region)
    # Without an endpoint, show what the package itself would use offline: a fresh
    # disk cache (written by `catalog refresh`), else the bundled snapshot.
    catalog = open_catalog(args.endpoint_url, disk_cache=args.endpoint_url is None)
    data = catalog.region_catalog(region)
    if data is None:
        msg = (
            f"The catalog knows nothing about region {region!r}: check its name, or run "
            f"`{PROG} catalog refresh --region {region}` with AWS credentials."
        )
        raise ConfigurationError(msg)
    if args.json:
        _dump_json(catalog_document(data), out)
    else:
        out.write(format_catalog(data))
    return 0


def _run_catalog_refresh(args: argparse.Namespace, out: TextIO) -> int:
    regions = args.region or [resolve_region(None)]
    catalog = open_catalog(args.endpoint_url, disk_cache=True)
    sources = catalog.refresh(regions)
    failed = [region for region, source in sources.items() if source != "live"]
    if args.json:
        _dump_json({"cache_dir": str(catalog.cache_dir), "regions": sources}, out)
    else:
        out.writelines(f"{region}: {source}\n" for region, source in sources.items())
        out.write(f"cache: {catalog.cache_dir}\n")
    if failed:
        sys.stderr.write(
            f"{PROG}: error: discovery failed in {', '.join(failed)}; the catalog keeps "
            "older data. Check the AWS credentials, region and endpoint.\n"
        )
        return 1
    return 0


# stats -------------------------------------------------------------------


def preference_document(
    items: Sequence[tuple[PreferenceKey, AccessMethodPreference]],
) -> dict[str, Any]:
    """The learned preferences and their statistics, JSON-ready.

    Args:
        items: `JsonFilePreferenceStore.items()` (or any store's).

    Returns:
        `preferences` (one entry per model and region) and `statistics`.

    Example:
        >>> from langchain_bedrock_enhanced.access import AccessMethodPreference
        >>> doc = preference_document([(("m", "eu-west-1"), AccessMethodPreference(
        ...     prefer_regional_cris=True, learned_from_error=True, profile_id="eu.m"))])
        >>> doc["statistics"]["by_method"], doc["statistics"]["require_profile"]
        ({'regional_cris': 1}, 1)
    """
    preferences = []
    for (model_id, region), pref in sorted(items):
        method = pref.get_preferred_method()
        preferences.append(
            {
                "model_id": model_id,
                "region": region,
                "preferred_method": None if method is None else method.value,
                "profile_id": pref.profile_id,
                "requires_profile": pref.requires_profile,
                "last_updated": pref.last_updated.isoformat(),
            }
        )
    methods = Counter(p["preferred_method"] or "none" for p in preferences)
    stamps = sorted(pref.last_updated for _, pref in items)
    statistics = {
        "preferences": len(preferences),
        "models": len({p["model_id"] for p in preferences}),
        "regions": len({p["region"] for p in preferences}),
        "by_method": dict(sorted(methods.items())),
        "require_profile": sum(1 for p in preferences if p["requires_profile"]),
        "oldest": stamps[0].isoformat() if stamps else None,
        "newest": stamps[-1].isoformat() if stamps else None,
    }
    return {"preferences": preferences, "statistics": statistics}


def format_stats(document: dict[str, Any], path: str) -> str:
    """The `stats` report.

    Example:
        >>> print(format_stats(preference_document([]), "prefs.json"), end="")
        Learned preferences in prefs.json
        nothing learned yet
    """
    stats = document["statistics"]
    lines = [f"Learned preferences in {path}"]
    if not document["preferences"]:
        return "\n".join([*lines, "nothing learned yet"]) + "\n"
    table = [("MODEL ID", "REGION", "PREFERRED", "PROFILE", "NEEDS PROFILE", "LEARNED AT")]
    table.extend(
        (
            p["model_id"],
            p["region"],
            p["preferred_method"] or "-",
            p["profile_id"] or "-",
            "yes" if p["requires_profile"] else "no",
            p["last_updated"],
        )
        for p in document["preferences"]
    )
    methods = ", ".join(f"{m}={n}" for m, n in stats["by_method"].items())
    lines.append(_table(table).rstrip("\n"))
    lines.append(
        f"{_count(stats['preferences'], 'preference')} ({_count(stats['models'], 'model')}, "
        f"{_count(stats['regions'], 'region')}); by method: {methods}; "
        f"{stats['require_profile']} need a profile"
    )
    return "\n".join(lines) + "\n"


def _run_stats(args: argparse.Namespace, out: TextIO) -> int:
    from langchain_bedrock_enhanced.access import JsonFilePreferenceStore  # noqa: PLC0415

    path = Path(args.store).expanduser()
    if not path.is_file():
        msg = (
            f"No preference file at {str(path)!r}: pass the path given to "
            "create_langchain_chatbedrock(preference_store=...)."
        )
        raise ConfigurationError(msg)
    document = preference_document(JsonFilePreferenceStore(path).items())
    if args.json:
        _dump_json({"store": str(path), **document}, out)
    else:
        out.write(format_stats(document, str(path)))
    return 0


# emulator ----------------------------------------------------------------


def _run_emulator(rest: Sequence[str]) -> int:
    from langchain_bedrock_enhanced.emulator.__main__ import (  # noqa: PLC0415
        main as emulator_main,
    )

    return emulator_main(rest, prog=f"{PROG} emulator")


# Parser and entry point --------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Amazon Bedrock for LangChain: models, catalog, learned preferences, "
        "and a local emulator.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    # Also accepted after the subcommand; SUPPRESS keeps it from resetting the flag.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of errors"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "demo", parents=[common], help="run the main job against the embedded emulator"
    )
    commands.add_parser(
        "emulator",
        help="run the local Bedrock emulator (see `emulator --help`)",
        add_help=False,
    )

    endpoint = argparse.ArgumentParser(add_help=False)
    endpoint.add_argument(
        "--endpoint-url", help="discover from this Bedrock endpoint (e.g. the emulator)"
    )
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print one JSON document")

    models = commands.add_parser(
        "models",
        parents=[common, endpoint, as_json],
        help="supported model IDs, family, lifecycle and access methods",
        description="Supported model IDs with their family, lifecycle and the access "
        "methods available in a region (bundled catalog snapshot unless --endpoint-url).",
    )
    models.add_argument("--family", help="only this family (claude, nova, llama, mistral)")
    models.add_argument("--region", help="the region (default: the AWS configuration chain)")

    catalog = commands.add_parser(
        "catalog", parents=[common], help="show or refresh the model catalog"
    )
    actions = catalog.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser(
        "show",
        parents=[common, endpoint, as_json],
        help="models and inference profiles of one region",
        description="What the catalog knows about one region: the disk cache, else the "
        "bundled snapshot; live from --endpoint-url when given.",
    )
    show.add_argument("--region", help="the region (default: the AWS configuration chain)")
    refresh = actions.add_parser(
        "refresh",
        parents=[common, endpoint, as_json],
        help="discover regions now and update the disk cache",
        description="Call ListFoundationModels and ListInferenceProfiles now and write "
        "the disk cache. Exits 1 when a region gets no live data.",
    )
    refresh.add_argument(
        "--region", action="append", help="a region to refresh (repeatable; default: one)"
    )

    _cli_generate.add_parser(commands, [common])

    stats = commands.add_parser(
        "stats",
        parents=[common, as_json],
        help="learned access-method preferences in a preference file",
        description="The preferences learned in a JsonFilePreferenceStore file, with "
        "statistics over them.",
    )
    stats.add_argument(
        "--store",
        required=True,
        metavar="PATH",
        help="the preference file (the preference_store= path given to the factory)",
    )
    return parser


def _run(args: argparse.Namespace, out: TextIO) -> int:
    if args.command == "models":
        return _run_models(args, out)
    if args.command == "catalog":
        run = _run_catalog_show if args.action == "show" else _run_catalog_refresh
        return run(args, out)
    if args.command == "stats":
        return _run_stats(args, out)
    if args.command == "generate":
        return _cli_generate.run(args, out)
    return run_demo(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `langchain-bedrock-enhanced` command.

    Args:
        argv: The arguments (without the program name); `sys.argv[1:]` when `None`.

    Returns:
        The process exit code: 0 on success, 1 on a `BedrockEnhancedError`. Usage
        errors exit 2 through `SystemExit`, as argparse does.

    Example:
        >>> import contextlib, io
        >>> with contextlib.redirect_stderr(io.StringIO()) as err:
        ...     main(["stats", "--store", "/nonexistent/prefs.json"])
        1
        >>> err.getvalue().startswith("langchain-bedrock-enhanced: error: No preference file")
        True
    """
    parser = _parser()
    args, rest = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    if args.command == "emulator":
        return _run_emulator(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        return _run(args, sys.stdout)
    except BedrockEnhancedError as err:
        if args.debug:
            traceback.print_exc()
        else:
            sys.stderr.write(f"{PROG}: error: {_one_line(err)}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
