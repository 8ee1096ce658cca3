"""The texts of the errors that explain access: profiles, the policy, the troubleshooting guide.

They read best beside each other: the three messages of `ProfileRequirementError`
(a profile is needed, the policy forbids it, the region does not offer the model)
share their wording, and every message the troubleshooting guide explains ends with
`see_troubleshooting(anchor)`.

Example:
    >>> from langchain_bedrock_enhanced.model_ids import AccessMethod
    >>> not_offered_message("amazon.nova-pro-v1:0", "sa-east-1",
    ...     (("amazon.nova-pro-v1:0", AccessMethod.DIRECT),))[:60]
    "Model 'amazon.nova-pro-v1:0' is not offered in sa-east-1: Be"
"""

from __future__ import annotations

from collections.abc import Mapping

from langchain_bedrock_enhanced.model_ids import (
    ACCESS_METHODS_ENV,
    DEFAULT_ORDER,
    AccessMethod,
    policy_name,
)

__all__ = [
    "TROUBLESHOOTING",
    "Attempt",
    "not_offered_message",
    "policy_message",
    "profile_requirement_message",
    "see_troubleshooting",
]

Attempt = tuple[str | None, AccessMethod | str]
"""`(model ID sent or None, access method)` of one attempt."""

TROUBLESHOOTING = "docs/troubleshooting.md"
"""The guide that error messages point to, as a path in the project's repository."""


def see_troubleshooting(anchor: str) -> str:
    """The sentence that ends a message whose error the troubleshooting guide explains.

    Args:
        anchor: The heading's anchor in the guide.

    Returns:
        The sentence.

    Example:
        >>> see_troubleshooting("throttling-and-quotas")
        'See docs/troubleshooting.md#throttling-and-quotas.'
    """
    return f"See {TROUBLESHOOTING}#{anchor}."


def _model_and_where(model_id: str | None, region: str | None) -> tuple[str, str]:
    return (f"Model {model_id!r}" if model_id else "The model", f" in {region}" if region else "")


def _attempts(tried: tuple[Attempt, ...]) -> str:
    return ", ".join(f"{method} ({sent})" if sent else str(method) for sent, method in tried)


def profile_requirement_message(
    model_id: str | None,
    region: str | None,
    tried: tuple[Attempt, ...],
    suggested_profile_id: str | None,
) -> str:
    model, where = _model_and_where(model_id, region)
    text = (
        f"{model} does not support on-demand throughput{where}; "
        "Bedrock requires an inference profile that contains it."
    )
    if tried:
        text = f"{text} Tried: {_attempts(tried)}."
    if suggested_profile_id:
        return (
            f"{text} Use the inference profile {suggested_profile_id!r} as the model ID, "
            "or leave auto_inference_profile on so it is chosen for you."
        )
    return (
        f"{text} No inference profile for this model is known{where}: call it from a "
        "region that offers one, pass an inference profile ID or ARN as the model ID, "
        "or refresh the model catalog (ModelCatalog.refresh()) if AWS added a profile "
        f"recently. {see_troubleshooting('a-model-not-offered-in-the-region')}"
    )


def policy_message(
    model_id: str | None,
    region: str | None,
    tried: tuple[Attempt, ...],
    excluded: tuple[Attempt, ...],
    access_methods: tuple[AccessMethod, ...] | None,
) -> str:
    model, where = _model_and_where(model_id, region)
    blocked = " or ".join(_policy_label(sent, method) for sent, method in excluded)
    text = f"{model}{where} can only be reached through {blocked}, which the access policy forbids."
    if access_methods is not None:
        allowed = ", ".join(repr(policy_name(method)) for method in access_methods)
        text = f"{text} The policy allows only {allowed}."
    if tried:
        text = f"{text} Tried: {_attempts(tried)}."
    wanted = [
        *(access_methods or ()),
        *(m for m in DEFAULT_ORDER if m in {method for _, method in excluded}),
    ]
    names = tuple(dict.fromkeys(policy_name(method) for method in wanted))
    return (
        f"{text} If your data-residency rules allow it, add it to the policy: "
        f"access_methods={names!r} (or {ACCESS_METHODS_ENV}={','.join(names)}); otherwise "
        "call the model from a region where an allowed method serves it. "
        + see_troubleshooting("a-data-residency-policy-forbids-the-only-profile")
    )


_POLICY_LABELS: Mapping[str, str] = {
    AccessMethod.DIRECT: "direct (on-demand) access to",
    AccessMethod.REGIONAL_CRIS: "the regional profile",
    AccessMethod.GLOBAL_CRIS: "the global profile",
}


def _policy_label(sent: str | None, method: AccessMethod | str) -> str:
    what = _POLICY_LABELS.get(method, str(method))
    return f"{what} {sent!r}" if sent else what.removesuffix(" to")


def not_offered_message(
    model_id: str | None, region: str | None, tried: tuple[Attempt, ...]
) -> str:
    """The message when the region knew none of the identifiers tried.

    Args:
        model_id: The model the caller named.
        region: The region of the requests.
        tried: What was sent, in order.

    Returns:
        The message.
    """
    model, where = _model_and_where(model_id, region)
    return (
        f'{model} is not offered{where}: Bedrock answered "The provided model identifier '
        f'is invalid." for every way in tried ({_attempts(tried)}). Call it from a region '
        "that offers it (`langchain-bedrock-enhanced models --region R` lists them), or "
        "pass the ID or ARN of an inference profile whose source regions include this one. "
        + see_troubleshooting("a-model-not-offered-in-the-region")
    )
