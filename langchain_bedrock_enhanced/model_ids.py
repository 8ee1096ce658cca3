"""Pure parsing of Bedrock model identifiers, and the ways a model is reached; no I/O.

Bedrock accepts a model in many spellings. They all name one *base model ID*:

- bare, versioned: `anthropic.claude-3-haiku-20240307-v1:0`
- bare, unversioned: `anthropic.claude-sonnet-4-6`
- with a context suffix: `anthropic.claude-3-haiku-20240307-v1:0:200k`
- geo or global profile: `us.anthropic.claude-sonnet-4-5-20250929-v1:0`, `global.…`
- foundation-model ARN:
  `arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0`
- system inference-profile ARN:
  `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0`
- application inference-profile ARN:
  `arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123`

Everything but the application-profile ARN resolves here. That one needs
`GetInferenceProfile` (see `langchain_bedrock_enhanced.models._registry`) or an explicit
base model ID.

Access methods and profile prefixes
-----------------------------------
Bedrock serves a model in up to four ways:

| `AccessMethod`         | model ID sent                                  |
|------------------------|------------------------------------------------|
| `DIRECT`               | the bare ID (on-demand throughput)             |
| `REGIONAL_CRIS`        | a geographic profile: `us.`, `eu.`, `apac.`, … |
| `GLOBAL_CRIS`          | the global profile: `global.`                  |
| `APPLICATION_PROFILE`  | an application-inference-profile ARN, as given |

The geographic prefix depends on the *source* region, the region the request is
sent to. The table below comes from the AWS CDK `CrossRegionInferenceProfileRegion`
enum (see `shared/reference/bedrock_models.json`, `cris_prefixes`, all rated high
confidence). Low-confidence prefixes (`ca`, `amer`, `sa`) are not guessed; the model
catalog still reports them when a region really offers them.

Some regions sit in two geographies: `ap-northeast-1`/`ap-northeast-3` are both
`jp` and `apac`, `ap-southeast-2`/`ap-southeast-4` both `au` and `apac`. The rule is
deterministic: **the narrower geography first** (`jp`, `au`, then `apac`). It keeps
data closest to the caller, and when the catalog is available it decides which of
the candidates actually exists for a model.

Example:
    >>> parse_model_id("us.anthropic.claude-3-haiku-20240307-v1:0:200k").base_model_id
    'anthropic.claude-3-haiku-20240307-v1:0'
    >>> regional_prefixes("ap-northeast-1")
    ('jp', 'apac')
    >>> profile_id("eu", "amazon.nova-pro-v1:0")
    'eu.amazon.nova-pro-v1:0'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Literal

__all__ = [
    "DEFAULT_ORDER",
    "GEO_PREFIXES",
    "GLOBAL_PREFIX",
    "REGIONAL_PREFIX_SOURCE_REGIONS",
    "AccessMethod",
    "IdentifierKind",
    "ParsedModelId",
    "base_model_id",
    "global_profile_allowed",
    "method_for_prefix",
    "parse_model_id",
    "profile_id",
    "regional_prefix",
    "regional_prefixes",
    "unversioned_model_id",
]

GEO_PREFIXES: frozenset[str] = frozenset(
    {"us", "eu", "apac", "jp", "au", "us-gov", "global", "ca", "amer", "sa"}
)
"""Prefixes of system-defined inference profiles (`global` spans all regions).

`ca`, `amer` and `sa` are tolerated: they appear in the wild and in langchain-aws,
with low confidence about which regions serve them.
"""

IdentifierKind = Literal[
    "foundation_model",
    "system_profile",
    "application_profile",
    "provisioned_model",
    "custom_model",
    "imported_model",
    "other_arn",
]
"""What an identifier points at."""

_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):bedrock:(?P<region>[a-z0-9-]*):(?P<account>\d*):"
    r"(?P<resource>[a-z-]+)/(?P<rest>.+)$"
)
# Context-window variants append a third ":"-field to a versioned ID (`…-v1:0:200k`,
# `…-v1:0:18k`, `…-v1:0:mm`). Version fields are digits.
_SUFFIX = re.compile(r"^(?P<base>.+?:\d+):(?P<suffix>[A-Za-z0-9]+)$")
_RESOURCE_KINDS: dict[str, IdentifierKind] = {
    "foundation-model": "foundation_model",
    "inference-profile": "system_profile",
    "application-inference-profile": "application_profile",
    "provisioned-model": "provisioned_model",
    "custom-model": "custom_model",
    "custom-model-deployment": "custom_model",
    "imported-model": "imported_model",
}


@dataclass(frozen=True)
class ParsedModelId:
    """A model identifier taken apart.

    Example:
        >>> parsed = parse_model_id("eu.amazon.nova-pro-v1:0")
        >>> (parsed.kind, parsed.geo_prefix, parsed.provider)
        ('system_profile', 'eu', 'amazon')
    """

    raw: str
    """The identifier exactly as given."""
    kind: IdentifierKind
    """What the identifier points at."""
    base_model_id: str | None
    """The foundation model ID (no prefix, no context suffix); `None` when unknowable."""
    geo_prefix: str | None = None
    """The inference-profile prefix (`us`, `eu`, `global`, ...), if any."""
    context_suffix: str | None = None
    """A context-window suffix such as `200k`, if any."""
    region: str | None = None
    """The region named in an ARN, if any."""
    account_id: str | None = None
    """The account named in an ARN, if any."""
    partition: str | None = None
    """The ARN partition (`aws`, `aws-us-gov`, `aws-cn`), if an ARN."""
    resource_id: str | None = None
    """The part after the resource type of an ARN (e.g. an application profile ID)."""

    @property
    def provider(self) -> str | None:
        """The provider segment of the base model (`anthropic`, `amazon`, ...)."""
        if self.base_model_id is None or "." not in self.base_model_id:
            return None
        return self.base_model_id.split(".", 1)[0]

    @property
    def is_arn(self) -> bool:
        """Whether the identifier is an ARN."""
        return self.partition is not None

    @property
    def profile_id(self) -> str | None:
        """The system inference-profile ID (`us.<base>`), when this names one."""
        if self.geo_prefix is None or self.base_model_id is None:
            return None
        return f"{self.geo_prefix}.{self.base_model_id}"


def _split_bare(identifier: str) -> tuple[str | None, str, str | None]:
    """Split `[prefix.]base[:suffix]` into its three parts."""
    prefix: str | None = None
    head, sep, tail = identifier.partition(".")
    if sep and head.lower() in GEO_PREFIXES and "." in tail:
        prefix, identifier = head.lower(), tail
    suffix: str | None = None
    match = _SUFFIX.match(identifier)
    if match:
        identifier, suffix = match.group("base"), match.group("suffix")
    return prefix, identifier, suffix


# Pure and called several times per model call (selection, tracking, family
# shaping); the result is immutable, so memoising it is safe.
@functools.lru_cache(maxsize=4096)
def parse_model_id(identifier: str) -> ParsedModelId:
    """Take a model identifier apart. Never raises and never calls AWS.

    Args:
        identifier: Any spelling Bedrock accepts (see the module docstring).

    Returns:
        The parts. `base_model_id` is `None` for application-profile,
        provisioned, custom and imported model ARNs, whose base model only the
        control plane knows.

    Example:
        >>> parse_model_id(
        ...     "arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-8b-instruct-v1:0"
        ... ).base_model_id
        'meta.llama3-8b-instruct-v1:0'
    """
    text = identifier.strip()
    arn = _ARN.match(text)
    if arn is None:
        bare = _split_bare(text)
        return ParsedModelId(
            raw=identifier,
            kind="system_profile" if bare[0] else "foundation_model",
            base_model_id=bare[1] or None,
            geo_prefix=bare[0],
            context_suffix=bare[2],
        )
    kind = _RESOURCE_KINDS.get(arn.group("resource"), "other_arn")
    rest = arn.group("rest")
    prefix: str | None = None
    base: str | None = None
    suffix: str | None = None
    if kind in ("foundation_model", "system_profile"):
        prefix, base, suffix = _split_bare(rest)
    return ParsedModelId(
        raw=identifier,
        kind=kind,
        base_model_id=base or None,
        geo_prefix=prefix,
        context_suffix=suffix,
        region=arn.group("region") or None,
        account_id=arn.group("account") or None,
        partition=arn.group("partition"),
        resource_id=rest,
    )


def base_model_id(identifier: str) -> str | None:
    """The foundation model ID behind any identifier, or `None` if it needs AWS.

    Args:
        identifier: Any spelling Bedrock accepts.

    Returns:
        The base model ID, without geo prefix, ARN or context suffix.

    Example:
        >>> base_model_id("global.anthropic.claude-sonnet-4-5-20250929-v1:0")
        'anthropic.claude-sonnet-4-5-20250929-v1:0'
    """
    return parse_model_id(identifier).base_model_id


def unversioned_model_id(model_id: str) -> str:
    """The versioned base before `:` (`…-v1:0` becomes `…-v1`).

    Args:
        model_id: A base model ID.

    Returns:
        The part before the first `:`, or the ID unchanged when it has none.

    Example:
        >>> unversioned_model_id("amazon.nova-lite-v1:0")
        'amazon.nova-lite-v1'
    """
    return model_id.split(":", 1)[0]


# ------------------------------------------------ access methods and prefixes


class AccessMethod(str, Enum):
    """How a model is reached; the value is what logs and metadata show.

    A `str` enum, so `AccessMethod.DIRECT == "direct"` and it serialises as its value.

    Example:
        >>> AccessMethod("regional_cris") is AccessMethod.REGIONAL_CRIS
        True
        >>> str(AccessMethod.GLOBAL_CRIS)
        'global_cris'
    """

    DIRECT = "direct"
    """The bare model ID, with on-demand throughput."""
    REGIONAL_CRIS = "regional_cris"
    """A geographic cross-region inference profile (`us.`, `eu.`, `apac.`, ...)."""
    GLOBAL_CRIS = "global_cris"
    """The global cross-region inference profile (`global.`)."""
    APPLICATION_PROFILE = "application_profile"
    """An application inference profile ARN, used exactly as given."""

    def __str__(self) -> str:
        """The plain value (`direct`), not `AccessMethod.DIRECT`."""
        return self.value

    @property
    def uses_profile(self) -> bool:
        """Whether this method sends an inference profile rather than the bare ID.

        Example:
            >>> AccessMethod.DIRECT.uses_profile, AccessMethod.GLOBAL_CRIS.uses_profile
            (False, True)
        """
        return self is not AccessMethod.DIRECT


DEFAULT_ORDER: tuple[AccessMethod, ...] = (
    AccessMethod.DIRECT,
    AccessMethod.REGIONAL_CRIS,
    AccessMethod.GLOBAL_CRIS,
)
"""The order tried when nothing is known: direct, then regional, then global."""

GLOBAL_PREFIX = "global"
"""The prefix of global cross-region inference profiles."""

# Listed narrowest first: the order of this table is the tie-break for regions in
# two geographies (jp/au before apac).
REGIONAL_PREFIX_SOURCE_REGIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "us": ("us-east-1", "us-east-2", "us-west-1", "us-west-2"),
        "us-gov": ("us-gov-east-1", "us-gov-west-1"),
        "eu": (
            "eu-central-1",
            "eu-central-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
        ),
        "jp": ("ap-northeast-1", "ap-northeast-3"),
        "au": ("ap-southeast-2", "ap-southeast-4"),
        "apac": (
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-7",
            "ap-east-2",
            "me-central-1",
        ),
    }
)
"""Geographic profile prefix → the source regions that may call it (high confidence)."""


def _invert(table: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    by_region: dict[str, list[str]] = {}
    for prefix, regions in table.items():
        for region in regions:
            by_region.setdefault(region, []).append(prefix)
    return MappingProxyType({region: tuple(prefixes) for region, prefixes in by_region.items()})


_PREFIXES_BY_REGION = _invert(REGIONAL_PREFIX_SOURCE_REGIONS)

# Partitions without global cross-region inference: GovCloud, China and the isolated
# partitions all start with one of these.
_NON_COMMERCIAL_REGION_PREFIXES = ("us-gov-", "cn-", "us-iso", "eu-iso")


def regional_prefixes(region: str) -> tuple[str, ...]:
    """The geographic profile prefixes a source region may use, narrowest first.

    Args:
        region: The AWS region the request is sent to.

    Returns:
        The candidate prefixes; empty for a region outside the table.

    Example:
        >>> regional_prefixes("eu-west-1"), regional_prefixes("ca-central-1")
        (('eu',), ())
    """
    return _PREFIXES_BY_REGION.get(region.strip().lower(), ())


def regional_prefix(region: str) -> str | None:
    """The first-choice geographic prefix for a source region, if any.

    Args:
        region: The AWS region the request is sent to.

    Returns:
        The narrowest prefix, or `None` when the region has none.

    Example:
        >>> regional_prefix("ap-southeast-2")
        'au'
    """
    prefixes = regional_prefixes(region)
    return prefixes[0] if prefixes else None


def global_profile_allowed(region: str) -> bool:
    """Whether a `global.` profile may be guessed for this source region.

    Global profiles exist only in the commercial partition.

    Args:
        region: The AWS region the request is sent to.

    Returns:
        `False` for GovCloud, China and isolated regions, `True` otherwise.

    Example:
        >>> global_profile_allowed("us-east-1"), global_profile_allowed("us-gov-west-1")
        (True, False)
    """
    return not region.strip().lower().startswith(_NON_COMMERCIAL_REGION_PREFIXES)


def method_for_prefix(prefix: str) -> AccessMethod:
    """The access method a system-profile prefix stands for.

    Args:
        prefix: A profile prefix such as `us` or `global`.

    Returns:
        `GLOBAL_CRIS` for `global`, `REGIONAL_CRIS` for any other prefix.

    Example:
        >>> method_for_prefix("global"), method_for_prefix("jp")
        (<AccessMethod.GLOBAL_CRIS: 'global_cris'>, <AccessMethod.REGIONAL_CRIS: 'regional_cris'>)
    """
    return AccessMethod.GLOBAL_CRIS if prefix == GLOBAL_PREFIX else AccessMethod.REGIONAL_CRIS


def profile_id(prefix: str, base_model_id: str) -> str:
    """The system inference-profile ID for a prefix and a base model.

    Args:
        prefix: A profile prefix such as `us` or `global`.
        base_model_id: The foundation model ID.

    Returns:
        `"{prefix}.{base_model_id}"`.

    Example:
        >>> profile_id("global", "anthropic.claude-sonnet-4-5-20250929-v1:0")
        'global.anthropic.claude-sonnet-4-5-20250929-v1:0'
    """
    return f"{prefix}.{base_model_id}"
