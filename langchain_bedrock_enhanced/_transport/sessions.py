"""boto3 sessions that share botocore's parsed service data, and the model's clients.

langchain-aws builds a new `boto3.Session` for each client whenever credentials are
given (explicit keys, the `AWS_ACCESS_KEY_ID` variable, or a profile), and a model
has two clients (runtime and control plane). Each new session parses botocore's
data files again: `endpoints.json` alone is about 7 MB of objects, and a model costs
some 18 MB and 57,000 objects for the garbage collector to walk. The data never
changes while the process runs.

Sessions made here get their own botocore session (credentials, profile and region
stay per session, exactly as before) whose data loader keeps its cache in one
process-wide dictionary, shared by every loader with the same search paths. The
first client parses the files; later ones reuse the parsed data, and a model costs
well under 1 MB.

A Bedrock API key (a bearer token) is a password sent as it is in every request.
botocore sends it to any endpoint, `http://` included, so `build_missing_clients`
refuses to build a client that would send one in clear text to anything but a
loopback host (the local emulator).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import boto3
import botocore.session
from botocore.exceptions import BotoCoreError, UnknownServiceError
from langchain_aws.chat_models import bedrock_converse as langchain_aws_converse
from pydantic import SecretStr

from langchain_bedrock_enhanced.errors import ConfigurationError

if TYPE_CHECKING:
    from langchain_aws import ChatBedrockConverse

__all__ = [
    "build_missing_clients",
    "check_bearer_endpoint",
    "create_client",
    "is_loopback_host",
    "open_session",
    "shared_data_session",
]

logger = logging.getLogger(__name__)

# The variable botocore reads a bearer token from, for every client signed as `bedrock`
# (bedrock-runtime too); langchain-aws's `api_key` field defaults to it as well.
_BEARER_ENV: Final = "AWS_BEARER_TOKEN_BEDROCK"

_CACHES: dict[tuple[str, ...], dict[Any, Any]] = {}
_CACHES_LOCK = threading.Lock()


def shared_data_session(**params: Any) -> boto3.Session:  # noqa: ANN401 - boto3.Session's own
    """A `boto3.Session` like `boto3.Session(**params)`, with shared parsed service data.

    Args:
        **params: `boto3.Session` arguments (`profile_name`, keys, `region_name`).

    Returns:
        The session.

    Raises:
        botocore.exceptions.BotoCoreError: As `boto3.Session` raises them (for
            example `ProfileNotFound`).

    Example:
        >>> first = shared_data_session(region_name="us-east-1")
        >>> second = shared_data_session(region_name="eu-west-1")
        >>> first._loader._cache is second._loader._cache
        True
    """
    session = boto3.Session(botocore_session=botocore.session.get_session(), **params)
    loader = session._loader  # noqa: SLF001 - boto3 keeps the loader it set up here
    cache = getattr(loader, "_cache", None)
    if isinstance(cache, dict) and not cache:
        # botocore's `instance_cache` keeps every parsed file in `loader._cache`; the
        # same search paths always parse to the same data.
        with _CACHES_LOCK:
            loader._cache = _CACHES.setdefault(tuple(loader.search_paths), {})  # type: ignore[attr-defined]  # noqa: SLF001
    else:  # pragma: no cover - a botocore without the cache this relies on
        logger.debug("botocore's loader has no shareable cache; parsed data not shared")
    return session


def _secret(value: SecretStr | str | None) -> str | None:
    if isinstance(value, SecretStr):
        return value.get_secret_value() or None
    return value or None


@contextlib.contextmanager
def _errors_as_langchain_aws_reports_them(service_name: str) -> Iterator[None]:
    try:
        yield
    except UnknownServiceError as err:
        msg = f"Ensure that you have installed the latest boto3 package that contains the API for `{service_name}`."  # noqa: E501
        raise ModuleNotFoundError(msg) from err
    except BotoCoreError as err:
        msg = (
            "Could not load credentials to authenticate with AWS client. Please check that "
            f"the specified profile name and/or its credentials are valid. Service error: {err}"
        )
        raise ValueError(msg) from err
    except Exception as err:  # langchain-aws reports every other failure this way too
        msg = f"Error raised by service:\n\n{err}"
        raise ValueError(msg) from err


def open_session(
    *,
    credentials_profile_name: str | None,
    aws_access_key_id: SecretStr | str | None,
    aws_secret_access_key: SecretStr | str | None,
    aws_session_token: SecretStr | str | None,
) -> boto3.Session | None:
    """The shared-data session langchain-aws would open for these credentials, if any.

    langchain-aws opens a session of its own for a profile, or for both keys;
    otherwise (the default chain, or half a key pair, which it reports itself) this
    returns None and langchain-aws builds the client.

    Args:
        credentials_profile_name: A profile from the AWS config files.
        aws_access_key_id: The access key.
        aws_secret_access_key: The secret key.
        aws_session_token: The session token, for temporary credentials.

    Returns:
        The session, or None.

    Raises:
        ValueError: The profile or credentials cannot be loaded, as langchain-aws
            reports it.

    Example:
        >>> open_session(credentials_profile_name=None, aws_access_key_id=None,
        ...              aws_secret_access_key=None, aws_session_token=None) is None
        True
    """
    key, secret = _secret(aws_access_key_id), _secret(aws_secret_access_key)
    token = _secret(aws_session_token)
    if credentials_profile_name:
        params: dict[str, Any] = {"profile_name": credentials_profile_name}
    elif key and secret:
        params = {"aws_access_key_id": key, "aws_secret_access_key": secret}
        if token:
            params["aws_session_token"] = token
    else:
        return None
    with _errors_as_langchain_aws_reports_them("bedrock-runtime"):
        return shared_data_session(**params)


def create_client(
    service_name: str,
    session: boto3.Session,
    *,
    region_name: str | None,
    endpoint_url: str | None,
    config: Any,  # noqa: ANN401 - a botocore Config or None
) -> Any:  # noqa: ANN401 - a boto3 client
    """A client as langchain-aws's `create_aws_client` builds it, on `session`.

    Args:
        service_name: `bedrock-runtime` or `bedrock`.
        session: From `open_session`.
        region_name: The region; `AWS_REGION`, `AWS_DEFAULT_REGION`, then the
            session's own region when None.
        endpoint_url: A custom endpoint.
        config: The botocore `Config`.

    Returns:
        The client.

    Raises:
        ModuleNotFoundError: botocore does not know the service.
        ValueError: The client cannot be built, as langchain-aws reports it.

    Example:
        >>> session = open_session(
        ...     credentials_profile_name=None, aws_access_key_id="AKIDEXAMPLE",
        ...     aws_secret_access_key="secret", aws_session_token=None)
        >>> create_client("bedrock-runtime", session, region_name="us-east-1",
        ...               endpoint_url=None, config=None).meta.region_name
        'us-east-1'
    """
    region = region_name or os.getenv("AWS_REGION") or os.getenv("AWS_DEFAULT_REGION")
    client_params = {
        name: value
        for name, value in {
            "service_name": service_name,
            "region_name": region,
            "endpoint_url": endpoint_url,
            "config": config,
        }.items()
        if value
    }
    if "region_name" not in client_params and session.region_name:
        client_params["region_name"] = session.region_name
    with _errors_as_langchain_aws_reports_them(service_name):
        return session.client(**client_params)


def is_loopback_host(host: str | None) -> bool:
    """Whether `host` always names this machine: `localhost` or a loopback address.

    Args:
        host: A host name or IP address, without brackets or port.

    Returns:
        True for `localhost`, `127.0.0.0/8` and `::1` (also IPv4-mapped).

    Example:
        >>> [is_loopback_host(h) for h in ("127.0.0.1", "localhost", "::1", "10.0.0.7")]
        [True, True, True, False]
    """
    if not host:
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def check_bearer_endpoint(
    endpoint_url: str, *, source: str, model_id: str | None = None, region: str | None = None
) -> None:
    """Refuse to send a bearer token in clear text to anything but this machine.

    Args:
        endpoint_url: The endpoint a client sends its requests to.
        source: Where that endpoint came from, for the message (e.g. `endpoint_url=`).
        model_id: The model being built, for the error's context.
        region: Its region, for the error's context.

    Raises:
        ConfigurationError: The endpoint is not `https://` and its host is not loopback.

    Example:
        >>> check_bearer_endpoint("http://127.0.0.1:8000", source="endpoint_url=")
        >>> check_bearer_endpoint("http://bedrock.internal:8000", source="endpoint_url=")
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.errors.ConfigurationError: Refusing to send the Bedrock ...
    """
    parts = urlsplit(endpoint_url)
    if parts.scheme.lower() == "https" or is_loopback_host(parts.hostname):
        return
    msg = (
        "Refusing to send the Bedrock API key (a bearer token, from api_key=, "
        f"bedrock_api_key= or {_BEARER_ENV}) in clear text to {endpoint_url} "
        f"(from {source}): anyone on the network could read and reuse it. Use an https:// "
        "endpoint, or for the local emulator a loopback host (http://127.0.0.1, "
        f"http://localhost or http://[::1]); or unset {_BEARER_ENV} and drop "
        "api_key to sign with AWS credentials instead."
    )
    raise ConfigurationError(msg, model_id=model_id, region=region)


def _bearer_token_in_play(model: ChatBedrockConverse, config: Any) -> bool:  # noqa: ANN401
    if _secret(model.bedrock_api_key) is None and not os.environ.get(_BEARER_ENV):
        return False
    # botocore reads the variable at each request, and uses it unless the client's
    # Config pins another signature version in code.
    signature_version = getattr(config, "signature_version", None)
    return signature_version is None or signature_version == "bearer"


def _endpoint_source(model: ChatBedrockConverse, service_name: str) -> str:
    if model.endpoint_url:
        return "endpoint_url="
    service = service_name.replace("-", "_").upper()
    return f"AWS_ENDPOINT_URL_{service}, AWS_ENDPOINT_URL or the AWS config file"


def build_missing_clients(model: ChatBedrockConverse) -> None:
    """Give `model` the clients langchain-aws would build, on shared-data sessions.

    A client the caller passed is kept as it is. A bearer-token model gets its
    clients from langchain-aws's own `create_aws_client`, and so does the default
    credential chain when a bearer token is in the environment; without one, the
    default chain is left to langchain-aws (its `validate_environment` runs next).

    Every client built here that would send a bearer token (`api_key=`,
    `bedrock_api_key=` or `AWS_BEARER_TOKEN_BEDROCK`) must reach its endpoint over
    https, or over http only to a loopback host. The endpoint checked is the one the
    client resolved: `endpoint_url=`, else `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` (or
    `AWS_ENDPOINT_URL_BEDROCK` for the control plane), `AWS_ENDPOINT_URL` or the AWS
    config file.

    Args:
        model: The model being validated.

    Raises:
        ConfigurationError: A bearer token would travel in clear text.

    Example:
        >>> from langchain_aws import ChatBedrockConverse
        >>> model = ChatBedrockConverse.model_construct(
        ...     model_id="m", region_name="us-east-1", client=None, bedrock_client=None,
        ...     credentials_profile_name=None, aws_access_key_id=SecretStr("AKIDEXAMPLE"),
        ...     aws_secret_access_key=SecretStr("secret"), aws_session_token=None,
        ...     endpoint_url=None, bedrock_api_key=None, config=None, timeout=None,
        ...     max_retries=None)
        >>> build_missing_clients(model)
        >>> model.client.meta.service_model.service_name
        'bedrock-runtime'
    """
    if model.client is not None and model.bedrock_client is not None:
        return
    config = model._get_effective_config()  # noqa: SLF001 - langchain-aws's own merge of timeouts
    bearer = _bearer_token_in_play(model, config)
    session = None
    if _secret(model.bedrock_api_key) is None:
        session = open_session(
            credentials_profile_name=model.credentials_profile_name,
            aws_access_key_id=model.aws_access_key_id,
            aws_secret_access_key=model.aws_secret_access_key,
            aws_session_token=model.aws_session_token,
        )
        if session is None and not bearer:
            return
    built: list[tuple[str, Any]] = []
    if model.client is None:
        model.client = _build(model, "bedrock-runtime", session, model.region_name, config)
        built.append(("bedrock-runtime", model.client))
    if model.bedrock_client is None:
        region = model.region_name or getattr(
            getattr(model.client, "meta", None), "region_name", None
        )
        model.bedrock_client = _build(model, "bedrock", session, region, config)
        built.append(("bedrock", model.bedrock_client))
    if bearer:
        for service_name, client in built:
            endpoint = getattr(getattr(client, "meta", None), "endpoint_url", None)
            if not isinstance(endpoint, str):
                continue  # not a botocore client: nothing it sends can be checked
            check_bearer_endpoint(
                endpoint,
                source=_endpoint_source(model, service_name),
                model_id=model.model_id,
                region=client.meta.region_name,
            )


def _build(
    model: ChatBedrockConverse,
    service_name: str,
    session: boto3.Session | None,
    region_name: str | None,
    config: Any,  # noqa: ANN401 - a botocore Config or None
) -> Any:  # noqa: ANN401 - a boto3 client
    if session is not None:
        return create_client(
            service_name,
            session,
            region_name=region_name,
            endpoint_url=model.endpoint_url,
            config=config,
        )
    # Exactly the call langchain-aws's validate_environment makes, looked up where it
    # looks it up, at call time, so that whatever wraps or patches it there applies.
    create_aws_client = langchain_aws_converse.create_aws_client  # type: ignore[attr-defined]
    return create_aws_client(
        region_name=region_name,
        credentials_profile_name=model.credentials_profile_name,
        aws_access_key_id=model.aws_access_key_id,
        aws_secret_access_key=model.aws_secret_access_key,
        aws_session_token=model.aws_session_token,
        endpoint_url=model.endpoint_url,
        config=config,
        service_name=service_name,
        api_key=model.bedrock_api_key,
    )
