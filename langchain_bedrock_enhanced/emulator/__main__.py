"""`python -m langchain_bedrock_enhanced.emulator`: run the emulator until stopped.

It prints one line with its URL (`http://127.0.0.1:PORT`), flushed, so a parent
process can read the port it was given.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from langchain_bedrock_enhanced.emulator._host import load_scenario, start_site
from langchain_bedrock_enhanced.emulator._server import EmulatorApp

_PROG = "python -m langchain_bedrock_enhanced.emulator"


def _parser(prog: str = _PROG) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="A local Bedrock-compatible server for boto3 and LangChain.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one")
    parser.add_argument("--scenario", help="a JSON or TOML scenario file (see docs/)")
    parser.add_argument("--latency-ms", type=float, help="fixed latency for model calls")
    parser.add_argument(
        "--verify-signatures",
        action="store_true",
        help="reject requests not signed with the emulator's test credentials",
    )
    parser.add_argument("--log-level", default="WARNING", help="logging level (default: WARNING)")
    return parser


async def _serve(args: argparse.Namespace) -> None:
    state = EmulatorApp(
        load_scenario(args.scenario, latency_ms=args.latency_ms),
        verify_signatures=args.verify_signatures,
    )
    runner, url = await start_site(state, args.host, args.port)
    sys.stdout.write(f"Bedrock emulator listening on {url}\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: Sequence[str] | None = None, *, prog: str = _PROG) -> int:
    """Run the emulator from the command line; returns the process exit code.

    Args:
        argv: The arguments (default: the command line's).
        prog: The command's name in `--help` and usage errors, for a caller that runs
            it as a subcommand of its own.

    Returns:
        The exit code.
    """
    args = _parser(prog).parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
