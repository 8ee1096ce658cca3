"""Which family class and parameter class serve a model: discovered, cached, thread-safe.

Families are found by scanning `langchain_bedrock_enhanced.models` with `pkgutil`
(modules whose name starts with `_` are skipped) and by loading the entry-point group
`langchain_bedrock_enhanced.models`, whose entries may name a module or a family
class. Families registered with `register_model_family` at run time come last. When
two families claim one model ID, a warning is logged and the later one wins.
`unregister_model_family` takes any of them out, until it is registered again.

The scan is lazy: it runs on the first lookup, exactly once even when many threads
ask at the same time, and again only on `refresh_discovery()`. Lookups are cached by
the identifier exactly as given, so a repeated lookup is one dict access.

Example:
    >>> from langchain_bedrock_enhanced.models import get_client_class_for_model
    >>> get_client_class_for_model("us.amazon.nova-lite-v1:0").__name__
    'NovaEnhancedChatBedrockConverse'
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import logging
import pkgutil
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse
from langchain_bedrock_enhanced.errors import (
    ConfigurationError,
    UnsupportedModelError,
    map_bedrock_errors,
)
from langchain_bedrock_enhanced.model_ids import AccessMethod, parse_model_id, unversioned_model_id
from langchain_bedrock_enhanced.parameters import BedrockModelParameters

if TYPE_CHECKING:
    from langchain_aws import ChatBedrockConverse
    from mypy_boto3_bedrock import BedrockClient

__all__ = [
    "ENTRY_POINT_GROUP",
    "ModelMatch",
    "get_all_supported_model_ids",
    "get_client_class_for_model",
    "get_parameter_class_for_model",
    "get_parameter_instance_for_client",
    "refresh_discovery",
    "register_model_family",
    "resolve_model",
    "unregister_model_family",
]

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "langchain_bedrock_enhanced.models"
"""The entry-point group third-party packages use to contribute model families."""

_PACKAGE = "langchain_bedrock_enhanced.models"
# Bounds the per-identifier cache; identifiers come from user input.
_CACHE_LIMIT = 4096

FamilyT = TypeVar("FamilyT", bound=type[EnhancedChatBedrockConverse])


class ModelMatch(NamedTuple):
    """What discovery knows about one model identifier.

    Example:
        >>> match = resolve_model("eu.anthropic.claude-3-haiku-20240307-v1:0")
        >>> match.parameter_class.__name__, match.model_id
        ('Claude3Parameters', 'anthropic.claude-3-haiku-20240307-v1:0')
    """

    client_class: type[EnhancedChatBedrockConverse]
    """The family class to construct."""
    parameter_class: type[BedrockModelParameters]
    """The parameter class that validates this model's parameters."""
    model_id: str
    """The base model ID as the parameter class lists it."""


@dataclass
class _Registry:
    # What the last scan found, before run-time registrations and removals.
    discovered: tuple[type[EnhancedChatBedrockConverse], ...]
    # The families in effect, in precedence order (later wins a shared ID).
    scanned: tuple[type[EnhancedChatBedrockConverse], ...]
    exact: dict[str, ModelMatch]
    stems: dict[str, ModelMatch]
    cache: dict[str, ModelMatch] = field(default_factory=dict)


# Re-entrant: a family module that looks a model up while being imported by the
# scan must not deadlock.
_lock = threading.RLock()
_registry: _Registry | None = None
_runtime_families: list[type[EnhancedChatBedrockConverse]] = []
# Unregistered families, kept out of every scan until registered again.
_hidden_families: set[type[EnhancedChatBedrockConverse]] = set()


# ------------------------------------------------------------------ scanning


def _families_in(module: ModuleType) -> list[type[EnhancedChatBedrockConverse]]:
    return [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if obj.__module__ == module.__name__
        and issubclass(obj, EnhancedChatBedrockConverse)
        and obj.PARAMETER_CLASSES
    ]


def _scan_package() -> list[type[EnhancedChatBedrockConverse]]:
    package = importlib.import_module(_PACKAGE)
    found: list[type[EnhancedChatBedrockConverse]] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        name = f"{_PACKAGE}.{info.name}"
        try:
            module = importlib.import_module(name)
        except Exception:
            # One broken family must not take the others down.
            logger.warning("Skipping model family module %s: import failed", name, exc_info=True)
            continue
        found.extend(_families_in(module))
    return found


def _scan_entry_points() -> list[type[EnhancedChatBedrockConverse]]:
    found: list[type[EnhancedChatBedrockConverse]] = []
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = entry.load()
        except Exception:
            logger.warning(
                "Skipping model family entry point %s: load failed", entry.name, exc_info=True
            )
            continue
        if isinstance(loaded, ModuleType):
            found.extend(_families_in(loaded))
        elif (
            inspect.isclass(loaded)
            and issubclass(loaded, EnhancedChatBedrockConverse)
            and loaded.PARAMETER_CLASSES
        ):
            found.append(loaded)
        else:
            logger.warning(
                "Skipping model family entry point %s: %r is neither a module nor a "
                "family class with PARAMETER_CLASSES",
                entry.name,
                loaded,
            )
    return found


def _scan() -> tuple[type[EnhancedChatBedrockConverse], ...]:
    families = [*_scan_package(), *_scan_entry_points()]
    logger.debug("Discovered model families: %s", [f.__name__ for f in families])
    return tuple(dict.fromkeys(families))


def _index(discovered: tuple[type[EnhancedChatBedrockConverse], ...]) -> _Registry:
    families = tuple(
        family
        for family in dict.fromkeys([*discovered, *_runtime_families])
        if family not in _hidden_families
    )
    exact: dict[str, ModelMatch] = {}
    for family in families:
        for parameter_class in family.PARAMETER_CLASSES:
            for model_id in parameter_class.MODELS:
                match = ModelMatch(family, parameter_class, model_id)
                previous = exact.get(model_id)
                if previous is not None and previous[:2] != match[:2]:
                    logger.warning(
                        "Model %s is claimed by %s.%s and %s.%s; using the latter",
                        model_id,
                        previous.client_class.__name__,
                        previous.parameter_class.__name__,
                        family.__name__,
                        parameter_class.__name__,
                    )
                exact[model_id] = match
    stems: dict[str, ModelMatch] = {}
    for model_id, match in exact.items():
        stems.setdefault(unversioned_model_id(model_id), match)
    return _Registry(discovered=discovered, scanned=families, exact=exact, stems=stems)


def _current() -> _Registry:
    registry = _registry
    if registry is not None:
        return registry
    return _build(rescan=False)


def _build(*, rescan: bool) -> _Registry:
    global _registry  # noqa: PLW0603 - the module-level registry is the cache
    with _lock:
        if _registry is not None and not rescan:
            return _registry
        discovered = _scan() if rescan or _registry is None else _registry.discovered
        _registry = _index(discovered)
        return _registry


# ------------------------------------------------------------------ public API


def refresh_discovery() -> tuple[type[EnhancedChatBedrockConverse], ...]:
    """Scan the models package and entry points again, and drop every cached lookup.

    Returns:
        Every family now known, in precedence order (later wins a shared ID).

    Example:
        >>> "ClaudeEnhancedChatBedrockConverse" in [f.__name__ for f in refresh_discovery()]
        True
    """
    return _build(rescan=True).scanned


def register_model_family(family: FamilyT) -> FamilyT:
    """Register a family class at run time; usable as a class decorator.

    The family takes precedence over discovered ones for the IDs it shares with
    them (with a warning), and survives `refresh_discovery()`. Registering a family
    that `unregister_model_family` took out brings it back.

    Args:
        family: An `EnhancedChatBedrockConverse` subclass with `PARAMETER_CLASSES`.

    Returns:
        The family, unchanged.

    Raises:
        TypeError: `family` is not an `EnhancedChatBedrockConverse` subclass.
        ConfigurationError: `family` has no `PARAMETER_CLASSES`.

    Example:
        >>> from langchain_bedrock_enhanced.models.nova import NovaEnhancedChatBedrockConverse
        >>> register_model_family(NovaEnhancedChatBedrockConverse).__name__
        'NovaEnhancedChatBedrockConverse'
    """
    if not (inspect.isclass(family) and issubclass(family, EnhancedChatBedrockConverse)):
        msg = f"{family!r} is not a subclass of EnhancedChatBedrockConverse."
        raise TypeError(msg)
    if not family.PARAMETER_CLASSES:
        msg = f"{family.__name__} has no PARAMETER_CLASSES; it would claim no model."
        raise ConfigurationError(msg)
    global _registry  # noqa: PLW0603 - the module-level registry is the cache
    with _lock:
        _hidden_families.discard(family)
        if family not in _runtime_families:
            _runtime_families.append(family)
        discovered = _registry.discovered if _registry is not None else _scan()
        _registry = _index(discovered)
    return family


def unregister_model_family(family: type[EnhancedChatBedrockConverse]) -> None:
    """Take a family out of discovery, wherever it came from; the inverse of registering.

    This works for a family registered at run time, one found in this package and
    one contributed through the entry-point group. The removal survives
    `refresh_discovery()`; `register_model_family(family)` undoes it. The models the
    family claimed become unsupported, or go back to the family that claimed them
    before it.

    Args:
        family: A family class that currently serves models.

    Raises:
        ConfigurationError: `family` is not a family in effect: never found nor
            registered, or already unregistered.

    Example:
        >>> from langchain_bedrock_enhanced.errors import UnsupportedModelError
        >>> from langchain_bedrock_enhanced.models.mistral import (
        ...     MistralEnhancedChatBedrockConverse,
        ... )
        >>> unregister_model_family(MistralEnhancedChatBedrockConverse)
        >>> try:
        ...     get_client_class_for_model("mistral.mistral-large-2402-v1:0")
        ... except UnsupportedModelError:
        ...     print("unsupported")
        unsupported
        >>> register_model_family(MistralEnhancedChatBedrockConverse).__name__
        'MistralEnhancedChatBedrockConverse'
        >>> get_client_class_for_model("mistral.mistral-large-2402-v1:0").__name__
        'MistralEnhancedChatBedrockConverse'
    """
    global _registry  # noqa: PLW0603 - the module-level registry is the cache
    with _lock:
        registry = _current()
        if family not in registry.scanned:
            name = getattr(family, "__name__", repr(family))
            known = ", ".join(sorted(f.__name__ for f in registry.scanned))
            msg = (
                f"{name} is not a model family in effect, so it cannot be unregistered: "
                "it was never discovered or registered, or it was already unregistered. "
                f"The families in effect are: {known}."
            )
            raise ConfigurationError(msg)
        _hidden_families.add(family)
        if family in _runtime_families:
            _runtime_families.remove(family)
        _registry = _index(registry.discovered)


def get_all_supported_model_ids() -> tuple[str, ...]:
    """Every base model ID some family supports.

    Returns:
        The IDs, sorted.

    Example:
        >>> "meta.llama4-scout-17b-instruct-v1:0" in get_all_supported_model_ids()
        True
    """
    return tuple(sorted(_current().exact))


def resolve_model(
    model_id: str,
    *,
    base_model_id: str | None = None,
    bedrock_client: BedrockClient | None = None,
) -> ModelMatch:
    """Find the family and parameter class for any model identifier.

    Matching is exact first, then by the versioned base before `:`, after geo
    prefixes, context suffixes and ARNs are resolved to the base model ID.

    Args:
        model_id: Any identifier form (bare, versioned, `…:200k`, `us.`/`global.`,
            foundation-model, system-profile or application-profile ARN).
        base_model_id: The base model behind an application-profile ARN, if known.
        bedrock_client: A boto3 `bedrock` control-plane client, used to call
            `GetInferenceProfile` for an application-profile ARN.

    Returns:
        The match.

    Raises:
        UnsupportedModelError: No family claims the model (closest IDs listed).
        ConfigurationError: An application-profile ARN came without a way to
            resolve it.

    Example:
        >>> resolve_model(
        ...     "arn:aws:bedrock:us-east-1::foundation-model/mistral.mistral-7b-instruct-v0:2"
        ... ).parameter_class.__name__
        'MistralParameters'
    """
    registry = _current()
    if base_model_id is None:
        cached = registry.cache.get(model_id)
        if cached is not None:
            return cached
    parsed = parse_model_id(model_id)
    for identifier in (model_id, base_model_id):
        if identifier is not None:
            _raise_if_malformed(identifier, registry, parsed.region)
    base = base_model_id or parsed.base_model_id
    if base is None and parsed.kind == "application_profile":
        base = _base_from_inference_profile(model_id, bedrock_client, parsed.region)
    if base is None:
        raise UnsupportedModelError.for_model(
            model_id, registry.exact, lookup_key=parsed.resource_id, region=parsed.region
        )
    base = parse_model_id(base).base_model_id or base
    match = registry.exact.get(base) or registry.stems.get(unversioned_model_id(base))
    if match is None:
        raise UnsupportedModelError.for_model(
            model_id, registry.exact, lookup_key=base, region=parsed.region
        )
    if base_model_id is None:
        if len(registry.cache) >= _CACHE_LIMIT:
            registry.cache.clear()
        registry.cache[model_id] = match
    return match


# Longer identifiers are shown cut short in messages (the rest is junk anyway).
_SHOWN_LENGTH = 120


def _raise_if_malformed(identifier: str, registry: _Registry, region: str | None) -> None:
    """Raise `UnsupportedModelError` for an identifier outside Bedrock's grammar."""
    problem = parse_model_id(identifier).problem
    if problem is None:
        return
    shown = identifier
    if len(identifier) > _SHOWN_LENGTH:
        shown = f"{identifier[:_SHOWN_LENGTH]}… ({len(identifier):,} characters)"
    closest = UnsupportedModelError.for_model(
        shown, registry.exact, lookup_key=_closest_reading(identifier, registry.exact)
    ).suggestions
    hint = (
        f" Closest supported IDs: {', '.join(closest)}."
        if closest
        else " Run get_all_supported_model_ids() to list the supported IDs."
    )
    msg = (
        f"Model ID {shown!r} is not a valid Bedrock model identifier: {problem}.{hint} "
        "Model IDs read provider.model[:version[:context]] (e.g. "
        "'anthropic.claude-3-haiku-20240307-v1:0'), optionally after a geo or global "
        "profile prefix ('us.', 'global.'), or are Bedrock ARNs. Nothing was sent."
    )
    raise UnsupportedModelError(msg, suggestions=closest, model_id=shown, region=region)


def _closest_reading(identifier: str, supported: Iterable[str]) -> str:
    """What the caller probably meant, to compare with the supported IDs.

    Stray characters go, an ARN's model ID or profile is read from its end, and the
    text is cut to the longest supported ID, so trailing junk does not drown the match.
    """
    kept = "".join(ch for ch in identifier if ch.isascii() and (ch.isalnum() or ch in ".:-/"))
    tail = kept.rsplit("/", 1)[-1]
    parsed = parse_model_id(tail)
    reading = parsed.base_model_id if parsed.is_valid and parsed.base_model_id else tail
    longest = max((len(model_id) for model_id in supported), default=len(reading))
    return reading[:longest]


def _base_from_inference_profile(
    arn: str, bedrock_client: BedrockClient | None, region: str | None
) -> str:
    if bedrock_client is None:
        msg = (
            f"Cannot tell which model the application inference profile {arn!r} "
            "serves: pass base_model_id=..., or a bedrock control-plane client so "
            "GetInferenceProfile can be called."
        )
        raise ConfigurationError(msg, model_id=arn, region=region)
    with map_bedrock_errors(
        model_id=arn, region=region, access_method=AccessMethod.APPLICATION_PROFILE
    ):
        response = bedrock_client.get_inference_profile(inferenceProfileIdentifier=arn)
    models = response.get("models") if isinstance(response, Mapping) else None
    bases = [
        parse_model_id(str(entry.get("modelArn", ""))).base_model_id
        for entry in models or []
        if isinstance(entry, Mapping)
    ]
    base = next((b for b in bases if b), None)
    if base is None:
        msg = f"GetInferenceProfile for {arn!r} named no foundation model."
        raise ConfigurationError(msg, model_id=arn, region=region)
    logger.debug("Application inference profile %s serves %s", arn, base)
    return base


def get_client_class_for_model(
    model_id: str,
    *,
    base_model_id: str | None = None,
    bedrock_client: BedrockClient | None = None,
) -> type[EnhancedChatBedrockConverse]:
    """The family class for any model identifier.

    Args:
        model_id: Any identifier form (see `resolve_model`).
        base_model_id: The base model behind an application-profile ARN, if known.
        bedrock_client: A `bedrock` control-plane client for `GetInferenceProfile`.

    Returns:
        The `EnhancedChatBedrockConverse` subclass to construct.

    Raises:
        UnsupportedModelError: No family claims the model.
        ConfigurationError: An application-profile ARN cannot be resolved.

    Example:
        >>> get_client_class_for_model("meta.llama3-8b-instruct-v1:0").__name__
        'LlamaEnhancedChatBedrockConverse'
    """
    return resolve_model(
        model_id, base_model_id=base_model_id, bedrock_client=bedrock_client
    ).client_class


def get_parameter_class_for_model(
    model_id: str,
    *,
    base_model_id: str | None = None,
    bedrock_client: BedrockClient | None = None,
) -> type[BedrockModelParameters]:
    """The parameter class for any model identifier.

    Args:
        model_id: Any identifier form (see `resolve_model`).
        base_model_id: The base model behind an application-profile ARN, if known.
        bedrock_client: A `bedrock` control-plane client for `GetInferenceProfile`.

    Returns:
        The parameter class that validates the model's parameters.

    Raises:
        UnsupportedModelError: No family claims the model.
        ConfigurationError: An application-profile ARN cannot be resolved.

    Example:
        >>> get_parameter_class_for_model("global.amazon.nova-2-lite-v1:0").__name__
        'Nova2Parameters'
    """
    return resolve_model(
        model_id, base_model_id=base_model_id, bedrock_client=bedrock_client
    ).parameter_class


def get_parameter_instance_for_client(client: ChatBedrockConverse) -> BedrockModelParameters:
    """The validated parameters of a chat model (ours or a plain `ChatBedrockConverse`).

    For our family classes this is `client.parameters`. For any other
    `ChatBedrockConverse`, the parameter class is looked up from its model ID (or
    `base_model_id`; an application-profile ARN is resolved through its
    `bedrock_client`) and validated from its fields.

    Args:
        client: A `ChatBedrockConverse` (or subclass) instance.

    Returns:
        The validated parameters.

    Raises:
        UnsupportedModelError: No family claims the client's model.
        ParameterValidationError: The client's parameters break the model's limits.

    Example:
        >>> from langchain_aws import ChatBedrockConverse
        >>> chat = ChatBedrockConverse(
        ...     model="us.amazon.nova-lite-v1:0", region_name="us-east-1", temperature=0.4
        ... )
        >>> get_parameter_instance_for_client(chat).temperature
        0.4
    """
    if isinstance(client, EnhancedChatBedrockConverse) and client.parameters is not None:
        return client.parameters
    match = resolve_model(
        client.model_id,
        base_model_id=getattr(client, "base_model_id", None),
        bedrock_client=getattr(client, "bedrock_client", None),
    )
    return match.parameter_class.from_chat_model(client, match.model_id)
