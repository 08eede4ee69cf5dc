"""The bad-input matrix: every public function × every argument × every bad value.

The functions and their example calls come from ``scrutiny._registry``; the bad values
(``hostile_worker.KINDS``: NaN, ±inf, None, empty, 0-d, 3-D, string, object and complex dtypes,
bool, negative, zero, 1e308, 5e-324, 2**53 + 1, 2**63, a string, a list, a misaligned pandas
Series, read-only and strided arrays) are made from each argument's example value.  Every call
runs in a worker process with a time limit, two workers at once; a worker that hangs or dies is
replaced and the call it was running is named.  Each call must

- neither crash (a signal) nor hang (``TIMEOUT`` seconds),
- return, or raise ValueError, TypeError or scrutiny.NumericalError (ConvergenceError is one)
  whose message names the argument,
- and return no NaN or infinity except where documented: in a row whose ``status`` is not "ok"
  (a batch family's documented row status), a NaN when the input held a NaN (the ``nan``
  value: missing in, missing out), or in the fields ``_registry.NONFINITE`` lists for the
  function with the reason.

The unchanged example (``control``) is run too: it must return finite numbers.
``SCRUTINY_HOSTILE_TIMEOUT`` sets the time limit, ``SCRUTINY_HOSTILE_OUT`` a file to write every
outcome to (JSON).
"""
import collections
import json
import os
import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import pytest

import hostile_worker as hw
from scrutiny import _registry as reg

HERE = pathlib.Path(__file__).parent
TIMEOUT = float(os.environ.get("SCRUTINY_HOSTILE_TIMEOUT", "20"))   # seconds per call
WORKERS = 2


def cases():
    """Every (function, argument, kind) of the matrix, the controls first."""
    found = [(e.name, "", "control") for e in reg.ENTRIES]
    for e in reg.ENTRIES:
        for arg in hw.parameters(e.name):
            found += [(e.name, arg, kind) for kind in hw.KINDS if hw.applies(kind, e.name, arg)]
    return found


class Worker:
    """A worker process fed one call at a time; replaced after a hang or a crash."""

    def __init__(self):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])]), OMP_NUM_THREADS="1")
        # a fresh working directory: a bad value given as a file name ("abc") is written there
        self.folder = tempfile.mkdtemp(prefix="hostile")
        self.proc = subprocess.Popen([sys.executable, str(HERE / "hostile_worker.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                     cwd=self.folder)
        self.buffer = b""

    def _line(self, deadline):
        """The next line of output; None on a hang (past ``deadline``) or at the end."""
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def call(self, case):
        """The outcome of one case; ``None`` means this worker must be replaced."""
        try:
            self.proc.stdin.write((json.dumps(case) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            return ["crash", self.stop()], None
        line = self._line(time.monotonic() + 60)          # "start": the case is built
        if line == "start":
            line = self._line(time.monotonic() + TIMEOUT)
        if line is not None:
            return json.loads(line), self
        hung = self.proc.poll() is None
        status = self.stop()
        return (["hang"] if hung else ["crash", status]), None

    def stop(self, kill=True):
        """End the worker (killed, or at the end of its input); its exit status."""
        if kill:
            self.proc.kill()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except BrokenPipeError:
                pass
        status = self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
        return status


def run_matrix(todo):
    """The outcome of every case, ``WORKERS`` calls at a time."""
    queue = collections.deque(todo)
    outcomes = {}
    lock = threading.Lock()

    def lane():
        worker = None
        while True:
            with lock:
                if not queue:
                    break
                case = queue.popleft()
            worker = worker or Worker()
            outcomes[case], worker = worker.call(list(case))
        if worker:
            worker.stop(kill=False)

    threads = [threading.Thread(target=lane) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _names(path):
    """The result fields and frame columns along a path: ``groups['A'].table[std_err]`` ->
    groups, A, table, std_err."""
    names = set()
    for part in path.split("."):
        field, _, column = part.partition("[")
        names |= {field, column.rstrip("]").strip("'")}
    return names - {""} or {""}


def failure(case, outcome):
    """What is wrong with a case's outcome, or None."""
    name, arg, kind = case
    status = outcome[0]
    if status == "ok":
        return None
    if status == "nonfinite":
        allowed = reg.NONFINITE.get(name, {})
        bad = [f"{what} in {path}" for path, what in outcome[1]
               if not (kind == "nan" and what == "NaN") and not _names(path) & set(allowed)]
        return "; ".join(bad) or None
    if status == "error":
        return None if outcome[3] else f"message without the argument: {outcome[1]}: {outcome[2]}"
    if status == "other":
        return f"wrong type: {outcome[1]}: {outcome[2]}"
    if status == "hang":
        return f"hang (> {TIMEOUT:g} s)"
    return f"crash (exit status {outcome[-1]})"


@pytest.fixture(scope="module")
def matrix():
    outcomes = run_matrix(cases())
    if os.environ.get("SCRUTINY_HOSTILE_OUT"):       # every outcome, for the closing figures
        pathlib.Path(os.environ["SCRUTINY_HOSTILE_OUT"]).write_text(
            json.dumps([[list(case), outcome] for case, outcome in outcomes.items()]))
    return outcomes


def test_matrix_covers_every_function():
    assert {e.name for e in reg.ENTRIES} == set(reg.REGISTRY)
    assert all(hw.parameters(e.name) or e.name in ("data.available",) for e in reg.ENTRIES)


@pytest.mark.parametrize("name", [e.name for e in reg.ENTRIES])
def test_bad_inputs(matrix, name):
    wrong = [f"{name}({arg}={kind}): {problem}" for (n, arg, kind), outcome in matrix.items()
             if n == name and (problem := failure((n, arg, kind), outcome))]
    assert not wrong, "\n".join(wrong)
