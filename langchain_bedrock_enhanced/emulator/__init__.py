"""A local Bedrock-compatible emulator that real boto3 clients talk to.

Install it with the `[emulator]` extra. It speaks the bedrock-runtime and bedrock
control-plane wire protocols (SigV4 region scoping, event-stream frames with CRCs,
Bedrock's error headers and verbatim messages) and can inject latency, quotas and
faults from a scenario, so tests and demos need no AWS account.

Example:
    >>> from langchain_bedrock_enhanced.emulator import BedrockEmulator
    >>> with BedrockEmulator(scenario={"latency_ms": 10}) as emu:  # doctest: +SKIP
    ...     print(emu.endpoint_url)
    http://127.0.0.1:54321
"""

from __future__ import annotations

from langchain_bedrock_enhanced.emulator._host import BedrockEmulator, load_scenario
from langchain_bedrock_enhanced.emulator._log import RequestRecord
from langchain_bedrock_enhanced.emulator._scenario import Scenario
from langchain_bedrock_enhanced.emulator._server import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SECRET_ACCESS_KEY,
)

__all__ = [
    "DEFAULT_ACCESS_KEY_ID",
    "DEFAULT_SECRET_ACCESS_KEY",
    "BedrockEmulator",
    "RequestRecord",
    "Scenario",
    "load_scenario",
]
