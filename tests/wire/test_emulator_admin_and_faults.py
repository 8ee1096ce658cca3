"""The emulator's admin routes under signature verification, and the status its log records.

Admin routes (`/_emulator/...`) can read the logged prompts and replace the scenario,
so with `verify_signatures` they demand the same SigV4 signature as AWS routes. And
whatever a request holds, the emulator answers it in Bedrock's wire format (never
aiohttp's bare 500 page), and logs the status it actually sent.
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError, EventStreamError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks._common import clear_records, emulator_process, model_call_records, put_scenario
from langchain_bedrock_enhanced.emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    BedrockEmulator,
    Scenario,
)
from langchain_bedrock_enhanced.emulator._scenario import FaultRule
from tests.wire.conftest import make_client

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
HELLO = [{"role": "user", "content": [{"text": "hello"}]}]
ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
MALFORMED = "Malformed input request, please reformat your input and try again."
TEST_KEYS = (DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY)
ADMIN_ROUTES = [
    ("GET", "requests", None),
    ("DELETE", "requests", None),
    ("GET", "health", None),
    ("PUT", "scenario", b'{"latency_ms": 0}'),
]


def _admin(
    url: str,
    method: str,
    route: str,
    body: bytes | None = None,
    *,
    keys: tuple[str, str] | None = TEST_KEYS,
) -> tuple[int, Any, bytes]:
    """Call an admin route, signed with `keys` (unsigned when None): status, headers, body."""
    request = AWSRequest(method=method, url=f"{url}/_emulator/{route}", data=body)
    if keys is not None:
        SigV4Auth(Credentials(*keys), "bedrock", "us-east-1").add_auth(request)
    sent = urllib.request.Request(  # noqa: S310 - loopback
        request.url, data=body, method=method, headers=dict(request.headers.items())
    )
    try:
        with urllib.request.urlopen(sent) as reply:  # noqa: S310 - loopback
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def _post(url: str, path: str, body: bytes) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{url}{path}", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request) as reply:  # noqa: S310 - loopback
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def _signed_runtime(url: str, keys: tuple[str, str] = TEST_KEYS, **config: Any) -> Any:
    retries = config.pop("retries", {"mode": "standard", "total_max_attempts": 1})
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id=keys[0],
        aws_secret_access_key=keys[1],
        config=Config(retries=retries, **config),
    )


def _logged(emu: BedrockEmulator) -> list[tuple[str, int, str | None]]:
    return [(r.operation, r.status, r.error_code) for r in emu.requests]


# --- Admin routes and signatures ----------------------------------------------------------------


@pytest.mark.parametrize(("method", "route", "body"), ADMIN_ROUTES)
def test_admin_routes_refuse_unsigned_requests_in_aws_shape_when_signatures_are_verified(
    method: str, route: str, body: bytes | None
) -> None:
    with BedrockEmulator(verify_signatures=True) as emu:
        status, headers, payload = _admin(emu.endpoint_url, method, route, body, keys=None)

    assert status == 403
    assert headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException" + (
        ERROR_TYPE_SUFFIX
    )
    assert headers["x-amzn-RequestId"]
    assert json.loads(payload) == {"message": "Missing Authentication Token"}


@pytest.mark.parametrize(
    ("keys", "code"),
    [
        (("AKIDSOMEONEELSE00000", "whatever"), "UnrecognizedClientException"),
        ((DEFAULT_ACCESS_KEY_ID, "not-the-secret"), "InvalidSignatureException"),
    ],
)
def test_admin_routes_refuse_unknown_keys_and_wrong_secrets(
    keys: tuple[str, str], code: str
) -> None:
    with BedrockEmulator(verify_signatures=True) as emu:
        status, headers, _ = _admin(emu.endpoint_url, "GET", "requests", keys=keys)

    assert status == 403
    assert headers["x-amzn-ErrorType"] == code + ERROR_TYPE_SUFFIX


@pytest.mark.parametrize(("method", "route", "body"), ADMIN_ROUTES)
def test_admin_routes_answer_requests_signed_with_the_test_keys(
    method: str, route: str, body: bytes | None
) -> None:
    with BedrockEmulator(verify_signatures=True) as emu:
        status, _, _ = _admin(emu.endpoint_url, method, route, body)

    assert status == 200


def test_admin_routes_accept_the_credentials_the_emulator_was_given() -> None:
    keys = ("AKIDTEAMKEY000000001", "team-secret")
    with BedrockEmulator(verify_signatures=True, credentials=dict([keys])) as emu:
        assert _admin(emu.endpoint_url, "GET", "health", keys=keys)[0] == 200
        assert _admin(emu.endpoint_url, "GET", "health")[0] == 403


@pytest.mark.parametrize(("method", "route", "body"), ADMIN_ROUTES)
def test_admin_routes_stay_open_when_signatures_are_not_verified(
    method: str, route: str, body: bytes | None
) -> None:
    with BedrockEmulator() as emu:
        status, _, _ = _admin(emu.endpoint_url, method, route, body, keys=None)

    assert status == 200


def test_refused_admin_requests_change_nothing_and_are_not_logged() -> None:
    fault = json.dumps({"faults": [{"error": "ThrottlingException"}]}).encode()
    with BedrockEmulator(verify_signatures=True) as emu:
        client = _signed_runtime(emu.endpoint_url)
        client.converse(modelId=SONNET, messages=HELLO)

        assert _admin(emu.endpoint_url, "PUT", "scenario", fault, keys=None)[0] == 403
        assert _admin(emu.endpoint_url, "DELETE", "requests", keys=None)[0] == 403
        client.converse(modelId=SONNET, messages=HELLO)
        status, _, payload = _admin(emu.endpoint_url, "GET", "requests")

    assert status == 200
    assert [(r["operation"], r["status"]) for r in json.loads(payload)] == [
        ("Converse", 200),
        ("Converse", 200),
    ]


def test_in_process_helpers_work_when_signatures_are_verified() -> None:
    with BedrockEmulator(verify_signatures=True) as emu:
        client = _signed_runtime(emu.endpoint_url)
        emu.set_scenario({"faults": [{"error": "ThrottlingException", "times": 1}]})
        with pytest.raises(client.exceptions.ThrottlingException):
            client.converse(modelId=SONNET, messages=HELLO)
        assert _logged(emu) == [("Converse", 429, "ThrottlingException")]
        emu.clear_requests()
        client.converse(modelId=SONNET, messages=HELLO)

        assert _logged(emu) == [("Converse", 200, None)]


@pytest.mark.parametrize("flags", [(), ("--verify-signatures",)], ids=["open", "verifying"])
def test_benchmark_helpers_reach_the_admin_routes_of_a_shell_emulator(
    flags: tuple[str, ...],
) -> None:
    with emulator_process(*flags) as url:
        client = _signed_runtime(url)
        client.converse(modelId=HAIKU, messages=HELLO)
        assert [r["status"] for r in model_call_records(url)] == [200]

        put_scenario(url, {"faults": [{"error": "ServiceUnavailableException", "times": 1}]})
        with pytest.raises(client.exceptions.ServiceUnavailableException):
            client.converse(modelId=HAIKU, messages=HELLO)
        assert [r["status"] for r in model_call_records(url)] == [200, 503]

        clear_records(url)
        assert model_call_records(url) == []


def test_a_signed_header_that_is_not_utf8_fails_the_signature_check() -> None:
    with BedrockEmulator(verify_signatures=True) as emu:
        request = AWSRequest(
            method="GET",
            url=f"{emu.endpoint_url}/foundation-models",
            headers={"x-amz-note": "placeholder"},
        )
        SigV4Auth(Credentials(*TEST_KEYS), "bedrock", "us-east-1").add_auth(request)
        parts = urlsplit(emu.endpoint_url)
        lines = [b"GET /foundation-models HTTP/1.1", b"Connection: close"]
        for name, value in request.headers.items():
            raw = b"\xff\xfe" if name.lower() == "x-amz-note" else value.encode()
            lines.append(name.encode() + b": " + raw)
        lines.append(f"Host: {parts.netloc}".encode())
        with socket.create_connection((parts.hostname, parts.port)) as connection:
            connection.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk

    assert answer.startswith(b"HTTP/1.1 403 ")
    assert b"InvalidSignatureException" + ERROR_TYPE_SUFFIX.encode() in answer
    assert _logged(emu) == [("ListFoundationModels", 403, "InvalidSignatureException")]


# --- Input Bedrock cannot read ------------------------------------------------------------------


def test_a_lone_surrogate_in_a_prompt_is_a_validation_exception_sent_and_logged_once() -> None:
    with BedrockEmulator() as emu:
        client = make_client(
            emu.endpoint_url, retries={"mode": "standard", "total_max_attempts": 3}
        )
        with pytest.raises(client.exceptions.ValidationException) as info:
            client.converse(
                modelId=SONNET, messages=[{"role": "user", "content": [{"text": "a\ud800b"}]}]
            )

    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert info.value.response["Error"]["Message"] == MALFORMED
    # A 400 is not retried: one request, logged with the status it was sent with.
    assert _logged(emu) == [("Converse", 400, "ValidationException")]


def _native(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


_CLAUDE_BODY = {
    "anthropic_version": "bedrock-2023-05-31",
    "max_tokens": 10,
    "messages": [{"role": "user", "content": "a\ud800b"}],
}
_COUNT_NATIVE = {
    "input": {"invokeModel": {"body": base64.b64encode(_native(_CLAUDE_BODY)).decode()}}
}
_SCHEMA_STRING = json.dumps({"type": "object", "properties": {"x": {"const": "a\ud800"}}})


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("converse", {"messages": [{"role": "user", "content": [{"text": "a\ud800b"}]}]}),
        ("converse-stream", {"messages": [{"role": "user", "content": [{"text": "\udc00"}]}]}),
        ("converse", {"messages": [{"role": "user", "content": [{"te\ud800xt": "key"}]}]}),
        (
            "converse",
            {
                "messages": HELLO,
                "outputConfig": {
                    "textFormat": {
                        "type": "json_schema",
                        "structure": {"jsonSchema": {"schema": _SCHEMA_STRING}},
                    }
                },
            },
        ),
        (
            "count-tokens",
            {
                "input": {
                    "converse": {"messages": [{"role": "user", "content": [{"text": "\ud800"}]}]}
                }
            },
        ),
        ("count-tokens", _COUNT_NATIVE),
        ("invoke", _CLAUDE_BODY),
        ("invoke-with-response-stream", _CLAUDE_BODY),
    ],
    ids=[
        "converse",
        "converse-stream",
        "in-a-key",
        "in-a-json-schema-string",
        "count-tokens-converse",
        "count-tokens-invoke-model",
        "invoke-model",
        "invoke-model-stream",
    ],
)
def test_a_lone_surrogate_anywhere_is_malformed_input_on_every_operation(
    operation: str, body: dict[str, Any]
) -> None:
    model = HAIKU if operation.startswith("invoke") or "invokeModel" in str(body) else SONNET
    with BedrockEmulator() as emu:
        path = f"/model/{quote(model, safe='')}/{operation}"
        # json.dumps escapes the surrogate as `\ud800`, exactly as botocore sends it.
        status, headers, payload = _post(emu.endpoint_url, path, json.dumps(body).encode())

    assert status == 400
    assert headers["x-amzn-ErrorType"] == "ValidationException" + ERROR_TYPE_SUFFIX
    assert json.loads(payload) == {"message": MALFORMED}
    assert [(status, code) for _, status, code in _logged(emu)] == [(400, "ValidationException")]


def test_an_escaped_surrogate_pair_is_one_character_and_answered_normally() -> None:
    with BedrockEmulator() as emu:
        body = b'{"messages":[{"role":"user","content":[{"text":"smile \\ud83d\\ude00"}]}]}'
        status, _, payload = _post(emu.endpoint_url, f"/model/{SONNET}/converse", body)

    assert status == 200
    assert json.loads(payload)["output"]["message"]["content"][0]["text"].endswith(
        "smile \U0001f600"
    )


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_numbers_json_cannot_hold_are_malformed_input(number: str) -> None:
    body = b'{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":'
    body += b'{"temperature":' + number.encode() + b"}}"
    with BedrockEmulator() as emu:
        status, _, payload = _post(emu.endpoint_url, f"/model/{SONNET}/converse", body)

    assert (status, json.loads(payload)) == (400, {"message": MALFORMED})
    assert _logged(emu) == [("Converse", 400, "ValidationException")]


@pytest.mark.parametrize(
    "source",
    [
        5,
        "converse",
        ["converse"],
        {"converse": 5},
        {"invokeModel": {"body": 5}},
        {"invokeModel": {"body": "é"}},
    ],
)
def test_a_count_tokens_input_of_the_wrong_shape_is_malformed_input(source: Any) -> None:
    with BedrockEmulator() as emu:
        body = json.dumps({"input": source}).encode()
        status, _, payload = _post(emu.endpoint_url, f"/model/{SONNET}/count-tokens", body)

    assert (status, json.loads(payload)) == (400, {"message": MALFORMED})


def test_a_word_longer_than_an_event_stream_frame_streams_back_whole() -> None:
    word = "x" * (25 * 1024 * 1024)  # botocore refuses event-stream frames over 24 MB
    # About 6.5M tokens: a context window that holds them, since Sonnet's 200K would not.
    wide = {"model_id": "anthropic.claude-sonnet-4-5-20250929-v1:0", "context_window": 10**7}
    with BedrockEmulator(scenario={"world": {"models": [wide]}}) as emu:
        client = make_client(emu.endpoint_url)
        reply = client.converse_stream(
            modelId=SONNET, messages=[{"role": "user", "content": [{"text": word}]}]
        )
        text = "".join(
            event["contentBlockDelta"]["delta"]["text"]
            for event in reply["stream"]
            if "contentBlockDelta" in event
        )

    assert text.endswith(" " + word)
    assert _logged(emu) == [("ConverseStream", 200, None)]


# --- What the log records -----------------------------------------------------------------------


def _status(call: Callable[[], Any]) -> int | None:
    """The HTTP status a client saw, or None when the connection closed unanswered."""
    try:
        reply = call()
    except ClientError as err:
        return int(err.response["ResponseMetadata"]["HTTPStatusCode"])
    except BotoCoreError:
        return None
    if "stream" in reply:
        with pytest.raises(EventStreamError):
            list(reply["stream"])
    return int(reply["ResponseMetadata"]["HTTPStatusCode"])


def test_the_request_log_records_the_status_each_response_was_sent_with() -> None:
    scenario = {
        "faults": [
            {"match": {"operation": "Converse"}, "error": "ThrottlingException", "times": 1},
            {"match": {"operation": "ConverseStream"}, "mid_stream": "ThrottlingException"},
            {"match": {"operation": "CountTokens"}, "drop_connection": True},
        ]
    }
    assistant_first = [{"role": "assistant", "content": [{"text": "hi"}]}]
    count_input = {"converse": {"messages": HELLO}}
    with BedrockEmulator(scenario=scenario) as emu:
        client = make_client(emu.endpoint_url)
        seen = [
            _status(lambda: client.converse(modelId=SONNET, messages=HELLO)),
            _status(lambda: client.converse_stream(modelId=SONNET, messages=HELLO)),
            _status(lambda: client.count_tokens(modelId=SONNET, input=count_input)),
            _status(lambda: client.converse(modelId=SONNET, messages=assistant_first)),
            _status(lambda: client.converse(modelId=SONNET, messages=HELLO)),
        ]

    assert seen == [429, 200, None, 400, 200]
    assert _logged(emu) == [
        ("Converse", 429, "ThrottlingException"),
        ("ConverseStream", 200, "ThrottlingException"),
        ("CountTokens", 0, "DropConnection"),
        ("Converse", 400, "ValidationException"),
        ("Converse", 200, None),
    ]


def test_an_answer_that_cannot_be_encoded_is_a_logged_validation_exception(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Scenario validation refuses such a message; model_construct skips it, as a
    # stand-in for any failure the handlers did not foresee.
    fault = FaultRule.model_construct(error="ThrottlingException", message="cannot send \ud800")
    with BedrockEmulator() as emu:
        emu.set_scenario(Scenario.model_construct(faults=(fault,)))
        client = make_client(emu.endpoint_url)
        with (
            caplog.at_level(logging.WARNING, logger="langchain_bedrock_enhanced.emulator"),
            pytest.raises(client.exceptions.ValidationException) as info,
        ):
            client.converse(modelId=SONNET, messages=HELLO)

    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert info.value.response["Error"]["Message"] == MALFORMED
    assert _logged(emu) == [("Converse", 400, "ValidationException")]
    warning = next(r for r in caplog.records if r.levelno == logging.WARNING)
    assert "answered ValidationException" in warning.getMessage()
    assert warning.exc_info is not None


def test_a_scenario_text_that_no_response_could_carry_is_refused_up_front() -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        Scenario.from_dict({"faults": [{"error": "ThrottlingException", "message": "\ud800"}]})
    with BedrockEmulator() as emu:
        body = b'{"faults": [{"error": "ThrottlingException", "message": "\\ud800"}]}'
        status, _, _ = _admin(emu.endpoint_url, "PUT", "scenario", body)
        assert status == 400
        assert make_client(emu.endpoint_url).converse(modelId=SONNET, messages=HELLO)["output"]


# --- A little fuzzing ---------------------------------------------------------------------------

# Lone surrogates (category Cs) are the case that once made the emulator answer 500.
_TEXT = st.text(alphabet=st.characters(categories=["Cs"]) | st.characters(), max_size=8) | (
    st.sampled_from(["a\ud800b", "\udc00", "smile \U0001f600"])
)
_KEYS = st.sampled_from(
    ["messages", "role", "content", "text", "system", "inferenceConfig", "maxTokens", "toolConfig",
     "tools", "toolSpec", "inputSchema", "json", "toolChoice", "toolUse", "toolResult", "input",
     "outputConfig", "prompt", "max_tokens", "type", "properties", "items", "$ref", "minItems"]
) | _TEXT  # fmt: skip
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT
    | st.sampled_from(["user", "assistant", "any", "object", "#"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=20,
)
_BLOCK = st.fixed_dictionaries({"text": _TEXT}) | st.dictionaries(_KEYS, _JSON, max_size=2)
_USER_TURN = st.fixed_dictionaries(
    {
        "role": st.just("user"),
        "content": st.lists(st.fixed_dictionaries({"text": _TEXT}), max_size=2),
    }
)
_ANY_TURN = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant"]), "content": st.lists(_BLOCK, max_size=2)}
)
_CONVERSE = st.fixed_dictionaries(
    {
        "messages": st.tuples(_USER_TURN, st.lists(_ANY_TURN, max_size=2)).map(
            lambda turns: [turns[0], *turns[1]]
        )
    },
    optional=dict.fromkeys(("system", "inferenceConfig", "toolConfig", "outputConfig"), _JSON),
)
_CLAUDE = st.fixed_dictionaries(
    {
        "anthropic_version": st.just("bedrock-2023-05-31"),
        "max_tokens": st.integers(1, 20) | _JSON,
        "messages": _TEXT.map(lambda text: [{"role": "user", "content": text}]),
    },
)
_BODIES = {
    "converse": _CONVERSE,
    "converse-stream": _CONVERSE,
    "count-tokens": st.fixed_dictionaries(
        {"input": st.fixed_dictionaries({"converse": _CONVERSE})}
    ),
    "invoke": _CLAUDE,
    "invoke-with-response-stream": _CLAUDE,
}


@pytest.fixture(scope="module")
def shared_emulator() -> Any:
    with BedrockEmulator() as emu:
        yield emu


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), operation=st.sampled_from(sorted(_BODIES)))
def test_any_json_body_gets_a_bedrock_answer_whose_status_is_the_one_logged(
    shared_emulator: BedrockEmulator,
    caplog: pytest.LogCaptureFixture,
    data: st.DataObject,
    operation: str,
) -> None:
    # A request-shaped body with arbitrary values (lone surrogates included), or any JSON.
    body = data.draw(_BODIES[operation] | _JSON | st.dictionaries(_KEYS, _JSON))
    shared_emulator.clear_requests()
    caplog.clear()
    path = f"/model/{quote(HAIKU, safe='')}/{operation}"
    with caplog.at_level(logging.WARNING, logger="langchain_bedrock_enhanced.emulator"):
        status, headers, _ = _post(shared_emulator.endpoint_url, path, json.dumps(body).encode())

    assert status < 500
    assert [r.status for r in shared_emulator.requests] == [status]
    assert shared_emulator.requests[0].request_id == headers["x-amzn-RequestId"]
    assert not caplog.records, "an unexpected exception reached the guard"
