"""`langchain-bedrock-enhanced generate`: the LLM client from the shell (private).

The prompt is an argument, or `-` to read it from standard input. The answer goes to
standard output: text, streamed with `--stream`, or one JSON document with
`--schema FILE` (a JSON Schema the answer is validated against). Settings not given
come from the environment, as for `BedrockLLMClient` (`BEDROCK_MODEL_ID`, `AWS_REGION`,
`AWS_ENDPOINT_URL`, ...).

Example:
    >>> import argparse
    >>> commands = argparse.ArgumentParser().add_subparsers(dest="command")
    >>> parser = add_parser(commands, [])
    >>> parser.parse_args(["Hi", "--model", "amazon.nova-lite-v1:0", "--stream"]).stream
    True
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from langchain_bedrock_enhanced.errors import ConfigurationError

__all__ = ["add_parser", "run"]


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add the `generate` subcommand.

    Args:
        commands: The CLI's subcommands.
        parents: Parsers whose options every subcommand shares.

    Returns:
        The subcommand's parser.
    """
    parser = commands.add_parser(
        "generate",
        parents=parents,
        help="answer a prompt with BedrockLLMClient",
        description="Send PROMPT to a Bedrock model and print the answer. Unset options "
        "come from the environment (BEDROCK_MODEL_ID, AWS_REGION, AWS_ENDPOINT_URL, ...).",
    )
    parser.add_argument("prompt", metavar="PROMPT", help="the prompt; - reads standard input")
    parser.add_argument("--model", help="any model identifier (default: BEDROCK_MODEL_ID)")
    parser.add_argument("--region", help="the region (default: the AWS configuration chain)")
    parser.add_argument("--endpoint-url", help="a bedrock-runtime endpoint, e.g. the emulator")
    parser.add_argument("--system", help="a system prompt")
    parser.add_argument("--temperature", type=float, help="sampling temperature")
    parser.add_argument("--max-tokens", type=int, help="the answer's token cap")
    parser.add_argument(
        "--api", choices=("converse", "invoke"), default="converse", help="the Bedrock API"
    )
    how = parser.add_mutually_exclusive_group()
    how.add_argument(
        "--schema", metavar="FILE", help="a JSON Schema file: print a validated JSON answer"
    )
    how.add_argument("--stream", action="store_true", help="print the answer as it arrives")
    parser.add_argument(
        "--retries",
        type=int,
        metavar="N",
        help="retry transient errors N times with backoff (generate_with_retry)",
    )
    return parser


def run(args: argparse.Namespace, out: TextIO, stdin: TextIO = sys.stdin) -> int:
    """Run `generate` with parsed arguments.

    Args:
        args: The parsed arguments.
        out: Where the answer goes.
        stdin: Where `-` reads the prompt from.

    Returns:
        The exit code (errors are raised, typed, for the CLI to report).

    Raises:
        ConfigurationError: The prompt is empty, or the schema file is unreadable.
    """
    from langchain_bedrock_enhanced.client import BedrockLLMClient  # noqa: PLC0415 - lazy CLI

    prompt = stdin.read() if args.prompt == "-" else args.prompt
    if not prompt.strip():
        msg = "The prompt is empty."
        raise ConfigurationError(msg)
    client = BedrockLLMClient(
        args.model,
        region_name=args.region,
        endpoint_url=args.endpoint_url,
        temperature=args.temperature,
        max_tokens=args.max_tokens,
        api=args.api,
    )
    if args.schema:
        answer = client.generate_structured(prompt, _schema(args.schema), system_prompt=args.system)
        out.write(json.dumps(answer, indent=2, ensure_ascii=False) + "\n")
    elif args.stream:
        for piece in client.stream(prompt, system_prompt=args.system):
            out.write(piece)
            out.flush()
        out.write("\n")
    elif args.retries is not None:
        out.write(
            client.generate_with_retry(prompt, system_prompt=args.system, max_retries=args.retries)
            + "\n"
        )
    else:
        out.write(client.generate(prompt, system_prompt=args.system) + "\n")
    return 0


def _schema(path: str) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        msg = f"Cannot read the schema file {path}: {err.strerror or err}."
        raise ConfigurationError(msg) from err
    except ValueError as err:
        msg = f"The schema file {path} is not JSON: {err}."
        raise ConfigurationError(msg) from err
    if not isinstance(document, dict):
        msg = f"The schema file {path} must hold a JSON object (a JSON Schema)."
        raise ConfigurationError(msg)
    return document
