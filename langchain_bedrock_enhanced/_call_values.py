"""Call-time sampling values, validated like construction-time ones, in the shape sent.

langchain-aws passes a call's values to `_converse_params` in camelCase
(`temperature`, `topP`, `maxTokens`, `stop`, `topK`, `inferenceConfig`,
`additionalModelRequestFields`). They are checked for type first (a bool is not a
number, a float is not an int), then validated by the model's parameter class merged
with its construction-time values, or held to the Converse API's own bounds when no
family claims the model; the validated values replace the given ones.

Example:
    >>> validated_call_kwargs({"temperature": 1}, None, model_id="m", region=None)
    {'temperature': 1.0}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langchain_bedrock_enhanced.parameters import BedrockModelParameters, check_value_types

__all__ = ["deep_merge", "validated_call_kwargs"]


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def validated_call_kwargs(
    kwargs: Mapping[str, Any],
    parameters: BedrockModelParameters | None,
    *,
    model_id: str,
    region: str | None,
) -> dict[str, Any]:
    """`kwargs` (camelCase, as langchain-aws passes them) with validated values.

    Args:
        kwargs: The call's keyword arguments, as `_converse_params` receives them.
        parameters: The model's validated parameters, or None when no family claims it.
        model_id: The model, for the error's context.
        region: The region, for the error's context.

    Returns:
        A copy of `kwargs` with every sampling value validated.

    A family validates the call's values merged with the constructor's, against
    the model's limits. Without one, the call's values are held to the Converse
    API's own bounds, and top_k to its type. Either way a value of the wrong type
    (a string, a bool, a float for an int) is an error, not converted.

    Raises:
        ParameterValidationError: A call-time value is of the wrong type or out
            of range; nothing was sent.
    """
    kwargs = dict(kwargs)
    top_k = kwargs.pop("topK", None)
    layout = type(parameters) if parameters is not None else BedrockModelParameters
    invoke_fields = dict(kwargs.get("additionalModelRequestFields") or {})
    call_values = {
        "temperature": kwargs.get("temperature"),
        "top_p": kwargs.get("topP"),
        "max_tokens": kwargs.get("maxTokens"),
        # langchain-aws sends `stop or stopSequences`: an empty list is no value.
        "stop_sequences": kwargs.get("stop") or kwargs.get("stopSequences") or None,
        "top_k": top_k,
    }
    given: dict[str, Any] = {
        **(layout.read_additional_fields(invoke_fields) if parameters is not None else {}),
        **{name: value for name, value in call_values.items() if value is not None},
    }
    check_value_types(given, model_id=model_id, region=region)
    inference = kwargs.get("inferenceConfig")
    if inference:
        # langchain-aws sends a call's inference_config as it is, in place of
        # every other sampling value.
        kwargs["inferenceConfig"] = layout.from_inference_config(
            inference,
            model_id=parameters.model_id if parameters is not None else model_id,
            region=region,
        ).inference_config()
    if parameters is None:
        return _with_converse_bounds(kwargs, given, model_id=model_id, region=region)
    if given:
        merged = {**parameters.model_dump(exclude_none=True), **given}
        validated = layout.validated(merged, region=region)
        _put_validated(kwargs, given, validated)
        fields = deep_merge(
            layout.without_additional_fields(invoke_fields),
            validated.additional_model_request_fields(),
        )
        kwargs["additionalModelRequestFields"] = fields or None
    return kwargs


def _with_converse_bounds(
    kwargs: dict[str, Any], given: Mapping[str, Any], *, model_id: str, region: str | None
) -> dict[str, Any]:
    """`kwargs` for a model no family claims: Converse's own bounds, top_k as given."""
    general = {name: value for name, value in given.items() if name != "top_k"}
    if general:
        validated = BedrockModelParameters.validated(
            {"model_id": model_id, **general}, region=region
        )
        _put_validated(kwargs, general, validated)
    if "top_k" in given:
        kwargs["additionalModelRequestFields"] = {
            **(kwargs.get("additionalModelRequestFields") or {}),
            "top_k": given["top_k"],
        }
    return kwargs


def _put_validated(
    kwargs: dict[str, Any], given: Mapping[str, Any], validated: BedrockModelParameters
) -> None:
    """Replace the call's sampling values in `kwargs` by their validated forms."""
    for name, camel in (("temperature", "temperature"), ("top_p", "topP")):
        if name in given:
            kwargs[camel] = getattr(validated, name)
    if "max_tokens" in given:
        kwargs["maxTokens"] = validated.max_tokens
    if "stop_sequences" in given:
        kwargs["stop"] = list(validated.stop_sequences or ())
        kwargs.pop("stopSequences", None)
