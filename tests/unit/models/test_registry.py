"""Discovery: lazy, cached, thread-safe scan of the families; lookups for every ID form."""

from __future__ import annotations

import importlib.metadata
import logging
import pkgutil
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import boto3
import pytest
from botocore.stub import Stubber
from langchain_aws import ChatBedrockConverse

import langchain_bedrock_enhanced.models as models_package
from langchain_bedrock_enhanced import (
    ClaudeEnhancedChatBedrockConverse,
    ConfigurationError,
    EnhancedChatBedrockConverse,
    LlamaEnhancedChatBedrockConverse,
    MistralEnhancedChatBedrockConverse,
    NovaEnhancedChatBedrockConverse,
    ParameterValidationError,
    UnsupportedModelError,
    get_all_supported_model_ids,
    register_model_family,
)
from langchain_bedrock_enhanced.models import _registry as discovery
from langchain_bedrock_enhanced.models import (
    get_client_class_for_model,
    get_parameter_class_for_model,
    get_parameter_instance_for_client,
    refresh_discovery,
    unregister_model_family,
)
from langchain_bedrock_enhanced.parameters import BedrockModelParameters, ModelLimits

NOVA_LITE = "amazon.nova-lite-v1:0"
APP_PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"


class AcmeParameters(BedrockModelParameters):
    """A third-party family's parameters."""

    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "acme.rocket-v1:0": ModelLimits(1000, "Acme Rocket"),
    }


class AcmeChat(EnhancedChatBedrockConverse):
    """A third-party family."""

    PARAMETER_CLASSES: ClassVar[tuple[type[BedrockModelParameters], ...]] = (AcmeParameters,)
    PROVIDER: ClassVar[str | None] = "acme"


@pytest.fixture(autouse=True)
def _fresh_discovery() -> Iterator[None]:
    saved = list(discovery._runtime_families)
    hidden = set(discovery._hidden_families)
    yield
    discovery._runtime_families[:] = saved
    discovery._hidden_families.clear()
    discovery._hidden_families.update(hidden)
    refresh_discovery()


@pytest.mark.parametrize(
    ("identifier", "family"),
    [
        ("anthropic.claude-3-haiku-20240307-v1:0", ClaudeEnhancedChatBedrockConverse),
        ("anthropic.claude-3-haiku-20240307-v1:0:200k", ClaudeEnhancedChatBedrockConverse),
        ("anthropic.claude-3-haiku-20240307-v1", ClaudeEnhancedChatBedrockConverse),
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", ClaudeEnhancedChatBedrockConverse),
        ("global.anthropic.claude-opus-4-6-v1", ClaudeEnhancedChatBedrockConverse),
        ("jp.anthropic.claude-sonnet-4-6", ClaudeEnhancedChatBedrockConverse),
        ("au.anthropic.claude-haiku-4-5-20251001-v1:0", ClaudeEnhancedChatBedrockConverse),
        ("us-gov.anthropic.claude-3-haiku-20240307-v1:0", ClaudeEnhancedChatBedrockConverse),
        ("apac.amazon.nova-pro-v1:0", NovaEnhancedChatBedrockConverse),
        ("eu.amazon.nova-lite-v1:0", NovaEnhancedChatBedrockConverse),
        (
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0",
            NovaEnhancedChatBedrockConverse,
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama4-scout-17b-instruct-v1:0",
            LlamaEnhancedChatBedrockConverse,
        ),
        ("meta.llama3-8b-instruct-v1:0", LlamaEnhancedChatBedrockConverse),
        ("mistral.mixtral-8x7b-instruct-v0:1", MistralEnhancedChatBedrockConverse),
        ("eu.mistral.pixtral-large-2502-v1:0", MistralEnhancedChatBedrockConverse),
    ],
)
def test_every_identifier_form_maps_to_its_family(
    identifier: str, family: type[EnhancedChatBedrockConverse]
) -> None:
    assert get_client_class_for_model(identifier) is family
    assert get_parameter_class_for_model(identifier) in family.PARAMETER_CLASSES


@pytest.mark.parametrize(
    "identifier",
    [
        "cohere.command-r-v1:0",
        "ai21.jamba-1-5-large-v1:0",
        "openai.gpt-oss-120b-1:0",
        "us.deepseek.r1-v1:0",
        "amazon.titan-text-express-v1",
        "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefabcdef",
    ],
)
def test_models_of_other_providers_are_unsupported(identifier: str) -> None:
    with pytest.raises(UnsupportedModelError):
        get_client_class_for_model(identifier)


def test_unsupported_model_lists_the_closest_supported_ids() -> None:
    with pytest.raises(UnsupportedModelError) as info:
        get_client_class_for_model("us.anthropic.claude-3-haiku-20240307-v2:0")
    assert "anthropic.claude-3-haiku-20240307-v1:0" in info.value.suggestions
    assert "anthropic.claude-3-haiku-20240307-v1:0" in str(info.value)


def test_application_profile_resolves_through_an_explicit_base_model() -> None:
    assert (
        get_parameter_class_for_model(
            APP_PROFILE, base_model_id="anthropic.claude-sonnet-4-5-20250929-v1:0"
        ).__name__
        == "Claude4Parameters"
    )


def test_application_profile_resolves_through_get_inference_profile() -> None:
    control = boto3.client("bedrock", region_name="us-east-1")
    with Stubber(control) as stub:
        stub.add_response(
            "get_inference_profile",
            {
                "inferenceProfileName": "team-nova",
                "inferenceProfileArn": APP_PROFILE,
                "inferenceProfileId": "abc123def456",
                "status": "ACTIVE",
                "type": "APPLICATION",
                "models": [
                    {"modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{NOVA_LITE}"}
                ],
            },
            {"inferenceProfileIdentifier": APP_PROFILE},
        )
        family = get_client_class_for_model(APP_PROFILE, bedrock_client=control)
        stub.assert_no_pending_responses()
    assert family is NovaEnhancedChatBedrockConverse


def test_application_profile_without_a_way_to_resolve_it_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="base_model_id"):
        get_client_class_for_model(APP_PROFILE)


def test_all_supported_ids_cover_every_family() -> None:
    supported = get_all_supported_model_ids()
    for family in (
        ClaudeEnhancedChatBedrockConverse,
        NovaEnhancedChatBedrockConverse,
        LlamaEnhancedChatBedrockConverse,
        MistralEnhancedChatBedrockConverse,
    ):
        assert set(family.get_supported_models()) <= set(supported)
    assert list(supported) == sorted(supported)


def test_exactly_one_scan_when_32_threads_ask_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    scans = 0
    count_lock = threading.Lock()
    real_iter_modules = pkgutil.iter_modules

    def counting_iter_modules(*args: Any, **kwargs: Any) -> Any:
        nonlocal scans
        with count_lock:
            scans += 1
        return real_iter_modules(*args, **kwargs)

    monkeypatch.setattr(pkgutil, "iter_modules", counting_iter_modules)
    monkeypatch.setattr(discovery, "_registry", None)
    barrier = threading.Barrier(32)
    results: list[type[EnhancedChatBedrockConverse]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(get_client_class_for_model("us.amazon.nova-lite-v1:0"))
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert scans == 1
    assert results == [NovaEnhancedChatBedrockConverse] * 32


def test_the_scan_is_lazy_and_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    scans = 0
    real_iter_modules = pkgutil.iter_modules

    def counting_iter_modules(*args: Any, **kwargs: Any) -> Any:
        nonlocal scans
        scans += 1
        return real_iter_modules(*args, **kwargs)

    monkeypatch.setattr(pkgutil, "iter_modules", counting_iter_modules)
    monkeypatch.setattr(discovery, "_registry", None)
    assert scans == 0
    first = discovery.resolve_model("us.amazon.nova-lite-v1:0")
    again = discovery.resolve_model("us.amazon.nova-lite-v1:0")
    get_all_supported_model_ids()
    assert scans == 1
    assert first is again
    refresh_discovery()
    assert scans == 2


@pytest.fixture
def extra_family_modules(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "broken.py").write_text("raise RuntimeError('this family is broken')\n")
    (tmp_path / "rival.py").write_text(
        "from typing import ClassVar\n"
        "from langchain_bedrock_enhanced import EnhancedChatBedrockConverse\n"
        "from langchain_bedrock_enhanced.parameters import BedrockModelParameters, ModelLimits\n"
        "class RivalParameters(BedrockModelParameters):\n"
        "    MODELS: ClassVar = {'amazon.nova-lite-v1:0': ModelLimits(10, 'Rival')}\n"
        "class RivalChat(EnhancedChatBedrockConverse):\n"
        "    PARAMETER_CLASSES: ClassVar = (RivalParameters,)\n"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(models_package, "__path__", [*models_package.__path__, str(tmp_path)])
        yield tmp_path
    for name in ("broken", "rival"):
        sys.modules.pop(f"langchain_bedrock_enhanced.models.{name}", None)
    refresh_discovery()


def test_a_failing_module_is_logged_and_skipped_and_duplicates_warn(
    extra_family_modules: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="langchain_bedrock_enhanced.models._registry"):
        families = refresh_discovery()
    names = [family.__name__ for family in families]
    assert "RivalChat" in names
    assert "ClaudeEnhancedChatBedrockConverse" in names
    assert "Skipping model family module langchain_bedrock_enhanced.models.broken" in caplog.text
    assert "amazon.nova-lite-v1:0 is claimed by NovaEnhancedChatBedrockConverse" in caplog.text
    assert get_client_class_for_model("amazon.nova-lite-v1:0").__name__ == "RivalChat"
    assert get_client_class_for_model("amazon.nova-pro-v1:0") is NovaEnhancedChatBedrockConverse


def test_entry_points_contribute_families() -> None:
    entry = importlib.metadata.EntryPoint(
        name="acme", value=f"{AcmeChat.__module__}:AcmeChat", group=discovery.ENTRY_POINT_GROUP
    )
    real_entry_points = importlib.metadata.entry_points

    def entry_points(**kwargs: Any) -> Any:
        if kwargs.get("group") == discovery.ENTRY_POINT_GROUP:
            return [entry]
        return real_entry_points(**kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importlib.metadata, "entry_points", entry_points)
        refresh_discovery()
        assert get_client_class_for_model("us.acme.rocket-v1:0") is AcmeChat
    refresh_discovery()
    with pytest.raises(UnsupportedModelError):
        get_client_class_for_model("us.acme.rocket-v1:0")


@pytest.fixture
def acme_entry_point() -> Iterator[None]:
    """`AcmeChat` published under the entry-point group, as an installed package would."""
    entry = importlib.metadata.EntryPoint(
        name="acme", value=f"{AcmeChat.__module__}:AcmeChat", group=discovery.ENTRY_POINT_GROUP
    )
    real_entry_points = importlib.metadata.entry_points

    def entry_points(**kwargs: Any) -> Any:
        if kwargs.get("group") == discovery.ENTRY_POINT_GROUP:
            return [entry]
        return real_entry_points(**kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importlib.metadata, "entry_points", entry_points)
        refresh_discovery()
        yield
    refresh_discovery()


def test_register_model_family_at_run_time_survives_refresh() -> None:
    with pytest.raises(UnsupportedModelError):
        get_client_class_for_model("acme.rocket-v1:0")
    assert register_model_family(AcmeChat) is AcmeChat
    assert get_client_class_for_model("acme.rocket-v1:0") is AcmeChat
    refresh_discovery()
    assert get_parameter_class_for_model("acme.rocket-v1:0") is AcmeParameters
    assert "acme.rocket-v1:0" in get_all_supported_model_ids()


def test_register_model_family_rejects_non_families() -> None:
    with pytest.raises(TypeError):
        register_model_family(ChatBedrockConverse)  # type: ignore[type-var]
    with pytest.raises(ConfigurationError):
        register_model_family(EnhancedChatBedrockConverse)


def test_parameter_instance_for_a_plain_chat_bedrock_converse() -> None:
    chat = ChatBedrockConverse(
        model="us.anthropic.claude-3-5-haiku-20241022-v1:0",
        region_name="us-east-1",
        temperature=0.4,
        max_tokens=800,
        additional_model_request_fields={"top_k": 12},
    )
    params = get_parameter_instance_for_client(chat)
    assert type(params).__name__ == "Claude35Parameters"
    assert (params.temperature, params.max_tokens, params.model_id) == (
        0.4,
        800,
        "anthropic.claude-3-5-haiku-20241022-v1:0",
    )
    assert params.additional_model_request_fields() == {"top_k": 12}


def test_parameter_instance_reports_limits_a_plain_client_breaks() -> None:
    chat = ChatBedrockConverse(
        model="anthropic.claude-3-haiku-20240307-v1:0", region_name="us-east-1", max_tokens=9000
    )
    with pytest.raises(ParameterValidationError):
        get_parameter_instance_for_client(chat)


def test_parameter_instance_for_our_client_is_its_validated_parameters() -> None:
    model = NovaEnhancedChatBedrockConverse(
        model="us.amazon.nova-lite-v1:0", region_name="us-east-1", top_k=3
    )
    assert get_parameter_instance_for_client(model) is model.parameters


def test_unregistering_a_run_time_family_makes_its_models_unsupported() -> None:
    register_model_family(AcmeChat)
    unregister_model_family(AcmeChat)
    with pytest.raises(UnsupportedModelError):
        get_client_class_for_model("acme.rocket-v1:0")
    assert "acme.rocket-v1:0" not in get_all_supported_model_ids()
    refresh_discovery()
    with pytest.raises(UnsupportedModelError):
        get_client_class_for_model("acme.rocket-v1:0")


def test_unregistering_a_discovered_family_hides_it_even_after_refresh() -> None:
    unregister_model_family(MistralEnhancedChatBedrockConverse)
    for _ in range(2):
        with pytest.raises(UnsupportedModelError):
            get_client_class_for_model("mistral.mistral-large-2402-v1:0")
        assert MistralEnhancedChatBedrockConverse not in refresh_discovery()
    assert not set(MistralEnhancedChatBedrockConverse.get_supported_models()) & set(
        get_all_supported_model_ids()
    )
    assert get_client_class_for_model("amazon.nova-lite-v1:0") is NovaEnhancedChatBedrockConverse


def test_unregistering_an_entry_point_family_hides_it_even_after_refresh(
    acme_entry_point: None,
) -> None:
    unregister_model_family(AcmeChat)
    refresh_discovery()
    with pytest.raises(UnsupportedModelError):
        get_client_class_for_model("us.acme.rocket-v1:0")


def test_registering_an_unregistered_family_again_brings_its_models_back() -> None:
    unregister_model_family(NovaEnhancedChatBedrockConverse)
    assert register_model_family(NovaEnhancedChatBedrockConverse) is NovaEnhancedChatBedrockConverse
    assert get_client_class_for_model("us.amazon.nova-lite-v1:0") is NovaEnhancedChatBedrockConverse
    refresh_discovery()
    assert get_parameter_class_for_model("amazon.nova-pro-v1:0").__name__ == "NovaParameters"


def test_unregistering_a_family_that_took_over_an_id_gives_the_id_back() -> None:
    class RivalParameters(BedrockModelParameters):
        MODELS: ClassVar[Mapping[str, ModelLimits]] = {
            NOVA_LITE: ModelLimits(1000, "Rival Nova"),
        }

    class RivalChat(EnhancedChatBedrockConverse):
        PARAMETER_CLASSES: ClassVar[tuple[type[BedrockModelParameters], ...]] = (RivalParameters,)

    register_model_family(RivalChat)
    assert get_client_class_for_model(NOVA_LITE) is RivalChat
    unregister_model_family(RivalChat)
    assert get_client_class_for_model(NOVA_LITE) is NovaEnhancedChatBedrockConverse


def test_unregistering_a_class_that_serves_no_model_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="AcmeChat is not a model family in effect"):
        unregister_model_family(AcmeChat)
    with pytest.raises(ConfigurationError):
        unregister_model_family(ChatBedrockConverse)  # type: ignore[arg-type]


def test_unregistering_twice_is_a_configuration_error() -> None:
    unregister_model_family(LlamaEnhancedChatBedrockConverse)
    with pytest.raises(ConfigurationError, match="already unregistered"):
        unregister_model_family(LlamaEnhancedChatBedrockConverse)
