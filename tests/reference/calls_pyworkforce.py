"""Reference values for scrutiny.calls.erlang_c and agents_needed from pyworkforce's ErlangC.

Tool: pyworkforce 0.5.1 (PyPI), ``pyworkforce.queuing.ErlangC`` (pure Python: Erlang B by the
inverse recurrence, Erlang C, service level 1 - C exp(-(n - A) t / h), occupancy A / n,
``required_positions`` searching upward from round(A + 1)).  pyworkforce works in minutes:
``ErlangC(transactions=calls, aht=handle / 60, asa=target / 60, interval=interval / 60,
shrinkage=shrinkage)``.

The sizing grid keeps traffic with a fractional part below 1/2, where pyworkforce's start
round(A + 1) is the smallest stable staffing floor(A) + 1 that scrutiny starts from (above
1/2 it skips that staffing).

Run: python tests/reference/calls_pyworkforce.py  (writes calls_pyworkforce_*.csv here)
"""
from pathlib import Path

import pandas as pd
from pyworkforce.queuing import ErlangC

HERE = Path(__file__).parent

rows = []
for calls, interval, handle, target in [(100, 1800, 180, 20), (100, 1800, 180, 19.8),
                                        (37, 1800, 423, 10), (412, 3600, 275, 30),
                                        (1250.5, 1800, 312, 60), (3.7, 900, 95, 15)]:
    e = ErlangC(transactions=calls, aht=handle / 60, asa=target / 60, interval=interval / 60)
    a = e.intensity
    for agents in range(int(a) + 1, int(a) + 9):
        rows.append({"calls": calls, "interval": interval, "handle_time": handle,
                     "target_time": target, "agents": agents, "traffic": a,
                     "p_wait": e.waiting_probability(agents),
                     "service_level": e.service_level(agents),
                     "occupancy": e.achieved_occupancy(agents),
                     "call": f"ErlangC(transactions={calls}, aht={handle}/60, asa={target}/60, "
                             f"interval={interval}/60).service_level({agents})"})
pd.DataFrame(rows).to_csv(HERE / "calls_pyworkforce_erlang_c.csv", index=False,
                          float_format="%.17g")

rows = []
for calls, interval, handle, target in [(100, 1800, 180, 20), (37, 1800, 423, 10),
                                        (412, 3600, 275, 30), (520, 1800, 240, 20),
                                        (8.2, 1800, 600, 30)]:
    for level in (0.6, 0.8, 0.9, 0.95):
        for occ in (1.0, 0.85, 0.7):
            for shrinkage in (0.0, 0.3, 0.35):
                e = ErlangC(transactions=calls, aht=handle / 60, asa=target / 60,
                            interval=interval / 60, shrinkage=shrinkage)
                if e.intensity % 1 >= 0.5:
                    continue
                r = e.required_positions(service_level=level, max_occupancy=occ)
                rows.append({"calls": calls, "interval": interval, "handle_time": handle,
                             "target_time": target, "level": level, "max_occupancy": occ,
                             "shrinkage": shrinkage, "raw_positions": r["raw_positions"],
                             "positions": r["positions"], "service_level": r["service_level"],
                             "occupancy": r["occupancy"],
                             "waiting_probability": r["waiting_probability"],
                             "call": f"ErlangC(transactions={calls}, aht={handle}/60, "
                                     f"asa={target}/60, interval={interval}/60, "
                                     f"shrinkage={shrinkage}).required_positions({level}, "
                                     f"max_occupancy={occ})"})
pd.DataFrame(rows).to_csv(HERE / "calls_pyworkforce_sizing.csv", index=False,
                          float_format="%.17g")
