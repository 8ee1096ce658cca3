"""The access policy: which access methods the engine may choose, and in what order.

Data-residency rules may forbid `global.` inference profiles, which can route a
request to any commercial region. A policy is an ordered, non-empty selection of
`"direct"`, `"regional"` and `"global"` (or the `AccessMethod` members `DIRECT`,
`REGIONAL_CRIS`, `GLOBAL_CRIS`). It comes from, first match wins:

1. `access_methods=` given to `create_langchain_chatbedrock` or to a chat model;
2. the environment variable `BEDROCK_ACCESS_METHODS`, comma-separated
   (`direct,regional`); an empty value counts as unset;
3. the default order, `("direct", "regional", "global")`.

The selector offers only the methods the policy allows, in the policy's order;
what was learned may move an allowed method that worked to the front, never bring
back one the policy forbids. Identifiers that name their own way in (a profile ID
such as `us.…` or `global.…`, a profile or application-profile ARN) are sent as
given, whatever the policy.

A bad policy raises before any request: `ParameterValidationError` for an argument,
`ConfigurationError` naming the variable for the environment (the first is a
subclass of the second, so `except ConfigurationError` catches both).

Example:
    >>> parse_access_methods(("regional", "direct"))
    (<AccessMethod.REGIONAL_CRIS: 'regional_cris'>, <AccessMethod.DIRECT: 'direct'>)
    >>> resolve_access_methods(environ={"BEDROCK_ACCESS_METHODS": "direct,regional"})
    (<AccessMethod.DIRECT: 'direct'>, <AccessMethod.REGIONAL_CRIS: 'regional_cris'>)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Union

from langchain_bedrock_enhanced.errors import ConfigurationError, ParameterValidationError
from langchain_bedrock_enhanced.model_ids import (
    ACCESS_METHODS_ENV,
    ACCESS_POLICY_NAMES,
    DEFAULT_ORDER,
    AccessMethod,
    policy_name,
)

__all__ = [
    "ACCESS_METHODS_ENV",
    "AccessMethodsInput",
    "access_methods_from_env",
    "default_access_methods",
    "describe_access_methods",
    "parse_access_methods",
    "resolve_access_methods",
]

# A runtime alias (pydantic and Python 3.10 read it), hence Union rather than `|`.
AccessMethodsInput = Union[str, AccessMethod, Iterable[Union[str, AccessMethod]]]  # noqa: UP007
"""What `access_methods=` accepts: names, `AccessMethod` members, or one comma-separated string."""

_ALLOWED = frozenset(ACCESS_POLICY_NAMES.values())
_CHOICES = "'direct', 'regional' or 'global'"


def describe_access_methods(methods: Iterable[AccessMethod]) -> str:
    """A policy as the caller would write it, e.g. `('direct', 'regional')`.

    Args:
        methods: The policy's methods, in order.

    Returns:
        The tuple of policy names, as Python source.

    Example:
        >>> describe_access_methods([AccessMethod.REGIONAL_CRIS, AccessMethod.DIRECT])
        "('regional', 'direct')"
    """
    return repr(tuple(policy_name(method) for method in methods))


def parse_access_methods(value: AccessMethodsInput) -> tuple[AccessMethod, ...]:
    """Check an `access_methods=` value and return it as access methods, in order.

    Args:
        value: Policy names (`"direct"`, `"regional"`, `"global"`, any case), the
            `AccessMethod` members they stand for (or their values, as a serialised
            model holds them), or one comma-separated string.

    Returns:
        The policy: a non-empty tuple without duplicates.

    Raises:
        ParameterValidationError: An unknown or repeated method, or an empty policy.

    Example:
        >>> parse_access_methods("direct, regional")
        (<AccessMethod.DIRECT: 'direct'>, <AccessMethod.REGIONAL_CRIS: 'regional_cris'>)
        >>> parse_access_methods(["direct", "direct"])
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.errors.ParameterValidationError: Invalid access_methods=...
    """
    methods, problem = _parse(value)
    if problem is not None:
        msg = (
            f"Invalid access_methods={value!r}: {problem}. Pass an ordered, non-empty "
            "selection of 'direct', 'regional' and 'global', e.g. "
            "access_methods=('direct', 'regional')."
        )
        raise ParameterValidationError(msg, problems=[("access_methods", problem)])
    return methods


def access_methods_from_env(
    environ: Mapping[str, str] | None = None,
) -> tuple[AccessMethod, ...] | None:
    """The policy `BEDROCK_ACCESS_METHODS` sets, or `None` when it is unset or empty.

    Args:
        environ: The environment to read; `os.environ` by default.

    Returns:
        The policy, or `None`.

    Raises:
        ConfigurationError: The variable holds something other than a policy.

    Example:
        >>> access_methods_from_env({"BEDROCK_ACCESS_METHODS": "regional"})
        (<AccessMethod.REGIONAL_CRIS: 'regional_cris'>,)
        >>> access_methods_from_env({}) is None
        True
    """
    raw = (os.environ if environ is None else environ).get(ACCESS_METHODS_ENV)
    if raw is None or not raw.strip():
        return None
    methods, problem = _parse(raw)
    if problem is not None:
        msg = (
            f"The environment variable {ACCESS_METHODS_ENV}={raw!r} is not an access "
            f"policy: {problem}. Set it to a comma-separated list of {_CHOICES} in the "
            "order to try them (e.g. direct,regional), or unset it for the default "
            "order direct,regional,global."
        )
        raise ConfigurationError(msg)
    return methods


def resolve_access_methods(
    value: AccessMethodsInput | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> tuple[AccessMethod, ...]:
    """The policy in force: `value` if given, else the environment, else the default order.

    Args:
        value: What the caller passed as `access_methods=`, or `None`.
        environ: The environment to read; `os.environ` by default.

    Returns:
        The policy.

    Raises:
        ParameterValidationError: `value` is not a policy.
        ConfigurationError: `value` is `None` and the variable is not a policy.

    Example:
        >>> resolve_access_methods(environ={})
        (<AccessMethod.DIRECT: 'direct'>, <AccessMethod.REGIONAL_CRIS: 'regional_cris'>, \
<AccessMethod.GLOBAL_CRIS: 'global_cris'>)
    """
    if value is not None:
        return parse_access_methods(value)
    return access_methods_from_env(environ) or DEFAULT_ORDER


def default_access_methods() -> tuple[AccessMethod, ...]:
    """The policy when none is given: `BEDROCK_ACCESS_METHODS`, else the default order.

    Returns:
        The policy.

    Raises:
        ConfigurationError: The variable is not a policy.

    Example:
        >>> default_access_methods()[0]  # doctest: +SKIP
        <AccessMethod.DIRECT: 'direct'>
    """
    return resolve_access_methods(None)


def _parse(value: object) -> tuple[tuple[AccessMethod, ...], str | None]:
    """The policy and `None`, or `()` and what is wrong with `value`."""
    items: list[object]
    if isinstance(value, AccessMethod):
        items = [value]
    elif isinstance(value, str):
        items = list(value.split(",")) if value.strip() else []
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        return (), f"expected names such as {_CHOICES}, not {value!r}"
    methods: list[AccessMethod] = []
    for item in items:
        method = _method(item)
        if method is None:
            return (), _unknown(item)
        if method in methods:
            return (), f"{policy_name(method)!r} is listed twice"
        methods.append(method)
    if not methods:
        return (), f"it is empty; allow at least one of {_CHOICES}"
    return tuple(methods), None


def _method(item: object) -> AccessMethod | None:
    if isinstance(item, AccessMethod):
        return item if item in _ALLOWED else None
    if not isinstance(item, str):
        return None
    name = item.strip().lower()
    if name in ACCESS_POLICY_NAMES:
        return ACCESS_POLICY_NAMES[name]
    try:
        # The enum's own values ("regional_cris"), as a serialised model holds them.
        method = AccessMethod(name)
    except ValueError:
        return None
    return method if method in _ALLOWED else None


def _unknown(item: object) -> str:
    if item == AccessMethod.APPLICATION_PROFILE:
        return (
            "'application_profile' is not a choice: an application-profile ARN given "
            "as the model ID is always sent as given"
        )
    return f"{item!r} is not an access method; use {_CHOICES}"
