"""Model families, one module each, and the registry that finds them.

Each family module (`claude`, `nova`, `llama`, `mistral`) defines one
`EnhancedChatBedrockConverse` subclass and its parameter classes, which are the
single source of truth for the model IDs the family supports and their limits.
Adding a family means adding one module here (or publishing one under the
`langchain_bedrock_enhanced.models` entry-point group); nothing else changes.

The registry (`get_client_class_for_model`, `resolve_model`, ...) finds families
with `pkgutil`, skipping modules whose name starts with `_`;
`register_model_family` and `unregister_model_family` add or take one out at run time.

Example:
    >>> from langchain_bedrock_enhanced.models import get_client_class_for_model
    >>> get_client_class_for_model("anthropic.claude-sonnet-4-5-20250929-v1:0").__name__
    'ClaudeEnhancedChatBedrockConverse'
    >>> from langchain_bedrock_enhanced.models import Llama3Parameters
    >>> Llama3Parameters.limits_for("meta.llama3-3-70b-instruct-v1:0").top_k is None
    True
"""

from __future__ import annotations

from langchain_bedrock_enhanced.models._registry import (
    ENTRY_POINT_GROUP,
    ModelMatch,
    get_all_supported_model_ids,
    get_client_class_for_model,
    get_parameter_class_for_model,
    get_parameter_instance_for_client,
    refresh_discovery,
    register_model_family,
    resolve_model,
    unregister_model_family,
)
from langchain_bedrock_enhanced.models.claude import (
    Claude3Parameters,
    Claude4Parameters,
    Claude35Parameters,
    Claude37Parameters,
    ClaudeEnhancedChatBedrockConverse,
    ClaudeParameters,
)
from langchain_bedrock_enhanced.models.llama import (
    Llama3Parameters,
    Llama4Parameters,
    LlamaEnhancedChatBedrockConverse,
)
from langchain_bedrock_enhanced.models.mistral import (
    MistralEnhancedChatBedrockConverse,
    MistralParameters,
    MixtralParameters,
)
from langchain_bedrock_enhanced.models.nova import (
    Nova2Parameters,
    NovaEnhancedChatBedrockConverse,
    NovaParameters,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Claude3Parameters",
    "Claude4Parameters",
    "Claude35Parameters",
    "Claude37Parameters",
    "ClaudeEnhancedChatBedrockConverse",
    "ClaudeParameters",
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
]
