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
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore.exceptions import BotoCoreError, UnknownServiceError
from pydantic import SecretStr

if TYPE_CHECKING:
    from langchain_aws import ChatBedrockConverse

__all__ = ["build_missing_clients", "create_client", "open_session", "shared_data_session"]

logger = logging.getLogger(__name__)

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


def build_missing_clients(model: ChatBedrockConverse) -> None:
    """Give `model` the clients langchain-aws would build, on shared-data sessions.

    Leaves a client the caller passed, a bearer-token model, and the default
    credential chain to langchain-aws (its `validate_environment` runs next).

    Args:
        model: The model being validated.

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
    api_key = model.bedrock_api_key
    if api_key is not None and api_key.get_secret_value():
        return
    if model.client is not None and model.bedrock_client is not None:
        return
    session = open_session(
        credentials_profile_name=model.credentials_profile_name,
        aws_access_key_id=model.aws_access_key_id,
        aws_secret_access_key=model.aws_secret_access_key,
        aws_session_token=model.aws_session_token,
    )
    if session is None:
        return
    config = model._get_effective_config()  # noqa: SLF001 - langchain-aws's own merge of timeouts
    if model.client is None:
        model.client = create_client(
            "bedrock-runtime",
            session,
            region_name=model.region_name,
            endpoint_url=model.endpoint_url,
            config=config,
        )
    if model.bedrock_client is None:
        region = model.region_name or getattr(
            getattr(model.client, "meta", None), "region_name", None
        )
        model.bedrock_client = create_client(
            "bedrock", session, region_name=region, endpoint_url=model.endpoint_url, config=config
        )
