"""The public API is exactly these lists; changing one is a deliberate act.

The root holds what application code writes. Machinery and per-family parameter
classes stay public in their subpackages, each pinned here too.
"""

from __future__ import annotations

import importlib

import pytest

EXPECTED_ALL: dict[str, list[str]] = {
    "langchain_bedrock_enhanced": [
        "AccessDeniedError",
        "AccessMethod",
        "BatchJobError",
        "BedrockBatchJob",
        "BedrockEnhancedError",
        "BedrockLLMClient",
        "BedrockRateLimiter",
        "BedrockRetryError",
        "ClaudeEnhancedChatBedrockConverse",
        "ConfigurationError",
        "EnhancedChatBedrockConverse",
        "InMemoryPreferenceStore",
        "JsonFilePreferenceStore",
        "LLMError",
        "LlamaEnhancedChatBedrockConverse",
        "MistralEnhancedChatBedrockConverse",
        "ModelCatalog",
        "ModelNotFoundError",
        "ModelNotReadyError",
        "ModelType",
        "ModelTimeoutError",
        "NovaEnhancedChatBedrockConverse",
        "ParallelResponse",
        "ParameterValidationError",
        "PermanentError",
        "PreferenceStore",
        "ProfileRequirementError",
        "RateLimitExceededError",
        "RedisPreferenceStore",
        "RedisRateLimiter",
        "RequestValidationError",
        "ServiceUnavailableError",
        "StreamInterruptedError",
        "StructuredOutputError",
        "ThrottlingError",
        "TokenRateLimiter",
        "TransientError",
        "UnsupportedModelError",
        "__version__",
        "aclose_async_clients",
        "adaptive_retry_config",
        "arun_parallel",
        "create_langchain_chatbedrock",
        "create_llm_client",
        "get_all_supported_model_ids",
        "get_bedrock_usage_callback",
        "register_model_family",
        "run_parallel",
        "submit_batch",
        "unregister_model_family",
        "with_bedrock_retry",
    ],
    "langchain_bedrock_enhanced.errors": [
        "AccessDeniedError",
        "BatchJobError",
        "BedrockEnhancedError",
        "BedrockRetryError",
        "ConfigurationError",
        "ContextArgs",
        "ErrorContext",
        "LLMError",
        "ModelNotFoundError",
        "ModelNotReadyError",
        "ModelTimeoutError",
        "ParameterValidationError",
        "PermanentError",
        "ProfileRequirementError",
        "RateLimitExceededError",
        "RequestValidationError",
        "RetryAttempt",
        "ServiceUnavailableError",
        "StreamInterruptedError",
        "StructuredOutputError",
        "ThrottlingError",
        "TransientError",
        "UnsupportedModelError",
        "as_typed",
        "error_class_for",
        "iter_causes",
        "keeping_botocore_class",
        "map_bedrock_errors",
        "translate_bedrock_error",
    ],
    "langchain_bedrock_enhanced.model_ids": [
        "ACCESS_METHODS_ENV",
        "ACCESS_POLICY_NAMES",
        "AccessMethod",
        "DEFAULT_ORDER",
        "GEO_PREFIXES",
        "GLOBAL_PREFIX",
        "IdentifierKind",
        "ParsedModelId",
        "REGIONAL_PREFIX_SOURCE_REGIONS",
        "base_model_id",
        "global_profile_allowed",
        "method_for_prefix",
        "parse_model_id",
        "policy_name",
        "profile_id",
        "regional_prefix",
        "regional_prefixes",
        "unversioned_model_id",
    ],
    "langchain_bedrock_enhanced.parameters": [
        "BedrockModelParameters",
        "FAMILY_KWARGS",
        "MAX_STOP_SEQUENCES",
        "ModelLimits",
        "SamplingRule",
    ],
    "langchain_bedrock_enhanced.access": [
        "AccessEngine",
        "AccessMethod",
        "AccessMethodPreference",
        "AccessMethodSelector",
        "AccessMethodTracker",
        "AccessOutcome",
        "AccessStatistics",
        "Candidate",
        "DEFAULT_ORDER",
        "InMemoryPreferenceStore",
        "JsonFilePreferenceStore",
        "PreferenceStore",
        "ProfileCatalog",
        "ProfileRequirementDetector",
        "ProfileRequirementError",
        "RedisPreferenceStore",
        "regional_prefix",
        "regional_prefixes",
    ],
    "langchain_bedrock_enhanced.models": [
        "Claude35Parameters",
        "Claude37Parameters",
        "Claude3Parameters",
        "Claude4Parameters",
        "ClaudeEnhancedChatBedrockConverse",
        "ClaudeParameters",
        "ENTRY_POINT_GROUP",
        "Llama3Parameters",
        "Llama4Parameters",
        "LlamaEnhancedChatBedrockConverse",
        "MistralEnhancedChatBedrockConverse",
        "MistralParameters",
        "MixtralParameters",
        "ModelMatch",
        "Nova2Parameters",
        "NovaEnhancedChatBedrockConverse",
        "NovaParameters",
        "get_all_supported_model_ids",
        "get_client_class_for_model",
        "get_parameter_class_for_model",
        "get_parameter_instance_for_client",
        "refresh_discovery",
        "register_model_family",
        "resolve_model",
        "unregister_model_family",
    ],
    "langchain_bedrock_enhanced.runnables": [
        "BedrockBatchJob",
        "BedrockRateLimiter",
        "BedrockRetryRunnable",
        "DEFAULT_MAX_CONCURRENCY",
        "ParallelResponse",
        "ParallelResult",
        "ParallelStatistics",
        "RateLimitFeedbackHandler",
        "RedisRateLimiter",
        "TokenRateLimiter",
        "adaptive_retry_config",
        "arun_parallel",
        "estimate_tokens",
        "is_throttling_error",
        "run_parallel",
        "submit_batch",
        "with_bedrock_retry",
    ],
    "langchain_bedrock_enhanced.callbacks": [
        "BedrockCallInfo",
        "BedrockUsageCallbackHandler",
        "CallInfoHandler",
        "ErrorInfo",
        "TokenUsage",
        "UsageTotals",
        "call_info_from_llm_result",
        "call_info_from_message",
        "error_info",
        "get_bedrock_usage_callback",
        "sum_calls",
    ],
    "langchain_bedrock_enhanced.catalog": [
        "CACHE_DIR_ENV",
        "CatalogModel",
        "CatalogProfile",
        "CatalogSnapshot",
        "CatalogSource",
        "ModelCatalog",
        "ModelLifecycle",
        "ModelPrice",
        "ModelType",
        "PriceTable",
        "PriceTier",
        "RegionCatalog",
        "default_cache_dir",
        "discover_region",
        "load_bundled_snapshot",
        "load_price_table",
        "price_for",
    ],
}


def test_the_root_stays_a_curated_front_door() -> None:
    # Every name an issue introduces is importable from the root (DESIGN.md, "One front
    # door"); the bound keeps machinery (parameter classes, selectors, helpers) in the
    # subpackages. Raise it only for a name application code writes.
    assert len(EXPECTED_ALL["langchain_bedrock_enhanced"]) <= 52


@pytest.mark.parametrize("module_name", sorted(EXPECTED_ALL))
def test_all_is_exactly_the_curated_public_api(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert sorted(module.__all__) == sorted(EXPECTED_ALL[module_name])


@pytest.mark.parametrize("module_name", sorted(EXPECTED_ALL))
def test_every_public_name_is_importable(module_name: str) -> None:
    module = importlib.import_module(module_name)
    missing = [name for name in EXPECTED_ALL[module_name] if not hasattr(module, name)]
    assert missing == []


def test_every_exception_class_the_package_defines_lives_in_errors() -> None:
    errors = importlib.import_module("langchain_bedrock_enhanced.errors")
    for module_name in EXPECTED_ALL:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, BaseException):
                assert value.__module__ == errors.__name__, name
