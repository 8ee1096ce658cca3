"""`BedrockLLMClient`: prompt in, text (or validated JSON) out, for code without LCEL.

The client is a thin layer over the chat model: every call goes through
`create_langchain_chatbedrock`'s model, so inference-profile fallback, learning, the
access policy, `response_metadata` and the typed errors apply unchanged.

Configuration comes from the arguments, else from the environment:

| argument              | variable                      | default |
|-----------------------|-------------------------------|---------|
| `model_id`            | `BEDROCK_MODEL_ID`            | required |
| `temperature`         | `BEDROCK_TEMPERATURE`         | the model's |
| `max_tokens`          | `BEDROCK_MAX_TOKENS`          | the model's |
| `requests_per_minute` | `BEDROCK_REQUESTS_PER_MINUTE` | no pacing |
| `region_name`         | `AWS_REGION`, `AWS_DEFAULT_REGION`, the AWS profile | required |
| `endpoint_url`        | `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`, `AWS_ENDPOINT_URL` | AWS |

A missing model ID or a value that does not parse raises `ConfigurationError`
naming the variable. `docs/configuration.md` lists every variable.

- `generate` sends once (botocore's standard retries apply, as for any model
  from the factory).
- `generate_with_retry` goes through `with_bedrock_retry`: exponential backoff with
  full jitter on transient errors, with botocore's own retries off so that attempts
  are not multiplied. Permanent errors are raised at once.
- `generate_structured` gives the schema to the model as a tool where the model
  can call tools (forced where it supports a forced choice), and asks for JSON in
  text where it cannot (or with `api="invoke"`); JSON wrapped in prose or code
  fences is extracted. An invalid answer is asked again with the problems listed,
  up to `max_retries` times, then `StructuredOutputError` is raised.
- `api="invoke"` sends InvokeModel with the family's native body.

Example:
    >>> client = BedrockLLMClient("us.amazon.nova-lite-v1:0", region_name="us-east-1")
    >>> client.model_id, client.api
    ('us.amazon.nova-lite-v1:0', 'converse')
    >>> client.generate("Say hello.")  # doctest: +SKIP
    'Hello!'
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from botocore.config import Config
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.rate_limiters import BaseRateLimiter
from pydantic import BaseModel
from typing_extensions import override

from langchain_bedrock_enhanced._native_invoke import API_KEYWORD
from langchain_bedrock_enhanced._structured import OutputSchema
from langchain_bedrock_enhanced.callbacks.usage import BedrockUsageCallbackHandler
from langchain_bedrock_enhanced.errors import (
    ConfigurationError,
    RateLimitExceededError,
    StructuredOutputError,
)
from langchain_bedrock_enhanced.factory import create_langchain_chatbedrock
from langchain_bedrock_enhanced.runnables.rate_limit import BedrockRateLimiter
from langchain_bedrock_enhanced.runnables.retry import with_bedrock_retry

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable, RunnableConfig

    from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse

__all__ = [
    "ENVIRONMENT_VARIABLES",
    "BedrockLLMClient",
    "create_llm_client",
]

M = TypeVar("M", bound=BaseModel)
Api = Literal["converse", "invoke"]
OnRateLimit = Literal["wait", "raise"]

ENVIRONMENT_VARIABLES: Mapping[str, str] = {
    "model_id": "BEDROCK_MODEL_ID",
    "temperature": "BEDROCK_TEMPERATURE",
    "max_tokens": "BEDROCK_MAX_TOKENS",
    "requests_per_minute": "BEDROCK_REQUESTS_PER_MINUTE",
}
"""The variable each unset argument is read from."""

# Retries belong to with_bedrock_retry on that path: botocore's would multiply them.
_NO_BOTOCORE_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def _from_env(name: str, kind: type[float | int], given: float | None) -> Any:  # noqa: ANN401
    if given is not None:
        return given
    variable = ENVIRONMENT_VARIABLES[name]
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return None
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value < 0 or (name != "temperature" and value == 0):
        noun = "an integer" if kind is int else "a number"
        qualifier = ">= 0" if name == "temperature" else "> 0"
        msg = f"{variable}={raw!r} is not {noun} {qualifier}."
        raise ConfigurationError(msg)
    return value


class _NoWait(BaseRateLimiter):
    """A limiter that raises instead of waiting (`on_rate_limit="raise"`)."""

    def __init__(self, inner: BaseRateLimiter, requests_per_minute: float | None) -> None:
        self.inner = inner
        self.requests_per_minute = requests_per_minute

    def _refuse(self) -> RateLimitExceededError:
        pace = (
            f"{self.requests_per_minute:g} requests per minute"
            if self.requests_per_minute
            else "its rate"
        )
        msg = (
            f"The client's rate limit ({pace}) is reached, and on_rate_limit='raise'. "
            "Retry later, or use on_rate_limit='wait'."
        )
        return RateLimitExceededError(msg, requests_per_minute=self.requests_per_minute)

    @override
    def acquire(self, *, blocking: bool = True) -> bool:
        if not self.inner.acquire(blocking=False):
            raise self._refuse()
        return True

    @override
    async def aacquire(self, *, blocking: bool = True) -> bool:
        if not await self.inner.aacquire(blocking=False):
            raise self._refuse()
        return True


class BedrockLLMClient:
    """Generate text or structured answers with a Bedrock model, in one call.

    Args:
        model_id: Any model identifier form (`ModelType` members too); else
            `BEDROCK_MODEL_ID`.
        region_name: The AWS region; else AWS's own chain (`AWS_REGION`, ...).
        temperature: Sampling temperature; else `BEDROCK_TEMPERATURE`.
        max_tokens: The answer's token cap; else `BEDROCK_MAX_TOKENS`.
        requests_per_minute: Pace calls through a `BedrockRateLimiter`; else
            `BEDROCK_REQUESTS_PER_MINUTE`; no pacing when neither is set.
        max_retries: Retries of `generate_with_retry`, and corrective retries of
            `generate_structured`.
        api: `"converse"`, or `"invoke"` for InvokeModel with the native body.
        endpoint_url: A bedrock-runtime endpoint, e.g. the local emulator.
        on_rate_limit: `"wait"` for a free slot, or `"raise"` `RateLimitExceededError`.
        rate_limiter: A limiter to use instead of `requests_per_minute` (for
            example a `RedisRateLimiter` shared by a fleet).
        retry_options: More `with_bedrock_retry` options for `generate_with_retry`
            (`regions`, `fallback_models`, `backoff_base`, `backoff_max`, `deadline`).
        **model_kwargs: Anything else `create_langchain_chatbedrock` takes
            (`top_p`, `access_methods`, `preference_store`, `config`, ...).

    Raises:
        ConfigurationError: No model ID, an unparsable variable, or a bad option.

    Example:
        >>> BedrockLLMClient("amazon.nova-pro-v1:0", region_name="eu-west-1", api="invoke")
        BedrockLLMClient(model_id='amazon.nova-pro-v1:0', api='invoke')
    """

    def __init__(  # noqa: PLR0913 - the documented options, keyword-only after the model
        self,
        model_id: str | None = None,
        *,
        region_name: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        requests_per_minute: float | None = None,
        max_retries: int = 3,
        api: Api = "converse",
        endpoint_url: str | None = None,
        on_rate_limit: OnRateLimit = "wait",
        rate_limiter: BaseRateLimiter | None = None,
        retry_options: Mapping[str, Any] | None = None,
        **model_kwargs: Any,  # noqa: ANN401 - any factory option
    ) -> None:
        """Resolve the configuration; the chat model is built on the first call."""
        resolved = model_id or os.environ.get(ENVIRONMENT_VARIABLES["model_id"], "").strip()
        if not resolved:
            msg = "No model: pass model_id= or set BEDROCK_MODEL_ID."
            raise ConfigurationError(msg)
        if api not in ("converse", "invoke"):
            msg = f"api must be 'converse' or 'invoke', not {api!r}."
            raise ConfigurationError(msg, model_id=str(resolved))
        if on_rate_limit not in ("wait", "raise"):
            msg = f"on_rate_limit must be 'wait' or 'raise', not {on_rate_limit!r}."
            raise ConfigurationError(msg, model_id=str(resolved))
        if not isinstance(max_retries, int) or max_retries < 0:
            msg = f"max_retries must be an integer >= 0, not {max_retries!r}."
            raise ConfigurationError(msg, model_id=str(resolved))
        self.model_id: str = str(getattr(resolved, "value", resolved))
        self.region_name = region_name
        self.temperature: float | None = _from_env("temperature", float, temperature)
        self.max_tokens: int | None = _from_env("max_tokens", int, max_tokens)
        self.requests_per_minute: float | None = _from_env(
            "requests_per_minute", float, requests_per_minute
        )
        self.max_retries = max_retries
        self.api: Api = api
        self.endpoint_url = endpoint_url
        self.on_rate_limit: OnRateLimit = on_rate_limit
        self._model_kwargs = model_kwargs
        self.retry_options = dict(retry_options or {})
        if "max_attempts" in self.retry_options:
            msg = "Set retries with max_retries=, not retry_options['max_attempts']."
            raise ConfigurationError(msg, model_id=self.model_id)
        self._usage = BedrockUsageCallbackHandler()
        self.rate_limiter = self._limiter(rate_limiter)
        self._models: dict[tuple[Any, ...], EnhancedChatBedrockConverse] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        """Show the model and the API."""
        return f"{type(self).__name__}(model_id={self.model_id!r}, api={self.api!r})"

    @property
    def usage(self) -> BedrockUsageCallbackHandler:
        """Running totals of this client's calls.

        Calls (`successful_requests`, `failed_requests`), tokens, cost
        (`total_cost`), and the same per model (`by_model`) and per access method
        (`by_access_method`).

        Example:
            >>> BedrockLLMClient("amazon.nova-pro-v1:0").usage.successful_requests
            0
        """
        return self._usage

    # ---------------------------------------------------------------- text

    def generate(
        self,
        prompt: str,
        *,
        system_prompt: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        model: str | None = None,
    ) -> str:
        """The model's answer to `prompt`, as text.

        Args:
            prompt: The user's message.
            system_prompt: Instructions for the model, if any.
            temperature: This call's temperature, instead of the client's.
            max_tokens: This call's token cap, instead of the client's.
            model: Another model for this call (any identifier, or a `ModelType`).

        Returns:
            The answer's text.

        Raises:
            BedrockEnhancedError: A typed error, as the chat model raises it.
        """
        chat = self._chat(model, temperature, max_tokens)
        reply = chat.invoke(
            _messages(prompt, system_prompt), config=self._config(), **self._call_kwargs()
        )
        return reply.text

    async def agenerate(
        self,
        prompt: str,
        *,
        system_prompt: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        model: str | None = None,
    ) -> str:
        """`generate`, natively async.

        Args:
            prompt: The user's message.
            system_prompt: Instructions for the model, if any.
            temperature: This call's temperature, instead of the client's.
            max_tokens: This call's token cap, instead of the client's.
            model: Another model for this call.

        Returns:
            The answer's text.
        """
        chat = self._chat(model, temperature, max_tokens)
        reply = await chat.ainvoke(
            _messages(prompt, system_prompt), config=self._config(), **self._call_kwargs()
        )
        return reply.text

    def stream(
        self,
        prompt: str,
        *,
        system_prompt: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        model: str | None = None,
    ) -> Iterator[str]:
        """The answer to `prompt`, as text pieces while they arrive (ConverseStream).

        Args:
            prompt: The user's message.
            system_prompt: Instructions for the model, if any.
            temperature: This call's temperature, instead of the client's.
            max_tokens: This call's token cap, instead of the client's.
            model: Another model for this call.

        Yields:
            Each non-empty piece of text.

        Raises:
            ConfigurationError: The client uses `api="invoke"`, which has no stream here.
        """
        if self.api == "invoke":
            msg = 'stream() goes through ConverseStream; this client uses api="invoke".'
            raise ConfigurationError(msg, model_id=self.model_id)
        chat = self._chat(model, temperature, max_tokens)
        for chunk in chat.stream(_messages(prompt, system_prompt), config=self._config()):
            if chunk.text:
                yield chunk.text

    def generate_with_retry(  # noqa: PLR0913 - generate's options plus max_retries
        self,
        prompt: str,
        *,
        max_retries: int | None = None,
        system_prompt: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        model: str | None = None,
    ) -> str:
        """`generate`, retried with exponential backoff and jitter on transient errors.

        Args:
            prompt: The user's message.
            max_retries: Retries after the first attempt; the client's by default.
            system_prompt: Instructions for the model, if any.
            temperature: This call's temperature.
            max_tokens: This call's token cap.
            model: Another model for this call.

        Returns:
            The answer's text.

        Raises:
            BedrockRetryError: Every attempt failed with a transient error.
            PermanentError: At once, without retrying.
        """
        retrying = self._retrying(model, temperature, max_tokens, max_retries)
        reply = retrying.invoke(
            _messages(prompt, system_prompt), config=self._config(), **self._call_kwargs()
        )
        return str(reply.text)

    async def agenerate_with_retry(  # noqa: PLR0913 - as generate_with_retry
        self,
        prompt: str,
        *,
        max_retries: int | None = None,
        system_prompt: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        model: str | None = None,
    ) -> str:
        """`generate_with_retry`, natively async.

        Args:
            prompt: The user's message.
            max_retries: Retries after the first attempt; the client's by default.
            system_prompt: Instructions for the model, if any.
            temperature: This call's temperature.
            max_tokens: This call's token cap.
            model: Another model for this call.

        Returns:
            The answer's text.
        """
        retrying = self._retrying(model, temperature, max_tokens, max_retries)
        reply = await retrying.ainvoke(
            _messages(prompt, system_prompt), config=self._config(), **self._call_kwargs()
        )
        return str(reply.text)

    # ----------------------------------------------------------- structured

    @overload
    def generate_structured(
        self,
        prompt: str,
        schema: type[M],
        *,
        system_prompt: str | None = ...,
        temperature: float | None = ...,
        max_tokens: int | None = ...,
        model: str | None = ...,
        max_retries: int | None = ...,
    ) -> M: ...

    @overload
    def generate_structured(
        self,
        prompt: str,
        schema: Mapping[str, Any],
        *,
        system_prompt: str | None = ...,
        temperature: float | None = ...,
        max_tokens: int | None = ...,
        model: str | None = ...,
        max_retries: int | None = ...,
    ) -> dict[str, Any]: ...

    def generate_structured(  # noqa: PLR0913 - generate's options plus the schema
        self,
        prompt: str,
        schema: Mapping[str, Any] | type[BaseModel],
        *,
        system_prompt: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        model: str | None = None,
        max_retries: int | None = None,
    ) -> Any:
        """An answer that matches `schema`: a validated dict, or an instance of the class.

        Args:
            prompt: The user's message.
            schema: A JSON Schema dict, or a pydantic model class.
            system_prompt: Instructions for the model, if any.
            temperature: This call's temperature.
            max_tokens: This call's token cap.
            model: Another model for this call.
            max_retries: Corrective retries after an invalid answer; the client's
                by default.

        Returns:
            The dict (validated with `jsonschema`), or the pydantic instance.

        Raises:
            StructuredOutputError: No answer matched, after the retries; it carries
                the last raw text and the validation errors.
            ConfigurationError: `schema` is not a JSON Schema or a pydantic class.
        """
        plan = self._structured_plan(schema, model, temperature, max_tokens, system_prompt)
        problems: list[str] = []
        raw = ""
        for _ in range(self._retry_count(max_retries) + 1):
            reply = plan.runnable.invoke(
                plan.messages(prompt, raw, problems), config=self._config(), **plan.kwargs
            )
            value, raw, problems = plan.read(reply)
            if not problems:
                return value
        raise plan.failure(raw, problems)

    async def agenerate_structured(  # noqa: PLR0913 - as generate_structured
        self,
        prompt: str,
        schema: Mapping[str, Any] | type[BaseModel],
        *,
        system_prompt: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        model: str | None = None,
        max_retries: int | None = None,
    ) -> Any:  # noqa: ANN401 - as generate_structured
        """`generate_structured`, natively async.

        Args:
            prompt: The user's message.
            schema: A JSON Schema dict, or a pydantic model class.
            system_prompt: Instructions for the model, if any.
            temperature: This call's temperature.
            max_tokens: This call's token cap.
            model: Another model for this call.
            max_retries: Corrective retries after an invalid answer.

        Returns:
            The dict, or the pydantic instance.
        """
        plan = self._structured_plan(schema, model, temperature, max_tokens, system_prompt)
        problems: list[str] = []
        raw = ""
        for _ in range(self._retry_count(max_retries) + 1):
            reply = await plan.runnable.ainvoke(
                plan.messages(prompt, raw, problems), config=self._config(), **plan.kwargs
            )
            value, raw, problems = plan.read(reply)
            if not problems:
                return value
        raise plan.failure(raw, problems)

    # ------------------------------------------------------------ internals

    def chat_model(
        self,
        model: str | None = None,
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> EnhancedChatBedrockConverse:
        """The chat model the client calls (built once per model and settings).

        Args:
            model: Another model than the client's.
            temperature: Another temperature than the client's.
            max_tokens: Another token cap than the client's.

        Returns:
            The chat model, from `create_langchain_chatbedrock`.
        """
        return self._chat(model, temperature, max_tokens)

    def _limiter(self, given: BaseRateLimiter | None) -> BaseRateLimiter | None:
        if given is not None and self.requests_per_minute is not None:
            msg = "Pass requests_per_minute or rate_limiter, not both."
            raise ConfigurationError(msg, model_id=self.model_id)
        limiter = given
        if limiter is None and self.requests_per_minute is not None:
            # A client starts ready: its first call does not wait a whole interval
            # (1.2 s at 50 a minute).
            limiter = BedrockRateLimiter(
                requests_per_minute=self.requests_per_minute, start_full=True
            )
        if limiter is not None and self.on_rate_limit == "raise":
            return _NoWait(limiter, self.requests_per_minute)
        return limiter

    def _chat(
        self,
        model: str | None,
        temperature: float | None,
        max_tokens: int | None,
        *,
        retrying: bool = False,
    ) -> EnhancedChatBedrockConverse:
        model_id = str(getattr(model, "value", model)) if model else self.model_id
        temperature = self.temperature if temperature is None else temperature
        max_tokens = self.max_tokens if max_tokens is None else max_tokens
        key = (model_id, temperature, max_tokens, retrying)
        with self._lock:
            built = self._models.get(key)
            if built is None:
                kwargs = dict(self._model_kwargs)
                settings = {
                    "region_name": self.region_name,
                    "endpoint_url": self.endpoint_url,
                    "temperature": temperature,
                    "max_tokens": max_tokens,
                    "rate_limiter": self.rate_limiter,
                }
                kwargs.update({k: v for k, v in settings.items() if v is not None})
                if retrying:
                    given = kwargs.get("config")
                    kwargs["config"] = (
                        given.merge(_NO_BOTOCORE_RETRIES) if given else _NO_BOTOCORE_RETRIES
                    )
                built = create_langchain_chatbedrock(model_id, **kwargs)
                self._models[key] = built
        return built

    def _retry_count(self, max_retries: int | None) -> int:
        count = self.max_retries if max_retries is None else max_retries
        if not isinstance(count, int) or count < 0:
            msg = f"max_retries must be an integer >= 0, not {count!r}."
            raise ConfigurationError(msg, model_id=self.model_id)
        return count

    def _retrying(
        self,
        model: str | None,
        temperature: float | None,
        max_tokens: int | None,
        max_retries: int | None,
    ) -> Runnable[Any, AIMessage]:
        chat = self._chat(model, temperature, max_tokens, retrying=True)
        attempts = self._retry_count(max_retries) + 1
        return with_bedrock_retry(chat, max_attempts=attempts, **self.retry_options)

    def _config(self) -> RunnableConfig:
        callbacks: list[Any] = [self._usage]
        feedback = getattr(self.rate_limiter, "callback_handler", None)
        if callable(feedback):
            callbacks.append(feedback())
        return {"callbacks": callbacks}

    def _call_kwargs(self) -> dict[str, Any]:
        return {API_KEYWORD: "invoke"} if self.api == "invoke" else {}

    def _structured_plan(
        self,
        schema: Mapping[str, Any] | type[BaseModel],
        model: str | None,
        temperature: float | None,
        max_tokens: int | None,
        system_prompt: str | None,
    ) -> _StructuredPlan:
        output = OutputSchema.of(schema)
        chat = self._chat(model, temperature, max_tokens)
        choices = chat.supports_tool_choice_values
        if self.api == "invoke" or (choices is not None and not choices):
            return _StructuredPlan(output, chat, chat, system_prompt, self._call_kwargs())
        forced = "any" if choices is None or "any" in choices else None
        if forced is None and "tool" in (choices or ()):
            forced = output.name
        bound = chat.bind_tools([output.as_tool()], tool_choice=forced)
        return _StructuredPlan(output, chat, bound, system_prompt, {}, tool=True)


class _StructuredPlan:
    """How one `generate_structured` call asks, reads and reports."""

    def __init__(  # noqa: PLR0913 - the plan's parts
        self,
        output: OutputSchema,
        chat: EnhancedChatBedrockConverse,
        runnable: Runnable[Any, BaseMessage],
        system_prompt: str | None,
        kwargs: dict[str, Any],
        *,
        tool: bool = False,
    ) -> None:
        self.output = output
        self.chat = chat
        self.runnable = runnable
        self.kwargs = kwargs
        self.tool = tool
        # A tool is named in the user's turn (models that choose tools themselves
        # follow that best); the schema for a text answer goes with the instructions.
        self.ask = f"\n\nAnswer by calling the {output.name} tool." if tool else ""
        how = "" if tool else output.instructions()
        self.system = "\n\n".join(part for part in (system_prompt, how) if part) or None

    def messages(self, prompt: str, raw: str, problems: list[str]) -> list[BaseMessage]:
        prompt += self.ask
        if problems:
            listed = "\n".join(f"- {problem}" for problem in problems)
            prompt = (
                f"{prompt}\n\nA previous answer was rejected:\n{raw}\nIts problems:\n"
                f"{listed}\nAnswer again, correctly."
            )
        return _messages(prompt, self.system)

    def read(self, reply: BaseMessage) -> tuple[Any, str, list[str]]:
        calls = [c for c in getattr(reply, "tool_calls", []) if c["name"] == self.output.name]
        if calls:
            value, problems = self.output.read_arguments(calls[0]["args"])
            return value, str(calls[0]["args"]), problems
        text = reply.text
        value, problems = self.output.read_text(text)
        return value, text, problems

    def failure(self, raw: str, problems: list[str]) -> StructuredOutputError:
        msg = (
            f"No answer of {self.chat.model_id} matched the schema {self.output.name!r}: "
            f"{'; '.join(problems)}"
        )
        return StructuredOutputError(
            msg,
            raw_text=raw,
            validation_errors=problems,
            model_id=self.chat.model_id,
            region=self.chat.region_name,
        )


def _messages(prompt: str, system_prompt: str | None) -> list[BaseMessage]:
    human = HumanMessage(prompt)
    return [SystemMessage(system_prompt), human] if system_prompt else [human]


def create_llm_client(**kwargs: Any) -> BedrockLLMClient:  # noqa: ANN401 - the client's options
    """A `BedrockLLMClient`; every option may come from the environment.

    Args:
        **kwargs: `BedrockLLMClient`'s arguments.

    Returns:
        The client.

    Example:
        >>> import os
        >>> os.environ["BEDROCK_MODEL_ID"] = "amazon.nova-lite-v1:0"
        >>> create_llm_client(region_name="us-east-1").model_id
        'amazon.nova-lite-v1:0'
        >>> del os.environ["BEDROCK_MODEL_ID"]
    """
    return BedrockLLMClient(**kwargs)
