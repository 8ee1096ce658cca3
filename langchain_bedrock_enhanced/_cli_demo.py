"""`langchain-bedrock-enhanced demo` (and `make demo`): the main job on the embedded emulator.

One chain per family, a profile-only model called by its bare ID (with and without
the catalog, and what the tracker learned), then the LLM client. Everything goes
through real boto3 clients to an emulator in this process; nothing is left behind.

Example:
    >>> len(DEMO_MODELS)
    4
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Literal, TextIO

if TYPE_CHECKING:
    from langchain_bedrock_enhanced.catalog import ModelCatalog
    from langchain_bedrock_enhanced.emulator import BedrockEmulator

__all__ = ["DEMO_MODELS", "run_demo"]


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
    account is needed. The demo leaves nothing behind: its catalog lives in memory
    only, and what it learns dies with the process.

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
        catalog = _demo_catalog(emu.endpoint_url)
        for model_id in DEMO_MODELS:
            model = create_langchain_chatbedrock(
                model_id,
                region_name="us-east-1",
                endpoint_url=emu.endpoint_url,
                aws_access_key_id="AKIDEXAMPLEDEMO00000",
                aws_secret_access_key="demo-secret",  # noqa: S106 - the emulator's, not AWS's
                max_tokens=48,
                catalog=catalog,
            )
            chain = prompt | model | StrOutputParser()
            reply = chain.invoke({"topic": DEMO_TOPIC})
            out.write(f"{type(model).__name__} ({model_id})\n  {reply}\n")
        out.write(f"\nround trips seen by the emulator: {len(emu.requests)}\n")
        emu.clear_requests()
        _profile_demo(emu, out, catalog)
        _facade_demo(emu, out, catalog)
    return 0


def _demo_catalog(endpoint_url: str) -> ModelCatalog:
    """The demo's catalog: discovered live from the emulator and kept in memory only.

    The emulator listens on a new port every run, so a disk cache (keyed by the
    endpoint) would leave a new directory behind each time.
    """
    import boto3  # noqa: PLC0415 - the demo's imports stay lazy, like its command

    from langchain_bedrock_enhanced.catalog import ModelCatalog  # noqa: PLC0415

    def client_factory(region: str) -> Any:  # noqa: ANN401 - a boto3 client
        return boto3.client(
            "bedrock",
            region_name=region,
            endpoint_url=endpoint_url,
            aws_access_key_id="AKIDEXAMPLEDEMO00000",
            aws_secret_access_key="demo-secret",  # noqa: S106 - the emulator's
        )

    return ModelCatalog(client_factory, endpoint_url=endpoint_url, disk_cache=False)


PROFILE_ONLY_MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0"
"""Refuses its bare ID everywhere: it must be called through an inference profile."""


def _profile_demo(emu: BedrockEmulator, out: TextIO, catalog: ModelCatalog) -> None:
    """A profile-only model from its bare ID: the engine learns once, then sends one request."""
    from langchain_bedrock_enhanced.access import AccessMethodTracker  # noqa: PLC0415
    from langchain_bedrock_enhanced.factory import create_langchain_chatbedrock  # noqa: PLC0415

    tracker = AccessMethodTracker()
    out.write(f"\nProfile-only model from its bare ID: {PROFILE_ONLY_MODEL}\n")
    demos: tuple[tuple[str, ModelCatalog | Literal[False]], ...] = (
        ("eu-west-1", False),
        ("ap-northeast-1", catalog),
    )
    for region, region_catalog in demos:
        model = create_langchain_chatbedrock(
            PROFILE_ONLY_MODEL,
            region_name=region,
            endpoint_url=emu.endpoint_url,
            aws_access_key_id="AKIDEXAMPLEDEMO00000",
            aws_secret_access_key="demo-secret",  # noqa: S106 - the emulator's
            catalog=region_catalog,
            tracker=tracker,
        )
        label = (
            "catalog on"
            if region_catalog is not False
            else "catalog off: learns from the first error"
        )
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


FACADE_SCHEMA: dict[str, Any] = {
    "title": "trip_plan",
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "days": {"type": "integer", "minimum": 1},
        "highlights": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
    },
    "required": ["city", "days"],
}
"""The JSON Schema the demo's `generate_structured` call asks for."""


def _facade_demo(emu: BedrockEmulator, out: TextIO, catalog: ModelCatalog) -> None:
    """`BedrockLLMClient`: text, then a dict validated against a JSON Schema."""
    from langchain_bedrock_enhanced.client import BedrockLLMClient  # noqa: PLC0415

    client = BedrockLLMClient(
        "us.amazon.nova-lite-v1:0",
        region_name="us-east-1",
        endpoint_url=emu.endpoint_url,
        max_tokens=64,
        aws_access_key_id="AKIDEXAMPLEDEMO00000",
        aws_secret_access_key="demo-secret",  # noqa: S106 - the emulator's
        catalog=catalog,
    )
    out.write(f"\nBedrockLLMClient ({client.model_id}), no LCEL\n")
    out.write(f"  generate: {client.generate('Name one benefit of inference profiles.')}\n")
    plan = client.generate_structured("Plan a 3-day trip to Lisbon.", FACADE_SCHEMA)
    out.write(f"  generate_structured (validated against a JSON Schema): {plan}\n")
    usage = client.usage
    out.write(
        f"  usage: {usage.successful_requests} calls, {usage.total_tokens} tokens, "
        f"by access method {sorted(usage.by_access_method)}\n"
    )
