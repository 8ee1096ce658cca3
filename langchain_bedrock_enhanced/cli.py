"""The `langchain-bedrock-enhanced` command line: `demo` and `emulator`.

`demo` runs the main job against the embedded emulator, so it needs no AWS account.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

DEMO_MODEL_ID = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
DEMO_PROMPT = "Hello from langchain-bedrock-enhanced! What can you do?"


def run_demo(out: TextIO = sys.stdout) -> int:
    """Start the embedded emulator and make one real boto3 Converse round trip through it.

    Args:
        out: Where to print (the terminal by default).

    Returns:
        The process exit code.

    Example:
        >>> import io
        >>> buffer = io.StringIO()
        >>> run_demo(buffer)  # doctest: +SKIP
        0
    """
    try:
        import boto3  # noqa: PLC0415 - keep `--help` fast
        from botocore.config import Config  # noqa: PLC0415

        from langchain_bedrock_enhanced.emulator import BedrockEmulator  # noqa: PLC0415
    except ImportError as err:  # pragma: no cover - depends on the installed extras
        out.write(f"The demo needs the [emulator] extra: {err}\n")
        return 1

    with BedrockEmulator() as emu:
        out.write(f"Embedded Bedrock emulator at {emu.endpoint_url}\n")
        client = boto3.client(
            "bedrock-runtime",
            region_name="us-east-1",
            endpoint_url=emu.endpoint_url,
            aws_access_key_id="AKIDEXAMPLEDEMO00000",
            aws_secret_access_key="demo-secret",  # noqa: S106 - the emulator's, not AWS's
            config=Config(retries={"mode": "standard", "total_max_attempts": 3}),
        )
        response = client.converse(
            modelId=DEMO_MODEL_ID,
            messages=[{"role": "user", "content": [{"text": DEMO_PROMPT}]}],
            inferenceConfig={"maxTokens": 64},
        )
        text = response["output"]["message"]["content"][0]["text"]
        usage = response["usage"]
        out.write(f"model:  {DEMO_MODEL_ID}\n")
        out.write(f"prompt: {DEMO_PROMPT}\n")
        out.write(f"reply:  {text}\n")
        out.write(
            f"usage:  {usage['inputTokens']} input + {usage['outputTokens']} output tokens, "
            f"stop reason {response['stopReason']}\n"
        )
        out.write(f"round trips seen by the emulator: {len(emu.requests)}\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="langchain-bedrock-enhanced",
        description="Amazon Bedrock for LangChain: demo and local emulator.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run the main job against the embedded emulator")
    commands.add_parser(
        "emulator",
        help="run the local Bedrock emulator (same options as python -m ...emulator)",
        add_help=False,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `langchain-bedrock-enhanced` command."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args, rest = _parser().parse_known_args(args_list)
    if args.command == "emulator":
        from langchain_bedrock_enhanced.emulator.__main__ import (  # noqa: PLC0415
            main as emulator_main,
        )

        return emulator_main(rest)
    if rest:
        _parser().error(f"unrecognized arguments: {' '.join(rest)}")
    return run_demo()


if __name__ == "__main__":
    sys.exit(main())
