"""Settings shared by every test module."""
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
