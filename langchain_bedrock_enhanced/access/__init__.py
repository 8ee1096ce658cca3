"""Inference-profile support: pure logic, no LangChain.

- `ProfileRequirementDetector` recognises Bedrock's "use an inference profile" error.
- `AccessMethod` names the ways in: direct, regional CRIS, global CRIS, application profile.
- `AccessMethodPreference` and the `PreferenceStore`s hold what was learned
  (`RedisPreferenceStore` shares it with a fleet; it needs the `[redis]` extra).
- `AccessMethodTracker` records outcomes and answers what was learned.
- `AccessMethodSelector` picks the model ID to send, and the fallbacks.
- `AccessEngine` runs one call through them: pick, send, detect, fall back, record.

`AccessMethod` and the profile prefixes live in `langchain_bedrock_enhanced.model_ids`,
and `ProfileRequirementError` in `langchain_bedrock_enhanced.errors`; both are
re-exported here.

The catalog of what each region offers lives in `langchain_bedrock_enhanced.catalog.model_catalog`.

Example:
    >>> from langchain_bedrock_enhanced.access import AccessMethodSelector, AccessMethodTracker
    >>> selector = AccessMethodSelector(AccessMethodTracker())
    >>> selector.select_access_method("anthropic.claude-sonnet-4-6", "eu-west-1")[1]
    <AccessMethod.DIRECT: 'direct'>
"""

from __future__ import annotations

from langchain_bedrock_enhanced.access.detection import ProfileRequirementDetector
from langchain_bedrock_enhanced.access.engine import AccessEngine, AccessOutcome
from langchain_bedrock_enhanced.access.preferences import (
    AccessMethodPreference,
    InMemoryPreferenceStore,
    JsonFilePreferenceStore,
    PreferenceStore,
)
from langchain_bedrock_enhanced.access.redis_store import RedisPreferenceStore
from langchain_bedrock_enhanced.access.selector import (
    AccessMethodSelector,
    Candidate,
    ProfileCatalog,
)
from langchain_bedrock_enhanced.access.tracker import AccessMethodTracker, AccessStatistics
from langchain_bedrock_enhanced.errors import ProfileRequirementError
from langchain_bedrock_enhanced.model_ids import (
    DEFAULT_ORDER,
    AccessMethod,
    regional_prefix,
    regional_prefixes,
)

__all__ = [
    "DEFAULT_ORDER",
    "AccessEngine",
    "AccessMethod",
    "AccessMethodPreference",
    "AccessMethodSelector",
    "AccessMethodTracker",
    "AccessOutcome",
    "AccessStatistics",
    "Candidate",
    "InMemoryPreferenceStore",
    "JsonFilePreferenceStore",
    "PreferenceStore",
    "ProfileCatalog",
    "ProfileRequirementDetector",
    "ProfileRequirementError",
    "RedisPreferenceStore",
    "regional_prefix",
    "regional_prefixes",
]
