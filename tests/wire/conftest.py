"""Emulator tests talk to a real server over loopback, through real boto3 clients."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from pytest_socket import socket_allow_hosts

from langchain_bedrock_enhanced.emulator import BedrockEmulator

ClientFactory = Callable[..., Any]


@pytest.fixture(autouse=True)
def _loopback_only() -> None:
    # pytest-socket lifts the restriction itself when each test ends.
    socket_allow_hosts(["127.0.0.1", "::1", "localhost"], allow_unix_socket=True)


@pytest.fixture
def emulator() -> Iterator[BedrockEmulator]:
    """A fresh in-process emulator with the default world."""
    with BedrockEmulator() as emu:
        yield emu


def make_client(
    endpoint_url: str, service: str = "bedrock-runtime", region: str = "us-east-1", **config: Any
) -> Any:
    """A real boto3 client pointed at the emulator; botocore retries off unless asked for."""
    retries = config.pop("retries", {"mode": "standard", "total_max_attempts": 1})
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint_url,
        config=Config(retries=retries, **config),
    )


@pytest.fixture
def runtime(emulator: BedrockEmulator) -> ClientFactory:
    """`runtime(region="us-east-1")` builds a bedrock-runtime client for the emulator."""

    def factory(region: str = "us-east-1", **config: Any) -> Any:
        return make_client(emulator.endpoint_url, "bedrock-runtime", region, **config)

    return factory


@pytest.fixture
def control(emulator: BedrockEmulator) -> ClientFactory:
    """`control(region="us-east-1")` builds a bedrock control-plane client for the emulator."""

    def factory(region: str = "us-east-1", **config: Any) -> Any:
        return make_client(emulator.endpoint_url, "bedrock", region, **config)

    return factory


@pytest.fixture(scope="module")
def cli_emulator_url() -> Iterator[str]:
    """The URL of an emulator started from the shell, as a user would start it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "langchain_bedrock_enhanced.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "http://127.0.0.1:" in line, line
        yield line.strip().rsplit(" ", 1)[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
