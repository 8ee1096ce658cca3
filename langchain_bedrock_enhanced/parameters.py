"""The base of every family's parameter classes: limits, validation, request shaping.

A parameter class is the single source of truth for which model IDs it covers
(`MODELS`) and for their limits. An instance holds validated values, and renders
them as the Converse request carries them: `inference_config()` for
`inferenceConfig`, and `additional_model_request_fields()` for the family's own
keys in `additionalModelRequestFields`.

Example:
    >>> from langchain_bedrock_enhanced.models.claude import Claude35Parameters
    >>> params = Claude35Parameters(
    ...     model_id="anthropic.claude-3-5-haiku-20241022-v1:0", max_tokens=512, top_k=40
    ... )
    >>> params.inference_config()
    {'maxTokens': 512}
    >>> params.additional_model_request_fields()
    {'top_k': 40}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from typing_extensions import Self

from langchain_bedrock_enhanced.errors import ParameterValidationError
from langchain_bedrock_enhanced.model_ids import unversioned_model_id

__all__ = [
    "FAMILY_KWARGS",
    "MAX_STOP_SEQUENCES",
    "BedrockModelParameters",
    "ModelLimits",
    "SamplingRule",
]

MAX_STOP_SEQUENCES = 2500
"""Converse's own cap on `inferenceConfig.stopSequences` (botocore model, 1.44)."""

FAMILY_KWARGS: tuple[str, ...] = ("top_k",)
"""Keyword arguments that are family parameters rather than `ChatBedrockConverse` fields.

The model and the factory capture them before langchain-aws would move them into
`model_kwargs` (with a warning), so that the family's parameter class validates them
and places them under its own request key. Llama lists `top_k` too, so passing it
there is an error, not a silent drop.
"""

SamplingRule = Literal["any", "exclusive", "none"]
"""Which sampling parameters a model accepts.

`any`: temperature, top_p and top_k freely; `exclusive`: temperature *or* top_p,
not both (Claude 4.5 and later); `none`: no sampling parameters at all (Claude Opus
4.7 and later).
"""


@dataclass(frozen=True)
class ModelLimits:
    """What one model accepts.

    Example:
        >>> ModelLimits(max_output_tokens=4096, top_k=(0, 500)).temperature
        (0.0, 1.0)
    """

    max_output_tokens: int
    """The largest `max_tokens` the model accepts."""
    name: str = ""
    """A human name for messages (`Claude 3 Haiku`)."""
    temperature: tuple[float, float] = (0.0, 1.0)
    """Inclusive temperature range."""
    top_p: tuple[float, float] = (0.0, 1.0)
    """Inclusive top_p range."""
    top_k: tuple[int, int] | None = None
    """Inclusive top_k range, or `None` when the model has no top_k."""
    sampling: SamplingRule = "any"
    """Which sampling parameters may be combined."""


class BedrockModelParameters(BaseModel):
    """Validated inference parameters for one model family.

    Subclasses set `MODELS` (base model ID -> `ModelLimits`) and, where the family
    has top_k, add a `top_k` field (and set `TOP_K_PATH` if it is nested).
    Without `model_id`, the loosest limits across `MODELS` apply.

    Example:
        >>> from langchain_bedrock_enhanced.models.nova import NovaParameters
        >>> NovaParameters(model_id="amazon.nova-lite-v1:0", temperature=0.2).temperature
        0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {}
    """Every base model ID this class covers, with its limits."""
    TOP_K_PATH: ClassVar[tuple[str, ...]] = ("top_k",)
    """Where top_k goes in `additionalModelRequestFields` (Nova nests it)."""

    model_id: str | None = None
    """The base model ID the values are validated for (`None`: loosest limits)."""
    temperature: float | None = Field(default=None, ge=0, le=1)
    """Sampling temperature; `None` leaves the model's default."""
    top_p: float | None = Field(default=None, ge=0, le=1)
    """Nucleus sampling probability mass; `None` leaves the model's default."""
    max_tokens: int | None = Field(default=None, ge=1)
    """The most tokens to generate; at most the model's output limit."""
    stop_sequences: tuple[str, ...] | None = Field(default=None, alias="stop")
    """Strings that end generation; at most 2500 non-empty strings."""

    @classmethod
    def supported_models(cls) -> tuple[str, ...]:
        """Every base model ID this class covers.

        Returns:
            The IDs, sorted.

        Example:
            >>> from langchain_bedrock_enhanced.models.llama import Llama4Parameters
            >>> "meta.llama4-scout-17b-instruct-v1:0" in Llama4Parameters.supported_models()
            True
        """
        return tuple(sorted(cls.MODELS))

    @classmethod
    def limits_for(cls, model_id: str | None) -> ModelLimits:
        """The limits for `model_id`: exact match, then by versioned base.

        Args:
            model_id: A base model ID, or `None` for the loosest limits of the class.

        Returns:
            The limits that apply.

        Example:
            >>> from langchain_bedrock_enhanced.models.claude import Claude3Parameters
            >>> Claude3Parameters.limits_for(
            ...     "anthropic.claude-3-haiku-20240307-v1:0"
            ... ).max_output_tokens
            4096
        """
        if model_id is not None:
            if model_id in cls.MODELS:
                return cls.MODELS[model_id]
            stem = unversioned_model_id(model_id)
            for known, limits in cls.MODELS.items():
                if unversioned_model_id(known) == stem:
                    return limits
        return cls._loosest()

    @classmethod
    def _loosest(cls) -> ModelLimits:
        if not cls.MODELS:
            return ModelLimits(max_output_tokens=2**31 - 1)
        every = list(cls.MODELS.values())
        top_ks = [lim.top_k for lim in every if lim.top_k is not None]
        rules: list[SamplingRule] = [lim.sampling for lim in every]
        return ModelLimits(
            max_output_tokens=max(lim.max_output_tokens for lim in every),
            name=cls.__name__,
            temperature=(
                min(lim.temperature[0] for lim in every),
                max(lim.temperature[1] for lim in every),
            ),
            top_p=(min(lim.top_p[0] for lim in every), max(lim.top_p[1] for lim in every)),
            top_k=(min(k[0] for k in top_ks), max(k[1] for k in top_ks)) if top_ks else None,
            sampling="any" if "any" in rules else ("exclusive" if "exclusive" in rules else "none"),
        )

    @model_validator(mode="after")
    def _check_against_model_limits(self) -> Self:
        limits = self.limits_for(self.model_id)
        label = limits.name or self.model_id or type(self).__name__
        problems = [
            *self._sampling_problems(limits, label),
            *self._length_problems(limits, label),
        ]
        if problems:
            # A ValueError to pydantic, which reports it once and without a field; the
            # pairs it carries let `validated` name every parameter, as field errors do.
            text = "; ".join(dict.fromkeys(text for _, text in problems))
            raise ParameterValidationError(text, problems=problems, model_id=self.model_id)
        return self

    def _sampling_problems(self, limits: ModelLimits, label: str) -> list[tuple[str, str]]:
        top_k: int | None = getattr(self, "top_k", None)
        given = {
            name: value
            for name, value in (
                ("temperature", self.temperature),
                ("top_p", self.top_p),
                ("top_k", top_k),
            )
            if value is not None
        }
        if limits.sampling == "none" and given:
            text = f"{label} accepts no sampling parameters; remove {', '.join(given)}"
            return [(name, text) for name in given]
        problems: list[tuple[str, str]] = []
        if limits.sampling == "exclusive" and {"temperature", "top_p"} <= given.keys():
            text = f"{label} rejects temperature together with top_p; set only one of them"
            problems.extend([("temperature", text), ("top_p", text)])
        problems.extend(_range_problem("temperature", self.temperature, limits.temperature))
        problems.extend(_range_problem("top_p", self.top_p, limits.top_p))
        if top_k is not None and limits.top_k is None:
            problems.append(("top_k", f"{label} has no top_k; remove it"))
        elif top_k is not None and limits.top_k is not None:
            problems.extend(_range_problem("top_k", top_k, limits.top_k))
        return problems

    def _length_problems(self, limits: ModelLimits, label: str) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        if self.max_tokens is not None and self.max_tokens > limits.max_output_tokens:
            text = (
                f"max_tokens={self.max_tokens} exceeds the output limit of {label} "
                f"({limits.max_output_tokens})"
            )
            problems.append(("max_tokens", text))
        stops = self.stop_sequences or ()
        if len(stops) > MAX_STOP_SEQUENCES:
            text = f"at most {MAX_STOP_SEQUENCES} stop sequences are accepted"
            problems.append(("stop_sequences", text))
        if any(not stop for stop in stops):
            problems.append(("stop_sequences", "stop sequences must be non-empty strings"))
        return problems

    def inference_config(self) -> dict[str, Any]:
        """The values for Converse `inferenceConfig`, unset ones left out.

        Returns:
            camelCase keys: `maxTokens`, `temperature`, `topP`, `stopSequences`.

        Example:
            >>> from langchain_bedrock_enhanced.models.nova import NovaParameters
            >>> NovaParameters(temperature=0.5, stop=["END"]).inference_config()
            {'temperature': 0.5, 'stopSequences': ['END']}
        """
        config = {
            "maxTokens": self.max_tokens,
            "temperature": self.temperature,
            "topP": self.top_p,
            "stopSequences": list(self.stop_sequences) if self.stop_sequences else None,
        }
        return {key: value for key, value in config.items() if value is not None}

    def additional_model_request_fields(self) -> dict[str, Any]:
        """The family's own keys for `additionalModelRequestFields`.

        Returns:
            top_k placed at `TOP_K_PATH` when set; otherwise nothing.

        Example:
            >>> from langchain_bedrock_enhanced.models.nova import NovaParameters
            >>> NovaParameters(top_k=5).additional_model_request_fields()
            {'inferenceConfig': {'topK': 5}}
        """
        return self.request_fields_for({"top_k": getattr(self, "top_k", None)})

    @classmethod
    def request_fields_for(cls, values: Mapping[str, Any]) -> dict[str, Any]:
        """Place raw family values in this family's request layout, unvalidated.

        Args:
            values: Family values by field name (only `top_k` today).

        Returns:
            The `additionalModelRequestFields` fragment.

        Example:
            >>> BedrockModelParameters.request_fields_for({"top_k": 3})
            {'top_k': 3}
        """
        top_k = values.get("top_k")
        if top_k is None:
            return {}
        fragment: dict[str, Any] = {cls.TOP_K_PATH[-1]: top_k}
        for key in reversed(cls.TOP_K_PATH[:-1]):
            fragment = {key: fragment}
        return fragment

    @classmethod
    def read_additional_fields(cls, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Pick this family's values out of user-given `additionalModelRequestFields`.

        The inverse of `request_fields_for`: values given as raw request fields are
        validated like keyword arguments.

        Args:
            fields: `additional_model_request_fields` as the user gave them.

        Returns:
            Parameter values by field name (e.g. `{"top_k": 5}`).

        Example:
            >>> BedrockModelParameters.read_additional_fields({"top_k": 5, "x": 1})
            {'top_k': 5}
        """
        node: Any = fields
        for key in cls.TOP_K_PATH:
            if not isinstance(node, Mapping) or key not in node:
                return {}
            node = node[key]
        return {"top_k": node}

    @classmethod
    def without_additional_fields(cls, fields: Mapping[str, Any]) -> dict[str, Any]:
        """`fields` minus the keys `read_additional_fields` recognises.

        Args:
            fields: `additional_model_request_fields` as the user gave them.

        Returns:
            The remaining fields, to pass through untouched.

        Example:
            >>> BedrockModelParameters.without_additional_fields({"top_k": 1, "thinking": {}})
            {'thinking': {}}
        """
        return _without_path(fields, cls.TOP_K_PATH)

    @classmethod
    def validated(
        cls, values: Mapping[str, Any], *, region: str | None = None
    ) -> BedrockModelParameters:
        """Build an instance, raising `ParameterValidationError` on bad values.

        Args:
            values: Field values by name (`model_id`, `temperature`, ...).
            region: The region, for the error's context.

        Returns:
            The validated instance.

        Raises:
            ParameterValidationError: Listing every problem, before any request.

        Example:
            >>> from langchain_bedrock_enhanced.models.llama import Llama3Parameters
            >>> Llama3Parameters.validated({"top_k": 5})
            Traceback (most recent call last):
            ...
            langchain_bedrock_enhanced.errors.ParameterValidationError: ...
        """
        try:
            return cls.model_validate(dict(values))
        except ValidationError as err:
            problems = [problem for error in err.errors() for problem in _describe(error)]
            model_id = values.get("model_id")
            detail = "; ".join(f"{name}: {text}" if name else text for name, text in problems)
            msg = (
                f"Invalid parameters for {model_id or cls.__name__} "
                f"({cls.__name__}): {detail}. Nothing was sent to Bedrock."
            )
            raise ParameterValidationError(
                msg,
                problems=problems,
                model_id=model_id if isinstance(model_id, str) else None,
                region=region,
            ) from err

    @classmethod
    def from_inference_config(
        cls, config: object, *, model_id: str | None = None, region: str | None = None
    ) -> BedrockModelParameters:
        """Validate a Converse `inferenceConfig` given whole (`inference_config=` at call time).

        Its values are held to the same types and limits as keyword arguments; a key
        Converse does not define is an error too.

        Args:
            config: `{"maxTokens": ..., "temperature": ..., "topP": ..., "stopSequences": ...}`.
            model_id: The listed model ID the values are for (its limits apply).
            region: The region, for the error's context.

        Returns:
            The validated instance; its `inference_config()` is what to send.

        Raises:
            ParameterValidationError: A key, type or value Bedrock would refuse.

        Example:
            >>> BedrockModelParameters.from_inference_config(
            ...     {"temperature": 1, "stopSequences": ("END",)}
            ... ).inference_config()
            {'temperature': 1.0, 'stopSequences': ['END']}
        """
        problems = _inference_config_problems(config)
        if problems or not isinstance(config, Mapping):
            detail = "; ".join(f"{name}: {text}" for name, text in problems)
            msg = f"Invalid parameters for {model_id or cls.__name__}: {detail}. Nothing was sent."
            raise ParameterValidationError(msg, problems=problems, model_id=model_id, region=region)
        values = {
            _INFERENCE_CONFIG_FIELDS[key]: value
            for key, value in config.items()
            if value is not None
        }
        check_value_types(values, model_id=model_id, region=region)
        return cls.validated({"model_id": model_id, **values}, region=region)

    @classmethod
    def from_chat_model(cls, chat: Any, model_id: str) -> BedrockModelParameters:  # noqa: ANN401 - any ChatBedrockConverse
        """Validate a chat model's sampling fields and family request fields for `model_id`.

        Args:
            chat: A `ChatBedrockConverse` (or one of this package's models).
            model_id: The listed model ID the parameters are for.

        Returns:
            The validated instance.

        Raises:
            ParameterValidationError: A value is outside what the model accepts.

        Example:
            >>> from types import SimpleNamespace
            >>> from langchain_bedrock_enhanced.models.nova import NovaParameters
            >>> chat = SimpleNamespace(temperature=0.4, region_name="us-east-1")
            >>> NovaParameters.from_chat_model(chat, "amazon.nova-lite-v1:0").temperature
            0.4
        """
        fields = getattr(chat, "additional_model_request_fields", None) or {}
        values = {
            "model_id": model_id,
            "temperature": getattr(chat, "temperature", None),
            "top_p": getattr(chat, "top_p", None),
            "max_tokens": getattr(chat, "max_tokens", None),
            "stop_sequences": getattr(chat, "stop_sequences", None),
            **cls.read_additional_fields(fields),
        }
        return cls.validated(values, region=getattr(chat, "region_name", None))


def value_type_problems(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The values whose type Bedrock would refuse, however the model's limits read.

    Pydantic converts leniently (`"0.5"` to 0.5, `True` to 1.0, `1.0` to 1), which
    suits values a `ChatBedrockConverse` field has already parsed, but not values
    given at call time, which would be sent as they are. These are the types of
    botocore's `InferenceConfiguration` shapes, except that a bool is no number (it
    is an `int` to Python and to botocore, and `true` to Bedrock, which rejects it).

    Args:
        values: Values by field name (`temperature`, `top_p`, `max_tokens`,
            `stop_sequences`, `top_k`); `None` and other names are skipped.

    Returns:
        One `(field, explanation)` pair per value of the wrong type.

    Example:
        >>> for problem in value_type_problems({"temperature": "0.5", "max_tokens": 1.0}):
        ...     print(problem)
        ('temperature', "expected a number, got str '0.5'")
        ('max_tokens', 'expected an int, got float 1.0')
    """
    problems: list[tuple[str, str]] = []
    for name, value in values.items():
        problem = None if value is None else _type_problem(name, value)
        if problem is not None:
            problems.append((name, problem))
    return problems


def check_value_types(
    values: Mapping[str, Any], *, model_id: str | None = None, region: str | None = None
) -> None:
    """Raise `ParameterValidationError` when a value has a type Bedrock refuses.

    Args:
        values: Values by field name, as for `value_type_problems`.
        model_id: The model, for the message and the error's context.
        region: The region, for the error's context.

    Raises:
        ParameterValidationError: Naming every value of the wrong type.

    Example:
        >>> check_value_types({"temperature": True}, model_id="amazon.nova-lite-v1:0")
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.errors.ParameterValidationError: Invalid parameters ...
    """
    problems = value_type_problems(values)
    if not problems:
        return
    detail = "; ".join(f"{name}: {text}" for name, text in problems)
    msg = (
        f"Invalid parameters for {model_id or 'this call'}: {detail}. Nothing was sent to Bedrock."
    )
    raise ParameterValidationError(msg, problems=problems, model_id=model_id, region=region)


_INFERENCE_CONFIG_FIELDS = {
    "maxTokens": "max_tokens",
    "temperature": "temperature",
    "topP": "top_p",
    "stopSequences": "stop_sequences",
}
"""botocore's `InferenceConfiguration` members, and the fields they fill."""
_NUMBERS = ("temperature", "top_p")
_INTEGERS = ("max_tokens", "top_k")


def _inference_config_problems(config: object) -> list[tuple[str, str]]:
    if not isinstance(config, Mapping):
        return [("inference_config", f"expected a mapping, got {_shown(config)}")]
    known = ", ".join(_INFERENCE_CONFIG_FIELDS)
    return [
        (f"inference_config.{key}", f"is not a field of Converse inferenceConfig ({known})")
        for key in config
        if key not in _INFERENCE_CONFIG_FIELDS
    ]


def _type_problem(name: str, value: object) -> str | None:
    if name in _NUMBERS:
        # botocore's float shapes take float, int and Decimal.
        if isinstance(value, bool) or not isinstance(value, (float, int, Decimal)):
            return f"expected a number, got {_shown(value)}"
    elif name in _INTEGERS:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"expected an int, got {_shown(value)}"
    elif name == "stop_sequences":
        if not isinstance(value, (list, tuple)):
            return f"expected a list of strings, got {_shown(value)}"
        for index, item in enumerate(value):
            if not isinstance(item, str):
                return f"expected a list of strings; item {index} is {_shown(item)}"
    return None


def _shown(value: object) -> str:
    text = repr(value)
    if len(text) > 40:  # noqa: PLR2004 - enough to recognise a value
        text = f"{text[:37]}..."
    if isinstance(value, bool):
        return f"bool {text} (a bool is not a number)"
    return f"{type(value).__name__} {text}"


def _without_path(fields: Mapping[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    result = dict(fields)
    head, rest = path[0], path[1:]
    if head not in result:
        return result
    if not rest:
        del result[head]
        return result
    inner = result[head]
    if isinstance(inner, Mapping):
        pruned = _without_path(inner, rest)
        if pruned:
            result[head] = pruned
        else:
            del result[head]
    return result


def _range_problem(
    name: str, value: float | None, bounds: tuple[float, float]
) -> list[tuple[str, str]]:
    if value is None:
        return []
    low, high = bounds
    if low <= value <= high:
        return []
    return [(name, f"{name}={value} is outside [{low:g}, {high:g}]")]


def _describe(error: Mapping[str, Any]) -> list[tuple[str, str]]:
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, ParameterValidationError):
        return list(cause.problems)
    location = ".".join(str(part) for part in error.get("loc", ()))
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        message = "is not a parameter of this model family"
    return [(location, message)]
