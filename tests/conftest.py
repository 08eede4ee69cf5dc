"""Settings shared by every test module."""
import os

import matplotlib

matplotlib.use("Agg")  # plots are drawn without a display


def run_bounded(code: str, timeout: float = 60.0) -> str:
    """Run ``code`` (after ``import scrutiny as sc``) in a fresh interpreter within ``timeout``
    seconds, so that a hang fails the test instead of stopping the suite; its last line of
    output (the repr printed, or the exception)."""
    import subprocess
    import sys
    run = subprocess.run([sys.executable, "-c", f"import scrutiny as sc\n{code}"],
                         capture_output=True, text=True, timeout=timeout)
    return (run.stdout.strip() or run.stderr.strip()).splitlines()[-1]



def assert_counts_refused(call: str, argument: str) -> None:
    """``call`` (code after ``import numpy as np``) ends, without hanging, in a ValueError
    saying that ``argument`` must hold whole counts below 2**53."""
    last = run_bounded(f"import numpy as np\nprint(repr({call}))")
    assert last.startswith("ValueError") and f"{argument} must be whole counts below 2**53" in last


# AddressSanitizer (``make asan``) reserves terabytes of address space for its shadow memory, so a
# child process under it cannot be capped with RLIMIT_AS: there its bound is its peak resident
# memory, which every such test also checks, allowing for the sanitizer's own shadow memory,
# redzones and quarantine (about ten times the resident memory of a 130 MB run).
SANITIZED = "libasan" in os.environ.get("LD_PRELOAD", "")
RESIDENT_FACTOR = 4 if SANITIZED else 1


def address_space_cap(limit: int) -> str:
    """A line of Python capping the address space of the process that runs it at ``limit``
    bytes (an empty line under AddressSanitizer, see ``SANITIZED``)."""
    if SANITIZED:
        return ""
    return f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))"
