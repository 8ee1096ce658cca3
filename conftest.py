"""Suite-wide safety, for the tests and the package's doctests alike.

No test or docstring example may reach AWS or read the developer's credentials, and
each starts with nothing learned. Doctests run with sockets disabled, as unit tests do.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _pytest.doctest import DoctestItem
from pytest_socket import disable_socket, enable_socket

from langchain_bedrock_enhanced import factory
from langchain_bedrock_enhanced.access import AccessMethodTracker

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLETESTKEY01",
    "AWS_SECRET_ACCESS_KEY": "emulator-secret-key-for-tests-only",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
_REMOVED_ENV = (
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
    "AWS_ENDPOINT_URL_BEDROCK",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


@pytest.fixture(autouse=True)
def _isolated_aws_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name in _REMOVED_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in _FAKE_ENV.items():
        monkeypatch.setenv(name, value)
    empty = tmp_path_factory.getbasetemp() / "no-aws-config"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))


@pytest.fixture(autouse=True)
def _fresh_access_state(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each test starts with nothing learned and an empty catalog cache."""
    cache = tmp_path_factory.mktemp("catalog-cache")
    monkeypatch.setenv("LANGCHAIN_BEDROCK_ENHANCED_CACHE_DIR", str(cache))
    AccessMethodTracker.reset_instance()
    monkeypatch.setattr(factory, "_CATALOGS", {})


@pytest.fixture(autouse=True)
def _doctests_without_network(request: pytest.FixtureRequest) -> Iterator[None]:
    if not isinstance(request.node, DoctestItem):
        yield
        return
    disable_socket(allow_unix_socket=True)
    yield
    enable_socket()
