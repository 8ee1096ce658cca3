"""Pure parsing of Bedrock model identifiers; no I/O, no AWS calls.

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

Example:
    >>> parse_model_id("us.anthropic.claude-3-haiku-20240307-v1:0:200k").base_model_id
    'anthropic.claude-3-haiku-20240307-v1:0'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "GEO_PREFIXES",
    "IdentifierKind",
    "ParsedModelId",
    "base_model_id",
    "parse_model_id",
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
