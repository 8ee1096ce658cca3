"""The HTTP face of the emulator: routing, the Bedrock wire format, faults and the request log.

One aiohttp application serves both bedrock-runtime (`/model/...`) and the bedrock
control plane (`/foundation-models`, `/inference-profiles`), because langchain-aws
points both clients at one `endpoint_url`. Everything model-specific is delegated to
the pure modules (`_world`, `_replies`, `native`, `_faults`); this module only
speaks HTTP the way Bedrock does.

Every AWS request is answered with Bedrock's wire format, errors included: an
exception the handlers did not expect becomes a `ValidationException` (logged at
WARNING) rather than aiohttp's bare 500 page, and the request log records the
status that was actually sent. With `verify_signatures`, the admin routes under
`/_emulator/` need a valid SigV4 signature too, since they can replace the
scenario and read the logged prompts.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from aiohttp import web

from langchain_bedrock_enhanced.emulator import (
    _batch,
    _errors,
    _eventstream,
    _guardrails,
    _limits,
    _replies,
    native,
)
from langchain_bedrock_enhanced.emulator._faults import (
    FaultInjector,
    FaultRule,
    LatencyModel,
    Quota,
)
from langchain_bedrock_enhanced.emulator._json import load_json
from langchain_bedrock_enhanced.emulator._log import (
    DROPPED_CONNECTION,
    NO_STATUS,
    RequestLog,
    RequestRecord,
    parse_attempt,
)
from langchain_bedrock_enhanced.emulator._pagination import paginate
from langchain_bedrock_enhanced.emulator._prompt_cache import PromptCache
from langchain_bedrock_enhanced.emulator._scenario import Scenario
from langchain_bedrock_enhanced.emulator._sigv4 import parse_authorization, verify
from langchain_bedrock_enhanced.emulator._types import (
    ConversationRequest,
    EmulatedError,
    ModelSpec,
    Reply,
)
from langchain_bedrock_enhanced.emulator._world import World

logger = logging.getLogger(__name__)

DEFAULT_ACCESS_KEY_ID = "AKIDEXAMPLETESTKEY01"
"""The access key the emulator accepts when signatures are verified (unless told otherwise)."""
DEFAULT_SECRET_ACCESS_KEY = "emulator-secret-key-for-tests-only"  # noqa: S105 - a public test key
"""The secret key paired with `DEFAULT_ACCESS_KEY_ID`."""

_MODEL_OPERATIONS = {
    "converse": "Converse",
    "converse-stream": "ConverseStream",
    "invoke": "InvokeModel",
    "invoke-with-response-stream": "InvokeModelWithResponseStream",
    "count-tokens": "CountTokens",
}
_STREAMING = frozenset({"ConverseStream", "InvokeModelWithResponseStream"})
_CONVERSE = frozenset({"Converse", "ConverseStream"})
_EVENTSTREAM = "application/vnd.amazon.eventstream"
_ADMIN_PREFIX = "/_emulator/"
_AdminHandler = Callable[[web.Request], Awaitable[web.Response]]


@dataclass(frozen=True)
class _Route:
    operation: str
    identifier: str | None


def route(method: str, raw_path: str) -> _Route | None:  # noqa: PLR0911 - one exit per route
    """Map a method and a raw (still percent-encoded) path to an operation.

    The path is split on `/` first and each segment decoded afterwards, so an ARN
    whose `/` arrived as `%2F` stays one segment.

    Example:
        >>> route("POST", "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse")
        _Route(operation='Converse', identifier='us.anthropic.claude-sonnet-4-5-20250929-v1:0')
    """
    raw_segments = raw_path.split("?", 1)[0].strip("/").split("/")
    if method == "POST" and len(raw_segments) >= 3 and raw_segments[0] == "model":  # noqa: PLR2004
        operation = _MODEL_OPERATIONS.get(raw_segments[-1])
        if operation is None:
            return None
        # Tolerate clients that send an ARN's "/" unencoded: the middle is the identifier.
        identifier = "/".join(unquote(segment) for segment in raw_segments[1:-1])
        return _Route(operation, identifier)
    batch = _batch.route(method, [unquote(segment) for segment in raw_segments])
    if batch is not None:
        return _Route(*batch)
    if method != "GET":
        return None
    segments = [unquote(segment) for segment in raw_segments]
    collections = {
        "foundation-models": ("ListFoundationModels", "GetFoundationModel"),
        "inference-profiles": ("ListInferenceProfiles", "GetInferenceProfile"),
    }
    if segments[0] in collections:
        list_op, get_op = collections[segments[0]]
        if len(segments) == 1:
            return _Route(list_op, None)
        return _Route(get_op, "/".join(segments[1:]))
    if segments[0] == "foundation-model-availability" and len(segments) > 1:
        return _Route("GetFoundationModelAvailability", "/".join(segments[1:]))
    return None


def error_response(
    error: EmulatedError, request_id: str, *, headers: Mapping[str, str] | None = None
) -> web.Response:
    """Bedrock's error shape: status, `x-amzn-ErrorType`, `x-amzn-RequestId` and `{"message"}`."""
    body = {"message": error.message, **error.extra}
    return web.Response(
        status=_errors.status_for(error.code),
        body=json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode(),
        content_type="application/json",
        headers={
            "x-amzn-ErrorType": error.code + _errors.ERROR_TYPE_SUFFIX,
            "x-amzn-RequestId": request_id,
            **(headers or {}),
        },
    )


def _json_response(payload: Any, request_id: str, status: int = 200) -> web.Response:  # noqa: ANN401 - any JSON value
    return web.Response(
        status=status,
        body=json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode(),
        content_type="application/json",
        headers={"x-amzn-RequestId": request_id},
    )


def _parse_json_body(body: bytes) -> dict[str, Any]:
    parsed = load_json(body or b"{}")
    if not isinstance(parsed, dict):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    return parsed


def _json_object_or_none(body: bytes) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body or b"null")
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


@dataclass
class _Call:
    """What the log needs to know about a request while it is being answered."""

    operation: str
    identifier: str | None
    region: str
    attempt: int
    request_id: str
    body: dict[str, Any] | None = None
    error_code: str | None = None
    """The error answered, or a mid-stream exception's code."""
    committed: bool = False
    """Whether a status has gone out (a stream's headers), so no other answer is possible."""


class EmulatorApp:
    """The emulator's state and request handler, independent of how it is hosted.

    Args:
        scenario: The world overrides, latency, quota and faults to apply.
        verify_signatures: Reject requests not signed with one of `credentials`, on the
            admin routes too.
        credentials: Accepted access key IDs mapped to secret keys.
        default_region: The region of a request that carries no SigV4 credential scope.
        s3_endpoint_url: The S3 endpoint batch jobs read and write (moto's server in
            tests); the scenario's `batch.s3_endpoint_url` when None.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        verify_signatures: bool = False,
        credentials: Mapping[str, str] | None = None,
        default_region: str = "us-east-1",
        s3_endpoint_url: str | None = None,
    ) -> None:
        """Create the state; see the class docstring for the arguments."""
        self.batch = _batch.BatchJobs(
            world=lambda: self.world,
            spec=lambda: self.scenario.batch,
            s3_endpoint_url=s3_endpoint_url,
        )
        self.verify_signatures = verify_signatures
        self.credentials = dict(
            credentials or {DEFAULT_ACCESS_KEY_ID: DEFAULT_SECRET_ACCESS_KEY},
        )
        self.default_region = default_region
        self.log = RequestLog()
        self.prompt_cache = PromptCache()
        self.apply_scenario(scenario)

    def apply_scenario(self, scenario: Scenario) -> None:
        """Replace the world, faults, quota and latency; the request log is kept."""
        self.scenario = scenario
        world = World.default()
        if scenario.world is not None:
            world = world.with_overrides(scenario.world)
        self.world = world
        self.faults = FaultInjector(scenario.faults)
        self.quota = Quota(scenario.quota) if scenario.quota is not None else None
        self.latency = LatencyModel(scenario.latency_ms)
        if scenario.prompt_cache is not None and scenario.prompt_cache.clear:
            self.prompt_cache.clear()

    def make_app(self) -> web.Application:
        """The aiohttp application: admin routes under `/_emulator/`, everything else is AWS."""
        app = web.Application(client_max_size=32 * 1024 * 1024)
        admin = self._signed_when_verifying
        app.router.add_get(_ADMIN_PREFIX + "requests", admin(self._admin_requests))
        app.router.add_delete(_ADMIN_PREFIX + "requests", admin(self._admin_clear))
        app.router.add_get(_ADMIN_PREFIX + "health", admin(self._admin_health))
        app.router.add_put(_ADMIN_PREFIX + "scenario", admin(self._admin_scenario))
        app.router.add_route("*", "/{tail:.*}", self.handle)
        app.on_cleanup.append(self.batch.close)
        return app

    def _verify(self, request: web.Request, body: bytes) -> None:
        verify(
            method=request.method,
            url=f"{request.scheme}://{request.host}{request.raw_path}",
            headers=request.headers,
            body=body,
            credentials=self.credentials,
        )

    def _signed_when_verifying(self, handler: _AdminHandler) -> _AdminHandler:
        """With `verify_signatures`, an admin route gets the same SigV4 check as AWS routes.

        They can replace the scenario and read the log, which holds the prompts, so
        they are no more open than the model routes. A refusal is AWS's 403, and is
        not in the request log, which only holds what Bedrock clients sent.
        """

        async def checked(request: web.Request) -> web.Response:
            if self.verify_signatures:
                try:
                    self._verify(request, await request.read())
                except EmulatedError as error:
                    logger.info("Refused %s %s: %s", request.method, request.path, error.code)
                    return error_response(error, str(uuid.uuid4()))
            return await handler(request)

        return checked

    # Admin endpoints, for an emulator started from the shell.
    async def _admin_requests(self, _request: web.Request) -> web.Response:
        return web.json_response([record.to_json() for record in self.log.snapshot()])

    async def _admin_clear(self, _request: web.Request) -> web.Response:
        self.log.clear()
        return web.json_response({"cleared": True})

    async def _admin_health(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "regions": list(self.world.regions)})

    async def _admin_scenario(self, request: web.Request) -> web.Response:
        try:
            scenario = Scenario.from_dict(load_json(await request.read()))
        except EmulatedError:
            error = "the scenario is not JSON, or holds text that is not valid Unicode"
            return web.json_response({"error": error}, status=400)
        except (ValueError, TypeError) as err:
            return web.json_response({"error": str(err)}, status=400)
        self.apply_scenario(scenario)
        return web.json_response({"applied": True})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one AWS request in Bedrock's wire format, and log the status sent.

        An exception the handlers did not expect is answered as a
        `ValidationException` ("Malformed input request") and logged at WARNING,
        never as aiohttp's bare 500 page: the emulator can only fail that way on
        input it did not anticipate. A `drop_connection` fault closes the socket and
        logs status 0 with the error code `DropConnection`.
        """
        raw_path = request.raw_path
        body = await request.read()
        found = route(request.method, raw_path)
        auth = parse_authorization(request.headers.get("Authorization"))
        call = _Call(
            operation=found.operation if found else "Unknown",
            identifier=found.identifier if found else None,
            region=auth.region if auth else self.default_region,
            attempt=parse_attempt(request.headers.get("amz-sdk-request")),
            request_id=str(uuid.uuid4()),
        )
        try:
            response = await self._answer(request, call, body, found=found is not None)
        except _DropConnectionError:
            return self._drop_connection(request, call)
        except Exception:
            if call.committed:
                # A stream's status is out; a broken stream is all the client can see.
                logger.warning("Stream %s broke after its headers", call.request_id, exc_info=True)
                raise
            logger.warning(
                "Unexpected error answering %s %s (request %s); answered ValidationException",
                request.method,
                raw_path.split("?", 1)[0],
                call.request_id,
                exc_info=True,
            )
            response = self._answer_error(
                call, EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
            )
        if not call.committed:
            self._record(call, response.status)
        return response

    async def _answer(
        self, request: web.Request, call: _Call, body: bytes, *, found: bool
    ) -> web.StreamResponse:
        try:
            if self.verify_signatures:
                self._verify(request, body)
            if not found:
                path = request.raw_path.split("?", 1)[0]
                raise EmulatedError(
                    "UnknownOperationException", f"Unknown operation {request.method} {path}"
                )
            return await self._dispatch(request, call, body)
        except EmulatedError as error:
            return self._answer_error(call, error)

    def _answer_error(self, call: _Call, error: EmulatedError) -> web.Response:
        call.error_code = error.code
        return error_response(error, call.request_id)

    def _drop_connection(self, request: web.Request, call: _Call) -> web.StreamResponse:
        self._record(call, NO_STATUS, DROPPED_CONNECTION)
        if request.transport is not None:
            request.transport.abort()
        # aiohttp's attempt to send this finds the socket closed and gives up quietly;
        # raising instead would have it log an error and try a 500 page.
        return web.Response(status=499)

    def _record(self, call: _Call, status: int, error_code: str | None = None) -> None:
        self.log.append(
            RequestRecord(
                operation=call.operation,
                model_id=call.identifier,
                region=call.region,
                status=status,
                attempt=call.attempt,
                request_id=call.request_id,
                error_code=error_code or call.error_code,
                body=call.body,
            )
        )

    async def _dispatch(self, request: web.Request, call: _Call, body: bytes) -> web.StreamResponse:
        handlers: dict[
            str, Callable[[web.Request, _Call, bytes], Awaitable[web.StreamResponse]]
        ] = {
            "ListFoundationModels": self._list_foundation_models,
            "GetFoundationModel": self._get_foundation_model,
            "ListInferenceProfiles": self._list_inference_profiles,
            "GetInferenceProfile": self._get_inference_profile,
            "GetFoundationModelAvailability": self._get_availability,
            **dict.fromkeys(_batch.OPERATIONS, self._batch_operation),
        }
        handler = handlers.get(call.operation, self._model_call)
        return await handler(request, call, body)

    async def _batch_operation(
        self, request: web.Request, call: _Call, body: bytes
    ) -> web.StreamResponse:
        """The four batch inference operations (`_batch`); a fault fires before any change."""
        if call.operation == "CreateModelInvocationJob":
            call.body = _parse_json_body(body)
        self._apply_fault(call)
        raw_query = request.raw_path.partition("?")[2]
        query = {key: values[-1] for key, values in parse_qs(raw_query).items()}
        payload = await self.batch.answer(
            call.operation, call.identifier, call.region, query, call.body
        )
        return _json_response(payload, call.request_id)

    # Control plane.
    async def _control_plane(self, call: _Call, payload: Any) -> web.Response:  # noqa: ANN401
        self._apply_fault(call)
        return _json_response(payload, call.request_id)

    async def _list_foundation_models(
        self, request: web.Request, call: _Call, _body: bytes
    ) -> web.StreamResponse:
        query = request.query
        models = self.world.list_foundation_models(
            call.region,
            by_provider=query.get("byProvider"),
            by_output_modality=query.get("byOutputModality"),
            by_inference_type=query.get("byInferenceType"),
            by_customization_type=query.get("byCustomizationType"),
        )
        return await self._control_plane(call, {"modelSummaries": models})

    async def _get_foundation_model(
        self, _request: web.Request, call: _Call, _body: bytes
    ) -> web.StreamResponse:
        return await self._control_plane(
            call, self.world.get_foundation_model(call.identifier or "", call.region)
        )

    async def _list_inference_profiles(
        self, request: web.Request, call: _Call, _body: bytes
    ) -> web.StreamResponse:
        # aiohttp's query_string half-decodes; parse the raw query so opaque tokens survive.
        raw_query = request.raw_path.partition("?")[2]
        query = {key: values[-1] for key, values in parse_qs(raw_query).items()}
        max_results = _int_or_none(query.get("maxResults"), "maxResults")
        profiles = self.world.list_inference_profiles(call.region, type_equals=query.get("type"))
        page, next_token = paginate(
            profiles, max_results=max_results, next_token=query.get("nextToken")
        )
        payload: dict[str, Any] = {"inferenceProfileSummaries": page}
        if next_token is not None:
            payload["nextToken"] = next_token
        return await self._control_plane(call, payload)

    async def _get_inference_profile(
        self, _request: web.Request, call: _Call, _body: bytes
    ) -> web.StreamResponse:
        return await self._control_plane(
            call, self.world.get_inference_profile(call.identifier or "", call.region)
        )

    async def _get_availability(
        self, _request: web.Request, call: _Call, _body: bytes
    ) -> web.StreamResponse:
        details = self.world.get_foundation_model(call.identifier or "", call.region)
        payload = {
            "modelId": details["modelDetails"]["modelId"],
            "agreementAvailability": {"status": "AVAILABLE"},
            "authorizationStatus": "AUTHORIZED",
            "entitlementAvailability": "AVAILABLE",
            "regionAvailability": "AVAILABLE",
        }
        return await self._control_plane(call, payload)

    def _apply_fault(self, call: _Call) -> FaultRule | None:
        """Apply the scenario's fault for this call, if one fires.

        `error` and `drop_connection` faults raise here; a `mid_stream` fault is
        returned for the stream writer, which fails the stream after its events.
        """
        rule = self.faults.pick(
            operation=call.operation,
            model_id=call.identifier or "",
            base_model_id=self.world.base_model_id(call.identifier) if call.identifier else None,
            region=call.region,
            streaming=call.operation in _STREAMING,
        )
        if rule is None:
            return None
        if rule.drop_connection:
            raise _DropConnectionError
        if rule.error is not None:
            raise EmulatedError(
                rule.error, rule.message or _errors.default_message(rule.error), rule.extra()
            )
        return rule

    # Runtime.
    async def _model_call(  # noqa: C901 - one flat sequence of Bedrock's checks
        self, request: web.Request, call: _Call, body: bytes
    ) -> web.StreamResponse:
        operation = call.operation
        if operation in {"Converse", "ConverseStream", "CountTokens"}:
            call.body = _parse_json_body(body)
        else:  # InvokeModel's native body is logged when it is a JSON object
            call.body = _json_object_or_none(body)
        mid_stream = self._apply_fault(call)
        identifier = call.identifier or ""
        if operation == "CountTokens":
            return self._count_tokens(call)
        resolution = self.world.resolve(identifier, call.region)
        model = resolution.model
        conversation = self._conversation(call, model, body)
        if operation in _STREAMING and not model.streaming:
            raise EmulatedError("ValidationException", "The model is unsupported for streaming.")
        _replies.check_capabilities(conversation, model, streaming=operation in _STREAMING)
        if (
            conversation.temperature is not None
            and conversation.top_p is not None
            and _replies.rejects_temperature_with_top_p(model.model_id)
        ):
            raise EmulatedError("ValidationException", _errors.TEMPERATURE_AND_TOP_P)
        _limits.check_request(conversation, model, operation=operation)
        tiers = _limits.request_tier_settings(
            call.body, request.headers, operation=operation, model=model, region=call.region
        )
        guardrail = self._guardrail(call)
        reply = _replies.generate_reply(conversation, model)
        reply = self._converse_features(call, reply, conversation, model, body)
        # The response's extra members: the guardrail trace, and the tiers that served it.
        extra = tiers.response_fields()
        if guardrail is not None:
            reply, trace = _guardrails.apply_guardrail(guardrail, conversation, reply)
            extra = {**({"trace": trace} if trace is not None else {}), **extra}
        if self.quota is not None:
            throttled = self.quota.try_acquire(tokens=reply.total_tokens)
            if throttled is not None:
                raise EmulatedError("ThrottlingException", throttled)
        reply = self._prompt_cache_usage(call, reply, model, body)
        latency_ms = self.latency.sample_ms()
        if latency_ms > 0:
            await asyncio.sleep(latency_ms / 1000)
        latency = round(latency_ms)
        if operation == "Converse":
            return _json_response(
                {**_replies.converse_response(reply, latency_ms=latency), **extra},
                call.request_id,
            )
        if operation == "InvokeModel":
            response = _json_response(
                native.native_response(
                    model.family,
                    reply,
                    model_id=model.model_id,
                    latency_ms=latency,
                    chat=native.is_chat_body(model.family, body),
                ),
                call.request_id,
            )
            response.headers.update(native.invoke_metrics_headers(reply, latency))
            response.headers.update(tiers.response_headers())
            return response
        return await self._stream(
            request,
            call,
            model,
            reply,
            body,
            latency=latency,
            rule=mid_stream,
            extra=extra,
            extra_headers=tiers.response_headers(),
        )

    def _count_tokens(self, call: _Call) -> web.Response:
        # The input's shape is checked before the model, as AWS checks a request's shape
        # before the service reads it; a profile then gets CountTokens' own refusal.
        counted = _count_tokens_input((call.body or {}).get("input"))
        model = self.world.count_tokens_model(call.identifier or "", call.region)
        conversation = _count_tokens_conversation(counted, model)
        return _json_response(
            {"inputTokens": _replies.count_input_tokens(conversation)}, call.request_id
        )

    def _guardrail(self, call: _Call) -> _guardrails.GuardrailCall | None:
        if call.operation not in {"Converse", "ConverseStream"}:
            return None  # InvokeModel's guardrail headers are not modelled
        return _guardrails.guardrail_for(
            (call.body or {}).get("guardrailConfig"),
            self.scenario.guardrails,
            region=call.region,
            account_id=self.world.account_id,
        )

    def _converse_features(
        self,
        call: _Call,
        reply: Reply,
        conversation: ConversationRequest,
        model: ModelSpec,
        body: bytes,
    ) -> Reply:
        """Reasoning and citations, which only Converse replies carry (`_replies`)."""
        if call.operation not in _CONVERSE:
            return reply
        reasoning = self.scenario.reasoning
        redacted = reasoning is not None and reasoning.redacted
        return _replies.converse_features(
            reply, conversation, model, body=body, redacted_reasoning=redacted
        )

    def _prompt_cache_usage(
        self, call: _Call, reply: Reply, model: ModelSpec, body: bytes
    ) -> Reply:
        """Read and write the prompt cache for a call with `cachePoint` blocks (`_prompt_cache`).

        A byte search keeps calls without `cachePoint` from paying for any parsing.
        """
        if call.operation not in _CONVERSE or b'"cachePoint"' not in body:
            return reply
        settings = self.scenario.prompt_cache
        usage = self.prompt_cache.account(
            call.body or {},
            region=call.region,
            model_id=model.model_id,
            ttl_seconds=None if settings is None else settings.ttl_seconds,
        )
        return _replies.with_cache(reply, read=usage.read, writes=usage.writes)

    def _conversation(self, call: _Call, model: ModelSpec, body: bytes) -> ConversationRequest:
        if call.operation in {"Converse", "ConverseStream"}:
            return _replies.parse_converse_request(call.body or {})
        _limits.require_native_body(model)
        return native.parse_native_request(model.family, body)

    async def _stream(  # noqa: PLR0913 - one call's whole context
        self,
        request: web.Request,
        call: _Call,
        model: ModelSpec,
        reply: Reply,
        body: bytes,
        *,
        latency: int,
        rule: FaultRule | None,
        extra: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> web.StreamResponse:
        if call.operation == "ConverseStream":
            events = _replies.converse_stream_events(reply, latency_ms=latency)
            frames = [
                # `metadata` carries what Converse's body does: trace and tiers.
                _eventstream.encode_event(
                    event_type,
                    {**payload, **(extra or {})} if event_type == "metadata" else payload,
                )
                for event_type, payload in events
            ]
            headers = {"Content-Type": _EVENTSTREAM, "x-amzn-RequestId": call.request_id}
        else:
            frames = [
                _eventstream.encode_chunk(chunk)
                for chunk in native.native_stream_chunks(
                    model.family,
                    reply,
                    model_id=model.model_id,
                    latency_ms=latency,
                    chat=native.is_chat_body(model.family, body),
                )
            ]
            headers = {
                "Content-Type": _EVENTSTREAM,
                "X-Amzn-Bedrock-Content-Type": "application/json",
                "x-amzn-RequestId": call.request_id,
                **(extra_headers or {}),
            }
        if rule is not None and rule.mid_stream is not None:
            frames = frames[: max(0, rule.after_events)]
            call.error_code = rule.mid_stream
            frames.append(
                _eventstream.encode_exception(
                    _errors.stream_exception_type(rule.mid_stream),
                    rule.message or _errors.default_message(rule.mid_stream),
                    rule.extra(),
                )
            )
        response = web.StreamResponse(status=200, headers=headers)
        response.enable_chunked_encoding()
        # Every frame is encoded above, so nothing but the connection can fail from
        # here. Logged before the last byte leaves: a client that has read the whole
        # stream must find the request in the log.
        call.committed = True
        self._record(call, response.status)
        await response.prepare(request)
        for frame in frames:
            await response.write(frame)
        await response.write_eof()
        return response


def _count_tokens_input(source: Any) -> dict[str, Any] | bytes:  # noqa: ANN401
    """Check CountTokens' `input` union: a Converse body, or the base64 InvokeModel body."""
    if source is None or (
        isinstance(source, dict) and "converse" not in source and "invokeModel" not in source
    ):
        raise EmulatedError(
            "ValidationException",
            "1 validation error detected: Value null at 'input' failed to satisfy "
            "constraint: Member must not be null",
        )
    # A member of the wrong JSON type has no verbatim sample: the generic text, as for
    # any body that cannot be read.
    malformed = EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    if not isinstance(source, dict):
        raise malformed
    if "converse" in source:
        converse = source["converse"]
        if not isinstance(converse, dict):
            raise malformed
        return converse
    invoke = source.get("invokeModel")
    encoded = invoke.get("body") if isinstance(invoke, dict) else None
    if not isinstance(encoded, str):
        raise malformed
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError:  # binascii.Error, and non-ASCII text
        raise malformed from None


def _count_tokens_conversation(
    counted: dict[str, Any] | bytes, model: ModelSpec
) -> ConversationRequest:
    """Read a checked CountTokens input: the Converse body, or the model's native body."""
    if isinstance(counted, dict):
        return _replies.parse_converse_request(counted)
    _limits.require_native_body(model)
    return native.parse_native_request(model.family, counted)


class _DropConnectionError(Exception):
    """Raised to close the socket without an answer."""


def _int_or_none(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        msg = (
            f"1 validation error detected: Value '{value}' at '{name}' failed to satisfy constraint"
        )
        raise EmulatedError("ValidationException", msg) from None
