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

The grammar
-----------
`parse_model_id` holds every identifier to this grammar, and reports any other
string as `kind="invalid"` with a `problem` (it never raises; the registry and the
family classes turn that into `UnsupportedModelError`):

```
model ID     := [geo "."] base [":" context]     (context only after a version)
base         := provider "." name ["." name]... [":" version]
provider, name := [a-z0-9-]+        version := [0-9]+        context := [0-9]+k? | mm
ARN          := arn:aws[-*]:bedrock:<region>:<account>:<resource>/<id>
```

- No whitespace, control or other characters anywhere, and at most
  `MAX_MODEL_ID_LENGTH` (2048) characters: botocore's bedrock-runtime service model
  (`botocore/data/bedrock-runtime/2023-09-30/service-2.json`, shapes
  `ConversationalModelId` and `InvokeModelIdentifier`: `min` 1, `max` 2048) and the
  lower-case `[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63})` of its
  foundation-model branch.
- The version is digits or absent (`…-v1:0`, `anthropic.claude-sonnet-4-6`); a
  context suffix follows only a version. Bedrock lists `:200k`, `:300k`, `:1000k`,
  `:512` and `:mm` variants for provisioned throughput (`ListFoundationModels`).
- ARNs follow the branches of the same pattern: a region of `[a-z0-9-]{1,20}`; no
  account in a foundation-model ARN, twelve digits in every other; the resource types
  `foundation-model`, `inference-profile`, `application-inference-profile`,
  `provisioned-model`, `custom-model`, `custom-model-deployment`, `imported-model`,
  `prompt`, `prompt-router` and `default-prompt-router`; and SageMaker endpoint
  ARNs (`arn:aws:sagemaker:<region>:<account>:endpoint/<name>`).

Access methods and profile prefixes
-----------------------------------
Bedrock serves a model in up to four ways:

| `AccessMethod`         | model ID sent                                  |
|------------------------|------------------------------------------------|
| `DIRECT`               | the bare ID (on-demand throughput)             |
| `REGIONAL_CRIS`        | a geographic profile: `us.`, `eu.`, `apac.`, … |
| `GLOBAL_CRIS`          | the global profile: `global.`                  |
| `APPLICATION_PROFILE`  | an application-inference-profile ARN, as given |

An access policy (`access_methods=`, `BEDROCK_ACCESS_METHODS`) names the first three
`direct`, `regional` and `global` (`ACCESS_POLICY_NAMES`); see
`langchain_bedrock_enhanced.access.policy`.

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
    >>> parse_model_id("anthropic.claude-3-haiku-20240307-v1:banana").problem
    "the version after ':' must be digits, not 'banana'"
"""

from __future__ import annotations

import dataclasses
import functools
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Literal

__all__ = [
    "ACCESS_METHODS_ENV",
    "ACCESS_POLICY_NAMES",
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
    "policy_name",
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

MAX_MODEL_ID_LENGTH = 2048
"""The longest model identifier Bedrock accepts.

botocore's bedrock-runtime service model, shapes `ConversationalModelId` (Converse,
ConverseStream) and `InvokeModelIdentifier` (InvokeModel): `"min": 1, "max": 2048`.
"""

IdentifierKind = Literal[
    "foundation_model",
    "system_profile",
    "application_profile",
    "provisioned_model",
    "custom_model",
    "imported_model",
    "other_arn",
    "invalid",
]
"""What an identifier points at; `invalid` when it breaks the grammar."""

_SEGMENT = r"[a-z0-9-]+"
_BARE = re.compile(
    rf"(?P<name>{_SEGMENT}(?:\.{_SEGMENT})+)"
    r"(?::(?P<version>[0-9]+)(?::(?P<context>[0-9]+k?|mm))?)?"
)
"""`provider.name[:version[:context]]`, matched whole (see the module docstring)."""
# Matched whole (fullmatch) and with DOTALL, so that a trailing newline is part of
# the resource rather than silently dropped, as `$` would.
_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z]+)*):(?P<service>bedrock|sagemaker):"
    r"(?P<region>[^:]*):(?P<account>[^:]*):(?P<resource>[a-z-]+)/(?P<rest>.+)",
    re.DOTALL,
)
# Every character any branch of Bedrock's modelId pattern allows; "/" only in ARNs.
_ID_CHARACTERS = frozenset(string.ascii_letters + string.digits + ".:-")
_ARN_CHARACTERS = _ID_CHARACTERS | {"/"}
_REGION = re.compile(r"[a-z0-9-]{1,20}")
_ACCOUNT = re.compile(r"[0-9]{12}")
# Bedrock's pattern for every resource ID that is not a model ID: `[a-zA-Z0-9-:.]+`.
_RESOURCE_ID = re.compile(r"[A-Za-z0-9.:-]+")
_RESOURCE_ID_PATTERNS: dict[str, tuple[re.Pattern[str], str]] = {
    "custom-model": (re.compile(r"[A-Za-z0-9.:-]+/[A-Za-z0-9]+"), "a custom model (<model>/<id>)"),
    "endpoint": (re.compile(r"[A-Za-z0-9-]+"), "a SageMaker endpoint name"),
}
_RESOURCE_KINDS: dict[str, IdentifierKind] = {
    "foundation-model": "foundation_model",
    "inference-profile": "system_profile",
    "application-inference-profile": "application_profile",
    "provisioned-model": "provisioned_model",
    "custom-model": "custom_model",
    "custom-model-deployment": "custom_model",
    "imported-model": "imported_model",
    "prompt": "other_arn",
    "prompt-router": "other_arn",
    "default-prompt-router": "other_arn",
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
    """The foundation model ID (no prefix, no context suffix); `None` when unknowable.

    For an invalid identifier, the identifier as given: it matches no model."""
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
    problem: str | None = None
    """Why the identifier breaks the grammar; `None` when it is well formed."""

    @property
    def is_valid(self) -> bool:
        """Whether the identifier follows the grammar Bedrock accepts.

        Example:
            >>> parse_model_id("amazon.nova-lite-v1:0 ").is_valid
            False
        """
        return self.problem is None

    @property
    def provider(self) -> str | None:
        """The provider segment of the base model (`anthropic`, `amazon`, ...)."""
        if self.problem is not None or self.base_model_id is None:
            return None
        return self.base_model_id.split(".", 1)[0]

    @property
    def is_arn(self) -> bool:
        """Whether the identifier is an ARN.

        An invalid identifier counts as one when it starts with `arn`, the test
        langchain-aws applies before it demands an explicit `provider`.
        """
        if self.problem is not None:
            return self.raw.startswith("arn")
        return self.partition is not None

    @property
    def profile_id(self) -> str | None:
        """The system inference-profile ID (`us.<base>`), when this names one."""
        if self.geo_prefix is None or self.base_model_id is None:
            return None
        return f"{self.geo_prefix}.{self.base_model_id}"


def _split_prefix(identifier: str) -> tuple[str | None, str]:
    """Split `[prefix.]rest` where `prefix` is a known profile prefix and `rest` has a dot."""
    head, sep, tail = identifier.partition(".")
    if sep and head.lower() in GEO_PREFIXES and "." in tail:
        return head.lower(), tail
    return None, identifier


def _invalid(identifier: str, problem: str, arn: re.Match[str] | None = None) -> ParsedModelId:
    # The base is the identifier as given: it matches no listed model, so every lookup
    # (the registry, a family's parameter classes) fails, with the closest IDs.
    parsed = ParsedModelId(
        raw=identifier, kind="invalid", base_model_id=identifier, problem=problem
    )
    return parsed if arn is None else _with_arn_fields(parsed, arn)


def _with_arn_fields(parsed: ParsedModelId, arn: re.Match[str]) -> ParsedModelId:
    return dataclasses.replace(
        parsed,
        region=arn.group("region") or None,
        account_id=arn.group("account") or None,
        partition=arn.group("partition"),
        resource_id=arn.group("rest"),
    )


def _bare_problem(text: str) -> str:
    """Why `text` is not `provider.name[:version[:context]]`."""
    name, _, rest = text.partition(":")
    version, _, context = rest.partition(":")
    if name.count(".") == 0:
        return "it does not have the form provider.model[:version]"
    if not re.fullmatch(rf"{_SEGMENT}(?:\.{_SEGMENT})+", name):
        return (
            "a model ID is lower-case letters, digits and '-', in dot-separated parts "
            f"({name!r} is not)"
        )
    if ":" in rest and ":" in context:
        return "it has more ':' fields than version and context suffix"
    if not re.fullmatch("[0-9]+", version):
        return f"the version after ':' must be digits, not {version!r}"
    return f"{context!r} is not a context-window suffix (such as '200k')"


def _parse_bare(identifier: str) -> ParsedModelId:
    prefix, rest = _split_prefix(identifier)
    match = _BARE.fullmatch(rest)
    if match is None:
        return _invalid(identifier, _bare_problem(rest))
    version = match.group("version")
    base = match.group("name") + (f":{version}" if version else "")
    return ParsedModelId(
        raw=identifier,
        kind="system_profile" if prefix else "foundation_model",
        base_model_id=base,
        geo_prefix=prefix,
        context_suffix=match.group("context"),
    )


def _arn_problem(arn: re.Match[str]) -> str | None:
    """What breaks Bedrock's ARN pattern, apart from the model ID inside it."""
    return _frame_problem(arn) or _account_problem(arn) or _resource_id_problem(arn)


def _frame_problem(arn: re.Match[str]) -> str | None:
    service, resource, region = arn.group("service", "resource", "region")
    if service == "sagemaker":
        if arn.group("partition") != "aws" or resource != "endpoint":
            return "a SageMaker ARN must name an endpoint (arn:aws:sagemaker:…:endpoint/…)"
    elif resource not in _RESOURCE_KINDS:
        return f"the ARN names an unknown Bedrock resource type {resource!r}"
    if not _REGION.fullmatch(region):
        return f"the ARN's region must be 1 to 20 of a-z, 0-9 and '-', not {region!r}"
    return None


def _account_problem(arn: re.Match[str]) -> str | None:
    account = arn.group("account")
    if arn.group("resource") == "foundation-model":
        if account:
            return "a foundation-model ARN has no account ID (arn:aws:bedrock:<region>::…)"
        return None
    if not _ACCOUNT.fullmatch(account):
        return f"the ARN's account must be 12 digits, not {account!r}"
    return None


def _resource_id_problem(arn: re.Match[str]) -> str | None:
    resource, rest = arn.group("resource", "rest")
    if resource in ("foundation-model", "inference-profile"):
        return None  # a model or profile ID, parsed by the caller
    pattern, what = _RESOURCE_ID_PATTERNS.get(resource, (_RESOURCE_ID, f"a {resource} ID"))
    if pattern.fullmatch(rest):
        return None
    return f"{rest!r} is not {what}"


def _parse_arn(identifier: str, arn: re.Match[str]) -> ParsedModelId:
    problem = _arn_problem(arn)
    if problem is not None:
        return _invalid(identifier, problem, arn)
    resource = arn.group("resource")
    kind = _RESOURCE_KINDS.get(resource, "other_arn")
    prefix: str | None = None
    base: str | None = None
    suffix: str | None = None
    if kind in ("foundation_model", "system_profile"):
        inner = _parse_bare(arn.group("rest"))
        if inner.problem is not None:
            return _invalid(identifier, f"in the ARN's model ID, {inner.problem}", arn)
        if kind == "foundation_model" and inner.geo_prefix is not None:
            problem = "a foundation-model ARN names a model, not a profile: drop the prefix"
            return _invalid(identifier, problem, arn)
        prefix, base, suffix = inner.geo_prefix, inner.base_model_id, inner.context_suffix
    parsed = ParsedModelId(
        raw=identifier, kind=kind, base_model_id=base, geo_prefix=prefix, context_suffix=suffix
    )
    return _with_arn_fields(parsed, arn)


def _first_stray_character(identifier: str) -> tuple[int, str] | None:
    allowed = _ARN_CHARACTERS if identifier.startswith("arn:") else _ID_CHARACTERS
    for position, character in enumerate(identifier):
        if character not in allowed:
            return position, character
    return None


# Pure and called several times per model call (selection, tracking, family
# shaping); the result is immutable, so memoising it is safe.
@functools.lru_cache(maxsize=4096)
def parse_model_id(identifier: str) -> ParsedModelId:
    """Take a model identifier apart. Never raises and never calls AWS.

    An identifier outside the grammar (see the module docstring) comes back with
    `kind="invalid"`, the reason in `problem`, and the identifier itself as
    `base_model_id`, so that it matches no model; ARN fields are filled in when the
    ARN's frame could be read.

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
        >>> parsed = parse_model_id("amazon.nova-lite-v1:0 ")
        >>> parsed.kind, parsed.problem.split(";")[0]
        ('invalid', "it contains ' ' at position 21")
    """
    if not identifier:
        return _invalid(identifier, "it is empty")
    if len(identifier) > MAX_MODEL_ID_LENGTH:
        problem = (
            f"it is {len(identifier):,} characters long; Bedrock accepts at most "
            f"{MAX_MODEL_ID_LENGTH}"
        )
        return _invalid(identifier, problem)
    stray = _first_stray_character(identifier)
    if stray is not None:
        position, character = stray
        what = (
            "model IDs have no whitespace, control or unprintable characters"
            if character.isspace() or not character.isprintable()
            else "model IDs are letters, digits, '.', ':', '-' (and '/' in ARNs)"
        )
        return _invalid(identifier, f"it contains {character!r} at position {position}; {what}")
    if not identifier.startswith("arn:"):
        return _parse_bare(identifier)
    arn = _ARN.fullmatch(identifier)
    if arn is None:
        problem = (
            "it is not a Bedrock ARN "
            "(arn:<partition>:bedrock:<region>:<account>:<resource type>/<id>)"
        )
        return _invalid(identifier, problem)
    return _parse_arn(identifier, arn)


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

    Only a well-formed `:<digits>` version (and the context suffix after it) of a
    well-formed ID is cut: `…-v1:banana` has no version to drop, so it stays whole
    and matches no model; so does an ID past `MAX_MODEL_ID_LENGTH`.

    Args:
        model_id: A base model ID.

    Returns:
        The part before the version, or the ID unchanged when it has none.

    Example:
        >>> unversioned_model_id("amazon.nova-lite-v1:0")
        'amazon.nova-lite-v1'
        >>> unversioned_model_id("amazon.nova-lite-v1:latest")
        'amazon.nova-lite-v1:latest'
    """
    match = _BARE.fullmatch(model_id) if len(model_id) <= MAX_MODEL_ID_LENGTH else None
    if match is None or match.group("version") is None:
        return model_id
    return match.group("name")


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

ACCESS_POLICY_NAMES: Mapping[str, AccessMethod] = MappingProxyType(
    {
        "direct": AccessMethod.DIRECT,
        "regional": AccessMethod.REGIONAL_CRIS,
        "global": AccessMethod.GLOBAL_CRIS,
    }
)
"""The names an access policy is written in (`access_methods=`, `BEDROCK_ACCESS_METHODS`)."""

ACCESS_METHODS_ENV = "BEDROCK_ACCESS_METHODS"
"""The environment variable that sets the default access policy, e.g. `direct,regional`."""


def policy_name(method: AccessMethod) -> str:
    """The name an access policy uses for `method` (`direct`, `regional`, `global`).

    Args:
        method: An access method.

    Returns:
        Its policy name; the enum value for a method no policy names.

    Example:
        >>> policy_name(AccessMethod.REGIONAL_CRIS)
        'regional'
    """
    for name, named in ACCESS_POLICY_NAMES.items():
        if named is method:
            return name
    return method.value


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
