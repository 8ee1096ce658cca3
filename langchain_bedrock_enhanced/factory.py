"""`create_langchain_chatbedrock`: any Bedrock model ID in, the right chat model out.

The factory resolves the model's family (every identifier form is accepted), follows
AWS's configuration chain, and gives boto3 a botocore `Config` fit for concurrent LLM
calls. Bad input fails here, before any request.

Configuration, first match wins:

- region: `region_name`, the given `client`'s region, `AWS_REGION`,
  `AWS_DEFAULT_REGION`, the AWS profile's region, the region named in an ARN;
- credentials: `credentials_profile_name`, `AWS_PROFILE`, then boto3's default
  chain (langchain-aws also honours `AWS_BEARER_TOKEN_BEDROCK`);
- endpoint: `endpoint_url`, then boto3's own `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`
  (and `AWS_ENDPOINT_URL_BEDROCK` for the control plane, `AWS_ENDPOINT_URL`).

Example:
    >>> from langchain_bedrock_enhanced import create_langchain_chatbedrock
    >>> model = create_langchain_chatbedrock(
    ...     "us.amazon.nova-lite-v1:0", region_name="us-east-1", temperature=0.3
    ... )
    >>> type(model).__name__, model.parameters.temperature
    ('NovaEnhancedChatBedrockConverse', 0.3)
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError
from pydantic import ValidationError

from langchain_bedrock_enhanced._transport.sessions import is_loopback_host, shared_data_session
from langchain_bedrock_enhanced.access.engine import AccessEngine
from langchain_bedrock_enhanced.access.policy import AccessMethodsInput, resolve_access_methods
from langchain_bedrock_enhanced.access.preferences import PreferenceStore
from langchain_bedrock_enhanced.access.redis_store import store_from_spec
from langchain_bedrock_enhanced.access.selector import AccessMethodSelector
from langchain_bedrock_enhanced.access.tracker import AccessMethodTracker
from langchain_bedrock_enhanced.catalog.lifecycle import (
    check_model_lifecycle,
    checked_after_construction,
)
from langchain_bedrock_enhanced.catalog.model_catalog import ModelCatalog, control_plane_endpoint
from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse
from langchain_bedrock_enhanced.errors import (
    BedrockEnhancedError,
    ConfigurationError,
    LLMError,
    ParameterValidationError,
    translate_bedrock_error,
)
from langchain_bedrock_enhanced.model_ids import parse_model_id
from langchain_bedrock_enhanced.models._registry import resolve_model
from langchain_bedrock_enhanced.parameters import FAMILY_KWARGS

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

__all__ = [
    "DEFAULT_CLIENT_CONFIG",
    "create_langchain_chatbedrock",
    "default_client_config",
    "rebuild_model",
]

logger = logging.getLogger(__name__)

DEFAULT_CLIENT_CONFIG: Mapping[str, Any] = {
    # "standard" retries throttling and transient 5xx with jittered backoff; the
    # legacy default mode retries less and without a retry quota. botocore reads
    # "max_attempts" as *retries*; "total_max_attempts" counts the first call too.
    "retries": {"mode": "standard", "total_max_attempts": 3},
    "connect_timeout": 10,
    # Long generations (tens of thousands of tokens) outlast botocore's 60 s default.
    "read_timeout": 300,
    # botocore's default pool of 10 serialises batch() and parallel calls beyond 10.
    "max_pool_connections": 50,
    "user_agent_extra": "langchain-bedrock-enhanced",
}
"""The botocore `Config` options the factory starts from; a given `config` wins."""


def default_client_config(config: Config | None = None) -> Config:
    """The factory's botocore `Config`, with `config`'s explicit settings on top.

    Args:
        config: Settings that override the defaults, if any.

    Returns:
        The merged `Config`.

    Example:
        >>> default_client_config().retries["mode"]
        'standard'
        >>> default_client_config(Config(read_timeout=5)).read_timeout
        5
    """
    base = Config(**DEFAULT_CLIENT_CONFIG)
    return base.merge(config) if config is not None else base


@functools.cache
def _allowed_parameter_names() -> frozenset[str]:
    names: set[str] = set(FAMILY_KWARGS)
    for name, info in EnhancedChatBedrockConverse.model_fields.items():
        names.add(name)
        if info.alias:
            names.add(info.alias)
    return frozenset(names)


def _resolve_region(
    region_name: str | None,
    client: BedrockRuntimeClient | None,
    session: boto3.Session,
    arn_region: str | None,
) -> str | None:
    client_region = getattr(getattr(client, "meta", None), "region_name", None)
    for candidate in (
        region_name,
        client_region if isinstance(client_region, str) else None,
        os.environ.get("AWS_REGION"),
        os.environ.get("AWS_DEFAULT_REGION"),
        session.region_name,
        arn_region,
    ):
        if candidate:
            return candidate
    return None


def create_langchain_chatbedrock(  # noqa: PLR0913 - the signature is the public contract
    model_id: str,
    *,
    region_name: str | None = None,
    credentials_profile_name: str | None = None,
    endpoint_url: str | None = None,
    config: Config | None = None,
    client: BedrockRuntimeClient | None = None,
    model_kwargs: Mapping[str, Any] | None = None,
    catalog: ModelCatalog | Literal[False] | None = None,
    tracker: AccessMethodTracker | None = None,
    preference_store: PreferenceStore | str | os.PathLike[str] | None = None,
    access_methods: AccessMethodsInput | None = None,
    **params: Any,  # noqa: ANN401 - any ChatBedrockConverse field
) -> EnhancedChatBedrockConverse:
    """Create the chat model of the right family for any Bedrock model identifier.

    Args:
        model_id: Any identifier form: bare or versioned ID, `…:200k`, a geo or
            global profile ID (`us.`, `eu.`, `apac.`, `jp.`, `au.`, `us-gov.`,
            `global.`), a foundation-model, system-profile or application-profile ARN.
        region_name: The AWS region; see the module docstring for the fallbacks.
        credentials_profile_name: A profile in `~/.aws/config`; defaults to
            `AWS_PROFILE`.
        endpoint_url: A bedrock-runtime endpoint (e.g. the local emulator).
        config: A botocore `Config` whose explicit settings override the defaults
            (`DEFAULT_CLIENT_CONFIG`).
        client: A ready bedrock-runtime client to use instead of building one.
        model_kwargs: Extra `additionalModelRequestFields`; family parameters in it
            (e.g. `top_k`) are validated like keyword arguments.
        catalog: What each region offers, consulted before the first call so that
            a profile-only model goes straight to its profile. `None` shares one
            catalog per endpoint and profile (live discovery, disk cache, bundled
            snapshot); `False` disables it (learning still applies). It also says,
            without a network call, whether the model is Legacy (a
            `DeprecationWarning`) or past its end of life (`ModelNotFoundError`);
            with `False`, the bundled snapshot says.
        tracker: Where access outcomes are learned; the process-wide tracker by
            default.
        preference_store: Persist learned access methods: a `PreferenceStore`; a
            file path for a `JsonFilePreferenceStore` shared between processes; or a
            `redis://` / `rediss://` URL for a `RedisPreferenceStore` shared by a fleet.
        access_methods: The access policy (data residency): which of `"direct"`,
            `"regional"` and `"global"` may be used for a bare model ID, in the order
            to try them, e.g. `("direct", "regional")` to forbid `global.` profiles.
            Default: the `BEDROCK_ACCESS_METHODS` variable (`direct,regional`), else
            all three in that order. Profile IDs and ARNs given as `model_id` are sent
            as given. See `langchain_bedrock_enhanced.access.policy`.
        **params: Parameters (`temperature`, `top_p`, `top_k`, `max_tokens`,
            `stop`, ...) and any other `ChatBedrockConverse` field (`base_model_id`
            for an application-profile ARN, `bedrock_client`, `system`, ...).

    Returns:
        An instance of the model's family class, with validated `parameters`.

    Raises:
        UnsupportedModelError: No family claims the model (closest IDs listed).
        ModelNotFoundError: The model is past its end of life (with the suggested
            replacement); see `langchain_bedrock_enhanced.catalog.lifecycle`.
        ParameterValidationError: A parameter is unknown or out of range, or
            `access_methods` is not a policy (unknown or repeated method, empty).
        ConfigurationError: No region can be determined, the AWS profile does not
            exist, an application-profile ARN cannot be resolved, or
            `BEDROCK_ACCESS_METHODS` is not a policy.
        LLMError: Anything else went wrong; the original error is the cause.

    Example:
        >>> model = create_langchain_chatbedrock(
        ...     "anthropic.claude-haiku-4-5-20251001-v1:0",
        ...     region_name="us-west-2",
        ...     max_tokens=1024,
        ...     top_k=40,
        ... )
        >>> model.additional_model_request_fields
        {'top_k': 40}
    """
    given = {
        "credentials_profile_name": credentials_profile_name,
        "endpoint_url": endpoint_url,
        "config": config,
        "model_kwargs": dict(model_kwargs) if model_kwargs else None,
        "access_methods": access_methods,
        **params,
    }
    try:
        # Checked first: a bad policy fails before any request (even a profile lookup).
        params = {**params, "access_methods": resolve_access_methods(access_methods)}
        model = _create(
            model_id,
            region_name=region_name,
            credentials_profile_name=credentials_profile_name,
            endpoint_url=endpoint_url,
            config=config,
            client=client,
            model_kwargs=model_kwargs,
            params=params,
        )
        # What the caller asked for (not what validators derived), so that
        # rebuild_model can make the same request for another model or region.
        model._factory_arguments = {k: v for k, v in given.items() if v is not None}  # noqa: SLF001
        model.use_access_engine(
            _access_engine(
                catalog=catalog,
                tracker=tracker,
                preference_store=preference_store,
                endpoint_url=endpoint_url,
                profile=model.credentials_profile_name,  # as _create resolved it
                credentials=_explicit_credentials(params),
            )
        )
        # Once the catalog is known, from what it holds (no request): refuse a
        # retired model, warn about a Legacy one. Family validators defer to this.
        held = model.access_engine.selector.catalog if model.access_engine else None
        check_model_lifecycle(
            model.model_id,
            region=model.request_region,
            catalog=held if isinstance(held, ModelCatalog) else None,
            base_model_id=model.base_model_id,
        )
    except BedrockEnhancedError:
        raise
    except (BotoCoreError, Exception) as err:
        translated = translate_bedrock_error(err, model_id=model_id, region=region_name)
        if type(translated) is LLMError:
            msg = f"Could not create a chat model for {model_id!r}: {type(err).__name__}: {err}"
            translated = LLMError(msg, model_id=model_id, region=region_name)
        raise translated from err
    return model


def _check_parameter_names(model_id: str, params: Mapping[str, Any]) -> None:
    unknown = sorted(set(params) - _allowed_parameter_names())
    if unknown:
        msg = (
            f"Unknown parameter(s) {', '.join(unknown)} for {model_id!r}. Pass model "
            "request fields through model_kwargs, or check the spelling."
        )
        raise ParameterValidationError(
            msg, problems=[(name, "unknown parameter") for name in unknown], model_id=model_id
        )
    for name in ("model", "model_id"):
        if name in params:
            msg = f"Pass the model only as the first argument, not also as {name}=."
            raise ConfigurationError(msg, model_id=model_id)


def _merge_model_kwargs(
    model_id: str, params: dict[str, Any], model_kwargs: Mapping[str, Any] | None
) -> None:
    """Move family parameters out of `model_kwargs`; the rest become request fields."""
    fields = dict(model_kwargs or {})
    for name in FAMILY_KWARGS:
        if name not in fields:
            continue
        if name in params:
            msg = f"{name} given both as a parameter and in model_kwargs."
            raise ParameterValidationError(msg, problems=[(name, msg)], model_id=model_id)
        params[name] = fields.pop(name)
    if fields:
        given = params.pop("additional_model_request_fields", None) or {}
        params["additional_model_request_fields"] = {**fields, **given}


def _session(model_id: str, profile: str | None, region_name: str | None) -> boto3.Session:
    try:
        return shared_data_session(profile_name=profile)
    except BotoCoreError as err:  # ProfileNotFound and friends
        raise translate_bedrock_error(err, model_id=model_id, region=region_name) from err


def _create(  # noqa: PLR0913 - mirrors the public signature
    model_id: str,
    *,
    region_name: str | None,
    credentials_profile_name: str | None,
    endpoint_url: str | None,
    config: Config | None,
    client: BedrockRuntimeClient | None,
    model_kwargs: Mapping[str, Any] | None,
    params: dict[str, Any],
) -> EnhancedChatBedrockConverse:
    _check_parameter_names(model_id, params)
    profile = credentials_profile_name or os.environ.get("AWS_PROFILE") or None
    session = _session(model_id, profile, region_name)
    parsed = parse_model_id(model_id)
    region = _resolve_region(region_name, client, session, parsed.region)
    if region is None:
        msg = (
            f"No AWS region for {model_id!r}: pass region_name=, or set AWS_REGION "
            "or AWS_DEFAULT_REGION, or a region in the AWS profile."
        )
        raise ConfigurationError(msg, model_id=model_id)
    client_config = default_client_config(config)
    _merge_model_kwargs(model_id, params, model_kwargs)

    base_model_id = params.get("base_model_id", params.get("base_model"))
    bedrock_client = params.get("bedrock_client")
    needs_lookup = parsed.kind == "application_profile" and base_model_id is None
    if needs_lookup and bedrock_client is None:
        bedrock_client = session.client(
            "bedrock", region_name=region, endpoint_url=endpoint_url, config=client_config
        )
        params["bedrock_client"] = bedrock_client
    match = resolve_model(model_id, base_model_id=base_model_id, bedrock_client=bedrock_client)
    if needs_lookup:
        # Resolved once here; the parent class would otherwise ask again.
        params["base_model_id"] = match.model_id
    logger.debug(
        "create_langchain_chatbedrock: %s -> %s (%s)",
        model_id,
        match.client_class.__name__,
        match.parameter_class.__name__,
    )
    arguments: dict[str, Any] = {
        "model": model_id,
        "region_name": region,
        "config": client_config,
        **params,
    }
    optional = {"credentials_profile_name": profile, "endpoint_url": endpoint_url, "client": client}
    arguments.update({key: value for key, value in optional.items() if value is not None})
    return _construct(match.client_class, arguments, model_id, region)


def _construct(
    family: type[EnhancedChatBedrockConverse],
    arguments: dict[str, Any],
    model_id: str,
    region: str,
) -> EnhancedChatBedrockConverse:
    try:
        with checked_after_construction():  # by create_langchain_chatbedrock, once
            return family(**arguments)
    except ValidationError as err:
        problems = [
            (".".join(str(p) for p in e.get("loc", ())), str(e.get("msg", "")))
            for e in err.errors()
        ]
        detail = "; ".join(f"{name}: {text}" if name else text for name, text in problems)
        if all(name for name, _ in problems):
            msg = f"Invalid arguments for {model_id!r}: {detail}"
            raise ParameterValidationError(
                msg, problems=problems, model_id=model_id, region=region
            ) from err
        msg = f"Could not configure {model_id!r}: {detail}"
        raise ConfigurationError(msg, model_id=model_id, region=region) from err


# ---------------------------------------------------------------- access engine

_CATALOGS: dict[tuple[str | None, str | None, str | None], ModelCatalog] = {}
_CATALOGS_LOCK = threading.Lock()
_CREDENTIAL_FIELDS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


def _explicit_credentials(params: Mapping[str, Any]) -> dict[str, str]:
    """Credentials the caller passed as model fields, for the control-plane client too."""
    found: dict[str, str] = {}
    for name in _CREDENTIAL_FIELDS:
        value = params.get(name)
        if value is not None:
            found[name] = value.get_secret_value() if hasattr(value, "get_secret_value") else value
    return found


def _shared_catalog(
    endpoint_url: str | None, profile: str | None, credentials: Mapping[str, str]
) -> ModelCatalog:
    """One catalog per endpoint, profile and access key, so discovery runs once per process."""
    key = (endpoint_url, profile, credentials.get("aws_access_key_id"))
    with _CATALOGS_LOCK:
        catalog = _CATALOGS.get(key)
        if catalog is None:
            session = shared_data_session(
                profile_name=profile,
                aws_access_key_id=credentials.get("aws_access_key_id"),
                aws_secret_access_key=credentials.get("aws_secret_access_key"),
                aws_session_token=credentials.get("aws_session_token"),
            )
            control_config = Config(
                retries={"mode": "standard", "total_max_attempts": 2},
                connect_timeout=5,
                read_timeout=30,
            )

            def client_factory(region: str) -> Any:  # noqa: ANN401 - a boto3 client
                return session.client(
                    "bedrock", region_name=region, endpoint_url=endpoint_url, config=control_config
                )

            # A local emulator listens on a new port each run: caching its answers on
            # disk would leave a directory behind per run, for data it serves at once.
            endpoint = control_plane_endpoint(endpoint_url)
            local = endpoint is not None and is_loopback_host(urlsplit(endpoint).hostname)
            catalog = ModelCatalog(client_factory, endpoint_url=endpoint_url, disk_cache=not local)
            _CATALOGS[key] = catalog
        return catalog


def _access_engine(  # noqa: PLR0913 - keyword-only, one per factory knob
    *,
    catalog: ModelCatalog | Literal[False] | None,
    tracker: AccessMethodTracker | None,
    preference_store: PreferenceStore | str | os.PathLike[str] | None,
    endpoint_url: str | None,
    profile: str | None,
    credentials: Mapping[str, str],
) -> AccessEngine:
    if preference_store is not None:
        if tracker is not None:
            msg = "Pass tracker= or preference_store=, not both: a tracker owns its store."
            raise ConfigurationError(msg)
        tracker = AccessMethodTracker(store_from_spec(preference_store))
    tracker = tracker if tracker is not None else AccessMethodTracker.get_instance()
    if catalog is None:
        catalog = _shared_catalog(endpoint_url, profile, credentials)
    selector = AccessMethodSelector(tracker, catalog=catalog or None)
    return AccessEngine(selector=selector, tracker=tracker)


def rebuild_model(
    model: EnhancedChatBedrockConverse,
    *,
    model_id: str | None = None,
    region_name: str | None = None,
    config: Config | None = None,
) -> EnhancedChatBedrockConverse:
    """A new model with `model`'s settings, for another model ID and/or region.

    Settings the caller gave explicitly are carried over (endpoint, credentials,
    parameters, ...), and so is the access policy; the clients are built anew for the
    region, and the access engine is shared so learning carries over. For a different model, family
    parameters the new model rejects raise `ParameterValidationError`.

    Args:
        model: The model to copy settings from.
        model_id: The model to build instead (any identifier form).
        region_name: The region to build for.
        config: botocore settings layered over the model's own.

    Returns:
        The new model, of the family class of `model_id`.

    Example:
        >>> model = create_langchain_chatbedrock(
        ...     "us.amazon.nova-lite-v1:0", region_name="us-east-1", catalog=False
        ... )
        >>> rebuild_model(model, region_name="us-west-2").region_name
        'us-west-2'
    """
    arguments = model._factory_arguments  # noqa: SLF001 - recorded by the factory above
    if arguments is None:
        # Built directly, not by the factory: carry the connection settings only.
        names = ("credentials_profile_name", "endpoint_url", "config", "temperature", "max_tokens")
        arguments = {
            name: getattr(model, name) for name in names if getattr(model, name, None) is not None
        }
    arguments = dict(arguments)
    own_config = arguments.pop("config", None)
    merged = own_config.merge(config) if own_config is not None and config else config
    if model_id is not None and model_id != model.model_id:
        arguments.pop("base_model_id", None)
    # The policy in force, however it was set: data residency holds in every region.
    arguments["access_methods"] = model.access_methods
    rebuilt = create_langchain_chatbedrock(
        model_id or model.model_id,
        region_name=region_name or model.request_region,
        config=merged or own_config,
        catalog=False,
        **arguments,
    )
    engine = model.access_engine
    if engine is not None:
        rebuilt.use_access_engine(engine)
    return rebuilt
