"""Run every ``bench_*.py`` in this folder (``make bench``), after a note of the machine.

Each benchmark runs in its own process with this interpreter; the exit status is non-zero
if any of them fails.
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_summary() -> str:
    import numpy

    import scrutiny

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"Machine: {cpu_model()}, nproc {usable} (of {os.cpu_count()}), {platform.system()} "
        f"{platform.machine()}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}\n"
        f"Python {platform.python_version()}, NumPy {numpy.__version__}, scrutiny {scrutiny.__version__}"
    )


def main() -> int:
    print(machine_summary(), flush=True)
    failed = []
    for bench in sorted(HERE.glob("bench_*.py")):
        print(f"\n== {bench.name}", flush=True)
        if subprocess.run([sys.executable, str(bench), "--no-machine"], check=False).returncode != 0:
            failed.append(bench.name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
