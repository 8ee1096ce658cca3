"""P4 (import): `import langchain_bedrock_enhanced` against `import langchain_aws`.

Each import runs in a fresh interpreter and is timed inside it, so the interpreter's
own start-up (the same for both, and larger than either import's difference) does
not dilute the ratio. This machine's speed drifts by tens of percent between runs,
so the ratio is a median of back-to-back pairs rather than a ratio of bests. Our
package imports langchain-aws, so the true ratio is at least 1.

Both are measured with bytecode caching on, as installed packages run: with
`PYTHONDONTWRITEBYTECODE` set, an editable checkout would be compiled from source on
every import while site-packages ships its `.pyc` files, which compares compile time.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from typing import Any

_TIMED_IMPORT = (
    "import time; started = time.perf_counter(); import {module}; "
    "print(time.perf_counter() - started)"
)

NOTES = {
    "p4_import_ratio_vs_lc_aws": "target <= 1.15 (median of paired fresh-interpreter imports)",
    "p4_import_ms": "import langchain_bedrock_enhanced, median, fresh interpreter",
    "p4_lc_aws_import_ms": "anchor: import langchain_aws, median, fresh interpreter",
}


def _import_s(module: str) -> float:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    completed = subprocess.run(
        [sys.executable, "-c", _TIMED_IMPORT.format(module=module)],
        check=True,
        capture_output=True,
        text=True,
        env=environment,
    )
    return float(completed.stdout.strip().splitlines()[-1])


def run(*, repeats: int = 11) -> dict[str, Any]:
    """Time both imports `repeats` times each (after one untimed run that writes .pyc).

    The ratio is the median of per-pair ratios: the two imports of a pair run back to
    back (in alternating order), so a slow spell of the machine hits both alike.
    """
    ours_module, anchor_module = "langchain_bedrock_enhanced", "langchain_aws"
    _import_s(ours_module)
    _import_s(anchor_module)
    ours: list[float] = []
    anchor: list[float] = []
    for index in range(repeats):
        if index % 2:
            anchor.append(_import_s(anchor_module))
            ours.append(_import_s(ours_module))
        else:
            ours.append(_import_s(ours_module))
            anchor.append(_import_s(anchor_module))
    ratios = [mine / theirs for mine, theirs in zip(ours, anchor, strict=True)]
    return {
        "p4_import_ratio_vs_lc_aws": round(statistics.median(ratios), 4),
        "p4_import_ms": round(statistics.median(ours) * 1000, 2),
        "p4_lc_aws_import_ms": round(statistics.median(anchor) * 1000, 2),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
