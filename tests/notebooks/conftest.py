"""Notebook tests run a Jupyter kernel and the emulator, both over loopback only."""

from __future__ import annotations

import pytest
from _pytest.doctest import DoctestItem
from pytest_socket import socket_allow_hosts


@pytest.fixture(autouse=True)
def _loopback_only(request: pytest.FixtureRequest) -> None:
    # Doctests keep the root conftest's rule: no sockets at all.
    if isinstance(request.node, DoctestItem):
        return
    # pytest-socket lifts the restriction itself when each test ends.
    socket_allow_hosts(["127.0.0.1", "::1", "localhost"], allow_unix_socket=True)
