"""`EnhancedChatBedrockConverse`: `ChatBedrockConverse` plus model-family knowledge.

The class is a drop-in subclass of langchain-aws's `ChatBedrockConverse`: same
constructor, fields, client construction and serialization. On the base class
`PARAMETER_CLASSES` is empty, so any model ID `ChatBedrockConverse` accepts is
accepted unvalidated. Family subclasses in `langchain_bedrock_enhanced.models` set
`PARAMETER_CLASSES` and override small hooks:

- `accepts_system_prompt`: whether system prompts are sent as such, or folded into
  the first user turn;
- `tool_choice_values_for`: the `tool_choice` values the model supports;
- `tools_streamable`: whether a call with tools may be streamed (if not, langchain-aws
  falls back to one non-streaming call, `disable_streaming="tool_calling"`);
- `extract_stream_text`: the text of one stream event;
- `format_invoke_body` / `parse_invoke_response`: native InvokeModel bodies.

Every call goes through the access engine (`langchain_bedrock_enhanced.access`):
the model ID sent is chosen per call (direct, regional or global inference profile),
a "needs an inference profile" answer is retried at once with the next method, and
`response_metadata` says how the call was served. `auto_inference_profile=False`
turns this off.

Example:
    >>> from langchain_bedrock_enhanced import create_langchain_chatbedrock
    >>> model = create_langchain_chatbedrock(  # doctest: +SKIP
    ...     "us.anthropic.claude-sonnet-4-5-20250929-v1:0", temperature=0.2
    ... )
    >>> model.parameters.temperature  # doctest: +SKIP
    0.2
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

from langchain_aws import ChatBedrockConverse
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator
from typing_extensions import Self, override

from langchain_bedrock_enhanced import _native_invoke as native_invoke
from langchain_bedrock_enhanced import _sending as sending
from langchain_bedrock_enhanced import request_checks
from langchain_bedrock_enhanced._call_values import deep_merge, validated_call_kwargs
from langchain_bedrock_enhanced._transport import async_capture, async_clients
from langchain_bedrock_enhanced._transport.sessions import build_missing_clients
from langchain_bedrock_enhanced._transport.user_agent import memoize_user_agent
from langchain_bedrock_enhanced.access.engine import (
    AccessEngine,
    SendAs,
)
from langchain_bedrock_enhanced.access.policy import default_access_methods, resolve_access_methods
from langchain_bedrock_enhanced.catalog.lifecycle import check_on_construction
from langchain_bedrock_enhanced.errors import (
    BedrockEnhancedError,
    ConfigurationError,
    UnsupportedModelError,
)
from langchain_bedrock_enhanced.model_ids import AccessMethod, parse_model_id, unversioned_model_id
from langchain_bedrock_enhanced.parameters import (
    FAMILY_KWARGS,
    BedrockModelParameters,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable

    from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
    from langchain_core.language_models import LanguageModelInput
    from langchain_core.outputs import ChatGenerationChunk, ChatResult
    from langchain_core.runnables import RunnableConfig

    from langchain_bedrock_enhanced.runnables.retry import BedrockRetryRunnable

__all__ = ["EnhancedChatBedrockConverse", "ToolChoiceValue"]

logger = logging.getLogger(__name__)

ToolChoiceValue = Literal["auto", "any", "tool"]
"""A `tool_choice` kind Bedrock understands."""


def _fold_system(messages: Sequence[BaseMessage], extra_system: Sequence[str]) -> list[BaseMessage]:
    """Move system text into the first user turn, for models without system prompts."""
    system_text = [*extra_system]
    rest: list[BaseMessage] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            if text := message.text:
                system_text.append(text)
        else:
            rest.append(message)
    if not system_text:
        return rest
    preamble = "\n\n".join(system_text)
    for index, message in enumerate(rest):
        if isinstance(message, HumanMessage):
            content = message.content
            if isinstance(content, str):
                new_content: str | list[str | dict[Any, Any]] = f"{preamble}\n\n{content}"
            else:
                new_content = [{"type": "text", "text": preamble}, *content]
            rest[index] = message.model_copy(update={"content": new_content})
            return rest
    return [HumanMessage(content=preamble), *rest]


class EnhancedChatBedrockConverse(ChatBedrockConverse):
    """A drop-in `ChatBedrockConverse` that knows each model family's limits.

    Construct it exactly like `ChatBedrockConverse`. Family subclasses validate
    temperature, top_p, top_k, max_tokens and stop sequences at construction and at
    call time, before anything is sent; `parameters` holds the validated values, and
    those are the values the request carries. On this base class no family applies
    and every model ID is accepted as `ChatBedrockConverse` would accept it.

    Example:
        >>> from langchain_bedrock_enhanced import EnhancedChatBedrockConverse
        >>> model = EnhancedChatBedrockConverse(
        ...     model="cohere.command-r-v1:0", region_name="us-east-1"
        ... )
        >>> model.parameters is None
        True
    """

    PARAMETER_CLASSES: ClassVar[tuple[type[BedrockModelParameters], ...]] = ()
    """The family's parameter classes; together they list every supported model ID."""
    PROVIDER: ClassVar[str | None] = None
    """The provider segment of the family's model IDs (`anthropic`, `amazon`, ...)."""

    auto_inference_profile: bool = Field(default=True)
    """Choose the access method per call and fall back to inference profiles when needed."""
    access_methods: tuple[AccessMethod, ...] = Field(default_factory=default_access_methods)
    """The access policy: which of `"direct"`, `"regional"` and `"global"` the engine may
    use for a bare model ID, in the order to try them (data residency: leave out
    `"global"`). Default: `BEDROCK_ACCESS_METHODS`, else all three in that order. Profile
    IDs and ARNs given as the model ID are sent as given; see
    `langchain_bedrock_enhanced.access.policy`."""

    _parameters: BedrockModelParameters | None = PrivateAttr(default=None)
    _folded_system: tuple[str, ...] = PrivateAttr(default=())
    _engine: AccessEngine | None = PrivateAttr(default=None)
    _factory_arguments: dict[str, Any] | None = PrivateAttr(default=None)
    _caller_client: bool = PrivateAttr(default=False)

    def __init__(self, **kwargs: Any) -> None:  # noqa: ANN401 - ChatBedrockConverse's own
        """Build the model; raise our typed errors rather than pydantic's wrapper.

        Args:
            **kwargs: Exactly the arguments of `ChatBedrockConverse`, plus `top_k`
                for families that have it.

        Raises:
            ParameterValidationError: A parameter is outside what the model accepts.
            UnsupportedModelError: A family class was given a model it does not cover.
        """
        try:
            super().__init__(**kwargs)
            self._caller_client = kwargs.get("client") is not None
            if not self._caller_client:
                memoize_user_agent(self.client)
        except ValidationError as err:
            # Pydantic wraps ValueErrors raised in validators. Our errors are
            # ValueErrors (for drop-in compatibility), so unwrap them: callers get
            # the typed error with its context, and the pydantic error as cause.
            for detail in err.errors():
                original = (detail.get("ctx") or {}).get("error")
                if isinstance(original, BedrockEnhancedError):
                    raise original from err
            raise

    # ----------------------------------------------------------------- hooks

    @classmethod
    def tool_choice_values_for(cls, base_model_id: str) -> tuple[ToolChoiceValue, ...] | None:
        """The `tool_choice` values `base_model_id` supports.

        Args:
            base_model_id: The resolved base model ID.

        Returns:
            The supported values, or `None` to keep langchain-aws's inference.

        Example:
            >>> EnhancedChatBedrockConverse.tool_choice_values_for("x.y-v1:0") is None
            True
        """
        del base_model_id
        return None

    @classmethod
    def tools_streamable(cls, base_model_id: str) -> bool | None:
        """Whether a call with tools may be streamed for `base_model_id`.

        Args:
            base_model_id: The base model ID (lower-cased).

        Returns:
            `True`, `False` (stream without tools: fall back to one non-streaming call
            when tools are bound), or `None` to keep langchain-aws's table.

        Example:
            >>> EnhancedChatBedrockConverse.tools_streamable("x.y-v1:0") is None
            True
        """
        del base_model_id
        return None

    def accepts_system_prompt(self) -> bool:
        """Whether this model accepts system prompts.

        Returns:
            `True` on the base class. When `False`, system messages (and the
            `system` field) are folded into the first user turn.

        Example:
            >>> model = EnhancedChatBedrockConverse(
            ...     model="amazon.nova-lite-v1:0", region_name="us-east-1"
            ... )
            >>> model.accepts_system_prompt()
            True
        """
        return True

    @classmethod
    def extract_stream_text(cls, event: Mapping[str, Any]) -> str:
        """The text carried by one stream event.

        The base class understands Converse stream events; families extend it to
        their native InvokeModelWithResponseStream chunks.

        Args:
            event: One decoded stream event or chunk body.

        Returns:
            The text, or `""` for events without text.

        Example:
            >>> EnhancedChatBedrockConverse.extract_stream_text(
            ...     {"contentBlockDelta": {"delta": {"text": "Hi"}, "contentBlockIndex": 0}}
            ... )
            'Hi'
        """
        delta = event.get("contentBlockDelta")
        if isinstance(delta, Mapping):
            text = (delta.get("delta") or {}).get("text")
            if isinstance(text, str):
                return text
        return ""

    @classmethod
    def format_invoke_body(
        cls,
        messages: Sequence[BaseMessage],
        parameters: BedrockModelParameters | None = None,
    ) -> dict[str, Any]:
        """The native InvokeModel request body for `messages`.

        Args:
            messages: The conversation.
            parameters: Validated parameters (their values go into the body).

        Returns:
            The JSON body as a dict.

        Raises:
            NotImplementedError: On the base class, which knows no native format.

        Example:
            >>> from langchain_core.messages import HumanMessage
            >>> from langchain_bedrock_enhanced.models.llama import (
            ...     LlamaEnhancedChatBedrockConverse,
            ... )
            >>> body = LlamaEnhancedChatBedrockConverse.format_invoke_body(
            ...     [HumanMessage("Hi")]
            ... )
            >>> body["prompt"].startswith("<|begin_of_text|>")
            True
        """
        del messages, parameters
        msg = f"{cls.__name__} has no native InvokeModel format; use a family class."
        raise NotImplementedError(msg)

    @classmethod
    def parse_invoke_response(cls, body: Mapping[str, Any]) -> AIMessage:
        """Turn a native InvokeModel response body into an `AIMessage`.

        Args:
            body: The decoded JSON response body.

        Returns:
            The message, with usage metadata when the body reports it.

        Raises:
            NotImplementedError: On the base class, which knows no native format.

        Example:
            >>> from langchain_bedrock_enhanced.models.llama import (
            ...     LlamaEnhancedChatBedrockConverse,
            ... )
            >>> LlamaEnhancedChatBedrockConverse.parse_invoke_response(
            ...     {"generation": "Hello", "stop_reason": "stop"}
            ... ).content
            'Hello'
        """
        del body
        msg = f"{cls.__name__} has no native InvokeModel format; use a family class."
        raise NotImplementedError(msg)

    # ------------------------------------------------------ public accessors

    @property
    def parameters(self) -> BedrockModelParameters | None:
        """The validated parameters, or `None` when no family applies.

        Example:
            >>> model = EnhancedChatBedrockConverse(
            ...     model="amazon.nova-lite-v1:0", region_name="us-east-1"
            ... )
            >>> model.parameters is None
            True
        """
        return self._parameters

    @property
    def SUPPORTED_MODELS(self) -> tuple[str, ...]:  # noqa: N802 - kept for backward compatibility
        """Every base model ID this class supports (from `PARAMETER_CLASSES`).

        Example:
            >>> model = EnhancedChatBedrockConverse(
            ...     model="amazon.nova-lite-v1:0", region_name="us-east-1"
            ... )
            >>> model.SUPPORTED_MODELS
            ()
        """
        return self.get_supported_models()

    @classmethod
    def get_supported_models(cls) -> tuple[str, ...]:
        """Every base model ID this class supports (from `PARAMETER_CLASSES`).

        Returns:
            The IDs, sorted; empty on the base class.

        Example:
            >>> from langchain_bedrock_enhanced.models.nova import (
            ...     NovaEnhancedChatBedrockConverse,
            ... )
            >>> "amazon.nova-lite-v1:0" in NovaEnhancedChatBedrockConverse.get_supported_models()
            True
        """
        return tuple(sorted({m for p in cls.PARAMETER_CLASSES for m in p.MODELS}))

    @classmethod
    def parameter_class_for(
        cls, base_model_id: str
    ) -> tuple[type[BedrockModelParameters], str] | None:
        """The parameter class covering `base_model_id`, and the ID it lists.

        Exact match first, then by the versioned base before `:`.

        Args:
            base_model_id: A base model ID (no prefix, no ARN).

        Returns:
            `(parameter_class, listed_model_id)`, or `None` if none covers it.

        Example:
            >>> from langchain_bedrock_enhanced.models.claude import (
            ...     ClaudeEnhancedChatBedrockConverse,
            ... )
            >>> found = ClaudeEnhancedChatBedrockConverse.parameter_class_for(
            ...     "anthropic.claude-3-haiku-20240307-v1:1"
            ... )
            >>> found[0].__name__, found[1]
            ('Claude3Parameters', 'anthropic.claude-3-haiku-20240307-v1:0')
        """
        for parameter_class in cls.PARAMETER_CLASSES:
            if base_model_id in parameter_class.MODELS:
                return parameter_class, base_model_id
        stem = unversioned_model_id(base_model_id)
        for parameter_class in cls.PARAMETER_CLASSES:
            for listed in parameter_class.MODELS:
                if unversioned_model_id(listed) == stem:
                    return parameter_class, listed
        return None

    # ------------------------------------------------------------ validation

    @field_validator("access_methods", mode="before")
    @classmethod
    def _parse_access_methods(cls, value: Any) -> tuple[AccessMethod, ...]:  # noqa: ANN401 - raw input
        # Our typed errors are ValueErrors: __init__ unwraps them from pydantic's.
        return resolve_access_methods(value)

    @model_validator(mode="before")
    @classmethod
    def _prepare_family_values(cls, values: Any) -> Any:  # noqa: ANN401 - raw pydantic input
        if not isinstance(values, dict):
            return values
        values = dict(values)
        model_id = values.get("model_id", values.get("model"))
        if not isinstance(model_id, str):
            return values
        explicit_base = values.get("base_model_id", values.get("base_model"))
        parsed = parse_model_id(model_id)
        base = explicit_base if isinstance(explicit_base, str) else parsed.base_model_id
        if parsed.is_arn and not values.get("provider"):
            # langchain-aws insists on `provider` for ARNs; when the ARN (or the
            # family) tells us the provider, supply it rather than fail.
            provider = parse_model_id(base).provider if base else None
            if provider or cls.PROVIDER:
                values["provider"] = provider or cls.PROVIDER
        if not cls.PARAMETER_CLASSES:
            return values
        values = cls._capture_family_kwargs(values)
        if base and values.get("supports_tool_choice_values") is None:
            choices = cls.tool_choice_values_for(base)
            if choices is not None:
                values["supports_tool_choice_values"] = choices
        return values

    @classmethod
    def _capture_family_kwargs(cls, values: dict[str, Any]) -> dict[str, Any]:
        captured: dict[str, Any] = {}
        for name in FAMILY_KWARGS:
            if name in values:
                captured[name] = values.pop(name)
        model_kwargs = values.get("model_kwargs")
        if isinstance(model_kwargs, Mapping):
            model_kwargs = dict(model_kwargs)
            for name in FAMILY_KWARGS:
                if name in model_kwargs:
                    captured[name] = model_kwargs.pop(name)
            values["model_kwargs"] = model_kwargs
        if captured:
            # Every parameter class of a family shares its request layout, so the
            # first one can place the values; the after-validator reads them back.
            layout = cls.PARAMETER_CLASSES[0]
            fields = values.get("additional_model_request_fields") or {}
            values["additional_model_request_fields"] = deep_merge(
                fields, layout.request_fields_for(captured)
            )
        return values

    @model_validator(mode="after")
    def validate_environment(self) -> Self:
        """Build the clients langchain-aws would build, on sessions that share parsed data.

        Same credentials, profile, region, endpoint and `Config` as langchain-aws's
        own construction; see `_sessions`. Bearer-token auth and the default
        credential chain are left to langchain-aws.

        Returns:
            The model, with `client` and `bedrock_client` set.
        """
        build_missing_clients(self)
        # pydantic keeps the parent's validator as a plain function at run time.
        parent = cast("Callable[[], object]", super().validate_environment)
        parent()
        return self

    @model_validator(mode="after")
    def _apply_family_parameters(self) -> Self:
        base = self._resolved_base_model_id()
        if not self.PARAMETER_CLASSES:
            self._log_unclaimed()
            return self
        found = self.parameter_class_for(base) if base else None
        if found is None:
            if base is None:
                logger.debug(
                    "%s: base model of %r unknown; parameters sent unvalidated",
                    type(self).__name__,
                    self.model_id,
                )
                return self
            raise UnsupportedModelError.for_model(
                self.model_id,
                self.get_supported_models(),
                lookup_key=base,
                region=self.region_name,
            )
        parameter_class, listed_id = found
        # Past end of life: ModelNotFoundError; Legacy: DeprecationWarning (bundled data).
        check_on_construction(self.model_id, region=self.request_region, base_model_id=listed_id)
        given_fields = dict(self.additional_model_request_fields or {})
        parameters = parameter_class.from_chat_model(self, listed_id)
        self._parameters = parameters
        request_fields = deep_merge(
            parameter_class.without_additional_fields(given_fields),
            parameters.additional_model_request_fields(),
        )
        self.additional_model_request_fields = request_fields or None
        if not self.accepts_system_prompt() and self.system:
            # Models without system prompts reject them; keep the text to fold
            # into the first user turn at call time.
            self._folded_system = tuple(s for s in self.system if isinstance(s, str))
            kept: list[str | dict[str, Any]] = [s for s in self.system if not isinstance(s, str)]
            self.system = kept or None
        return self

    def _resolved_base_model_id(self) -> str | None:
        if self.base_model_id:
            return self.base_model_id
        return parse_model_id(self.model_id).base_model_id

    def _log_unclaimed(self) -> None:
        # Which family would claim the ID is the registry's business, a layer above
        # this one; the factory picks that family, so a bare base class is a choice.
        logger.debug(
            "%s has no parameter class for %r; parameters are sent unvalidated",
            type(self).__name__,
            self.model_id,
        )

    # ---------------------------------------------------------- overrides

    @override
    def _get_base_model(self) -> str:
        # langchain-aws strips a fixed prefix list and leaves ARNs whole; resolve
        # every form so its model-specific logic sees the real base model.
        return self._resolved_base_model_id() or self.model_id

    @classmethod
    @override
    def _get_streaming_support(cls, provider: str, model_id_lower: str) -> bool | str:
        base = parse_model_id(model_id_lower).base_model_id or model_id_lower
        if cls.PARAMETER_CLASSES and cls.parameter_class_for(base) is not None:
            streamable = cls.tools_streamable(base)
            if streamable is not None:
                return True if streamable else "no_tools"
        return super()._get_streaming_support(provider, model_id_lower)

    @override
    def _converse_params(self, **kwargs: Any) -> dict[str, Any]:
        # Call-time values are validated like constructor values, before any request
        # is built, and the validated values (1 becomes 1.0, a tuple a list) are sent.
        params = super()._converse_params(
            **validated_call_kwargs(
                kwargs, self._parameters, model_id=self.model_id, region=self.region_name
            )
        )
        # Tools reach the request here, from bind_tools (toolConfig) or tools=.
        self._raise_if_rejected(request_checks.tool_config_problems(params.get("toolConfig")))
        return params

    def _raise_if_rejected(self, problems: Sequence[request_checks.RequestProblem]) -> None:
        """Raise one `RequestValidationError` (also a `ClientError`) for `problems`."""
        if problems:
            exceptions = getattr(self.client, "exceptions", None)
            raise request_checks.request_validation_error(
                problems,
                botocore_class=getattr(exceptions, "ValidationException", None),
                model_id=self.model_id,
                region=self.request_region,
            )

    @override
    def _dict_for_compat(self) -> dict[str, Any]:
        # langchain-core reads the deprecated `dict()` under a warnings filter (three
        # times a call), in case a subclass overrides it. When none does, `dict()` is
        # `asdict()`: skip the filter, which costs time and is process-wide state.
        if type(self).dict is BaseChatModel.dict:
            return self.asdict()
        return super()._dict_for_compat()

    def _prepare_messages(self, messages: list[BaseMessage]) -> list[BaseMessage]:
        prepared = (
            messages
            if self.accepts_system_prompt()
            else _fold_system(messages, self._folded_system)
        )
        # With `raw_blocks` set, langchain-aws sends those instead of the messages.
        if self.raw_blocks is None:
            self._check_messages(messages, prepared)
        return prepared

    def _check_messages(self, given: list[BaseMessage], prepared: list[BaseMessage]) -> None:
        """Raise `RequestValidationError` for messages Bedrock certainly rejects.

        Problems are indexed in `given`, the list the caller passed. The first turn is
        judged on `prepared`, as it will be sent: folding system text can add a user
        turn.
        """
        problems = [
            *request_checks.message_problems(given),
            *request_checks.system_problems([*self._folded_system, *(self.system or ())]),
        ]
        first = request_checks.first_turn_problem(prepared)
        if first is not None and first.message_index is not None:
            # Folding drops system messages; the offending turn itself is unchanged.
            offender = prepared[first.message_index]
            index = next(
                (i for i, message in enumerate(given) if message is offender),
                first.message_index,
            )
            problems.insert(0, request_checks.RequestProblem(first.problem, index, first.path))
        self._raise_if_rejected(problems)

    # ------------------------------------------------------------ access

    @property
    def access_engine(self) -> AccessEngine | None:
        """The engine that picks the model ID sent; None when `auto_inference_profile` is off.

        A model from the factory carries the engine the factory built (catalog,
        tracker, preference store); otherwise the process-wide default tracker is used,
        without a catalog.
        """
        if not self.auto_inference_profile:
            return None
        if self._engine is None:
            self._engine = AccessEngine.default()
        if self._engine.access_methods != self.access_methods:
            # The engine shares its tracker and catalog; the policy is this model's.
            self._engine = self._engine.with_access_methods(self.access_methods)
        return self._engine

    @property
    def has_caller_client(self) -> bool:
        """Whether the runtime client was given by the caller rather than built here."""
        return self._caller_client

    def use_access_engine(self, engine: AccessEngine) -> None:
        """Route this model's calls through `engine` (the factory does this)."""
        self._engine = engine

    @property
    def request_region(self) -> str:
        """The region requests go to: `region_name`, else the runtime client's region."""
        if self.region_name:
            return self.region_name
        region = getattr(getattr(self.client, "meta", None), "region_name", None)
        return region if isinstance(region, str) and region else "us-east-1"

    def with_bedrock_retry(self, **kwargs: Any) -> BedrockRetryRunnable:  # noqa: ANN401
        """This model wrapped with backoff, region failover and model fallback.

        Args:
            **kwargs: The keyword arguments of `with_bedrock_retry`.

        Returns:
            The wrapping Runnable.
        """
        from langchain_bedrock_enhanced.runnables.retry import with_bedrock_retry  # noqa: PLC0415 - cycle

        return with_bedrock_retry(self, **kwargs)

    @override
    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        prepared = self._prepare_messages(messages)
        send: Callable[[str], ChatResult]
        if _native_api(kwargs):
            send = SendAs(native_invoke.generate_once, (self, prepared), kwargs)
        else:
            send = SendAs(super()._generate, (prepared, stop, run_manager), kwargs)
        return sending.generate(self, send, as_given=kwargs.get("model_id"))

    @override
    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        prepared = self._prepare_messages(messages)
        _refuse_native_stream(self, kwargs)
        open_stream = SendAs(super()._stream, (prepared, stop, run_manager), kwargs)
        return sending.stream(self, open_stream, as_given=kwargs.get("model_id"))

    @override
    async def ainvoke(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> AIMessage:
        # Natively async, the call waits for a free connection before langchain-core
        # does its per-call work, so calls beyond the pool wait holding almost nothing.
        if not async_clients.native_async_available(self.client):
            return await super().ainvoke(input, config, stop=stop, **kwargs)
        async with async_clients.request_slot(self.client):
            return await super().ainvoke(input, config, stop=stop, **kwargs)

    @override
    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        # Natively async through aiobotocore (or a pool sized for the concurrency),
        # with the request shaped by the sync path: see `_transport.async_capture`.
        send: Callable[[str], Awaitable[ChatResult]]
        if _native_api(kwargs):
            prepared = self._prepare_messages(messages)
            send = SendAs(native_invoke.agenerate_once, (self, prepared), kwargs)
        else:
            send = SendAs(async_capture.agenerate_once, (self, messages, stop, run_manager), kwargs)
        return await sending.agenerate(self, send, as_given=kwargs.get("model_id"))

    @override
    def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        _refuse_native_stream(self, kwargs)
        open_stream = SendAs(
            async_capture.astream_once, (self, messages, stop, run_manager), kwargs
        )
        return sending.astream(self, open_stream, as_given=kwargs.get("model_id"))

    @classmethod
    @override
    def get_lc_namespace(cls) -> list[str]:
        """The import path `langchain_core.load` uses to rebuild this class.

        Returns:
            The module path of the class, split on dots.

        Example:
            >>> EnhancedChatBedrockConverse.get_lc_namespace()
            ['langchain_bedrock_enhanced', 'chat_model']
        """
        return cls.__module__.split(".")


def _native_api(kwargs: dict[str, Any]) -> bool:
    """Whether the call asks for InvokeModel; removes the keyword from `kwargs`."""
    api: object = kwargs.pop(native_invoke.API_KEYWORD, "converse")
    if api not in ("converse", "invoke"):
        msg = f'{native_invoke.API_KEYWORD} must be "converse" or "invoke", not {api!r}.'
        raise ConfigurationError(msg)
    return bool(api == "invoke")


def _refuse_native_stream(model: EnhancedChatBedrockConverse, kwargs: dict[str, Any]) -> None:
    if _native_api(kwargs):
        msg = (
            "Streaming goes through ConverseStream only; call invoke() for the native "
            f'InvokeModel body ({native_invoke.API_KEYWORD}="invoke").'
        )
        raise ConfigurationError(msg, model_id=model.model_id, region=model.region_name)


# langchain-core calls `inspect.signature(self._generate)` (or `_agenerate`) on every
# call, to see whether it takes `run_manager`. A precomputed `__signature__` spares
# it the parse of the function (about 10 µs per call).
for _name in ("_generate", "_agenerate"):
    _function = vars(EnhancedChatBedrockConverse)[_name]
    _function.__signature__ = inspect.signature(_function)
del _name, _function
