"""What each region offers, what it costs, and the bundled snapshot both start from.

- `ModelCatalog` answers which models and inference profiles a region offers, from
  live discovery, a disk cache or the bundled snapshot, and each model's lifecycle
  (`ModelCatalog.model_lifecycle` gives a `ModelLifecycle` without a network call).
- `ModelType` enumerates the current model IDs of the supported families (generated
  from the bundled snapshot).
- `RegionCatalog`, `CatalogSnapshot` and friends are the data it is made of.
- `price_for` and `load_price_table` read the bundled on-demand price table.

The JSON files in `data/` carry their own provenance.

Example:
    >>> from langchain_bedrock_enhanced.catalog import ModelCatalog
    >>> catalog = ModelCatalog(discover=False, disk_cache=False)
    >>> catalog.profiles_for("amazon.nova-pro-v1:0", "eu-west-1")
    {'eu': 'eu.amazon.nova-pro-v1:0'}
"""

from __future__ import annotations

from langchain_bedrock_enhanced.catalog.lifecycle import ModelLifecycle
from langchain_bedrock_enhanced.catalog.model_catalog import (
    CACHE_DIR_ENV,
    ModelCatalog,
    default_cache_dir,
    discover_region,
)
from langchain_bedrock_enhanced.catalog.model_types import ModelType
from langchain_bedrock_enhanced.catalog.pricing import (
    ModelPrice,
    PriceTable,
    PriceTier,
    load_price_table,
    price_for,
)
from langchain_bedrock_enhanced.catalog.snapshot import (
    CatalogModel,
    CatalogProfile,
    CatalogSnapshot,
    CatalogSource,
    RegionCatalog,
    load_bundled_snapshot,
)

__all__ = [
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
]
