"""How a model is reached, and which profile prefixes a source region may use.

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
    >>> regional_prefixes("ap-northeast-1")
    ('jp', 'apac')
    >>> profile_id("eu", "amazon.nova-pro-v1:0")
    'eu.amazon.nova-pro-v1:0'
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType

__all__ = [
    "DEFAULT_ORDER",
    "GLOBAL_PREFIX",
    "REGIONAL_PREFIX_SOURCE_REGIONS",
    "AccessMethod",
    "global_profile_allowed",
    "method_for_prefix",
    "profile_id",
    "regional_prefix",
    "regional_prefixes",
]


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
