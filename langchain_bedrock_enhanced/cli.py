"""The `langchain-bedrock-enhanced` command line: `demo` and `emulator`.

`demo` runs the main job against the embedded emulator, so it needs no AWS account.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:
    from langchain_bedrock_enhanced.emulator import BedrockEmulator

DEMO_MODELS = (
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "us.amazon.nova-lite-v1:0",
    "us.meta.llama4-scout-17b-instruct-v1:0",
    "mistral.mistral-large-2402-v1:0",
)
"""One model of each family, as a user would name them in us-east-1."""
DEMO_TOPIC = "inference profiles on Amazon Bedrock"


def run_demo(out: TextIO = sys.stdout) -> int:
    """Run `prompt | model | StrOutputParser()` for one model of each family on the emulator.

    Everything goes through real boto3 clients to the embedded emulator, so no AWS
    account is needed.

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
        from langchain_core.output_parsers import StrOutputParser  # noqa: PLC0415
        from langchain_core.prompts import ChatPromptTemplate  # noqa: PLC0415

        from langchain_bedrock_enhanced.emulator import BedrockEmulator  # noqa: PLC0415
        from langchain_bedrock_enhanced.factory import (  # noqa: PLC0415
            create_langchain_chatbedrock,
        )
    except ImportError as err:  # pragma: no cover - depends on the installed extras
        out.write(f"The demo needs the [emulator] extra: {err}\n")
        return 1

    prompt = ChatPromptTemplate.from_messages(
        [("system", "You answer in one short sentence."), ("human", "Tell me about {topic}")]
    )
    with BedrockEmulator() as emu:
        out.write(f"Embedded Bedrock emulator at {emu.endpoint_url} (us-east-1)\n\n")
        for model_id in DEMO_MODELS:
            model = create_langchain_chatbedrock(
                model_id,
                region_name="us-east-1",
                endpoint_url=emu.endpoint_url,
                aws_access_key_id="AKIDEXAMPLEDEMO00000",
                aws_secret_access_key="demo-secret",  # noqa: S106 - the emulator's, not AWS's
                max_tokens=48,
            )
            chain = prompt | model | StrOutputParser()
            reply = chain.invoke({"topic": DEMO_TOPIC})
            out.write(f"{type(model).__name__} ({model_id})\n  {reply}\n")
        out.write(f"\nround trips seen by the emulator: {len(emu.requests)}\n")
        emu.clear_requests()
        _profile_demo(emu, out)
    return 0


PROFILE_ONLY_MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0"
"""Refuses its bare ID everywhere: it must be called through an inference profile."""


def _profile_demo(emu: BedrockEmulator, out: TextIO) -> None:
    """A profile-only model from its bare ID: the engine learns once, then sends one request."""
    from langchain_bedrock_enhanced.access import AccessMethodTracker  # noqa: PLC0415
    from langchain_bedrock_enhanced.factory import create_langchain_chatbedrock  # noqa: PLC0415

    tracker = AccessMethodTracker()
    out.write(f"\nProfile-only model from its bare ID: {PROFILE_ONLY_MODEL}\n")
    demos: tuple[tuple[str, Literal[False] | None], ...] = (
        ("eu-west-1", False),
        ("ap-northeast-1", None),
    )
    for region, catalog in demos:
        model = create_langchain_chatbedrock(
            PROFILE_ONLY_MODEL,
            region_name=region,
            endpoint_url=emu.endpoint_url,
            aws_access_key_id="AKIDEXAMPLEDEMO00000",
            aws_secret_access_key="demo-secret",  # noqa: S106 - the emulator's
            catalog=catalog,
            tracker=tracker,
        )
        label = "catalog on" if catalog is None else "catalog off: learns from the first error"
        out.write(f"  {region} ({label})\n")
        for call in (1, 2, 3):
            before = sum(1 for r in emu.requests if r.is_runtime)
            metadata = model.invoke("Hello!").response_metadata
            sent = sum(1 for r in emu.requests if r.is_runtime) - before
            out.write(
                f"    call {call}: {metadata['access_method_used']:<14} "
                f"{metadata['model_id_sent']:<50} runtime requests: {sent}\n"
            )
    out.write("\nTracker statistics\n")
    header = f"  {'model':<44} {'region':<15} {'calls by method':<34} ok  failed  needs-profile"
    out.write(header + "\n")
    for (model_id, region), stats in sorted(tracker.get_statistics().items()):
        methods = ", ".join(f"{m}={n}" for m, n in sorted(stats.calls_by_method.items()))
        out.write(
            f"  {model_id:<44} {region:<15} {methods:<34} {stats.successes:<3} "
            f"{stats.failures:<7} {stats.profile_requirements}\n"
        )


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
