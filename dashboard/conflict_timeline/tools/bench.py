"""`conflict-timeline bench`: time the app with Streamlit's AppTest on shipped and synthetic data.

For each dataset it reports medians over several runs of: the first load (empty disk cache),
a cold script run (new session, Streamlit caches cleared, disk cache warm), a rerun after a
filter change on the Timeline and on the Map page, and the bytes of chart data sent
(Plotly spec + deck JSON). Run it on a quiet machine; figures vary by a few tens of percent.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from conflict_timeline.data.cache import CACHE_ENV
from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT, resolve_data_dir

APP = str(REPO_ROOT / "dashboard" / "app.py")
TARGETS = "targets: shipped rerun <= 0.3 s; 100,000 events cold run <= 3 s, rerun <= 1.5 s, chart data <= 5 MB"


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _rerun_with(at, verification: list[str]) -> float:
    """Seconds for the rerun that a change of the verification filter triggers."""
    widget = at.multiselect(key="f_verification").set_value(verification)
    return _timed(widget.run)


def _payload(at) -> int:
    size = sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))
    return size + sum(len(deck.proto.json) for deck in at.get("deck_gl_json_chart"))


def measure(data_dir: Path, runs: int) -> dict[str, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ[ENV_VAR] = str(data_dir)
    results: dict[str, list[float]] = {"first": [], "cold": [], "rerun": [], "map_rerun": []}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as cache:
        os.environ[CACHE_ENV] = cache
        for run in range(runs + 1):
            st.cache_resource.clear()
            st.cache_data.clear()
            at = AppTest.from_file(APP, default_timeout=300)
            elapsed = _timed(at.run)
            assert not at.exception, [e.value for e in at.exception]
            (results["first"] if run == 0 else results["cold"]).append(elapsed)
            sizes["timeline"] = _payload(at)
            choice = ["confirmed"] if run % 2 else ["claimed", "disputed"]
            results["rerun"].append(_rerun_with(at, choice))
            at.switch_page("views/map.py").run()
            sizes["map"] = _payload(at)
            other = ["claimed"] if run % 2 else ["confirmed", "disputed"]
            results["map_rerun"].append(_rerun_with(at, other))
    out = {name: statistics.median(values) for name, values in results.items() if values}
    out.update({f"{name}_bytes": size for name, size in sizes.items()})
    return out


def run_bench(sizes: list[int], runs: int = 5, base: str | None = None) -> int:
    from conflict_timeline.tools.synth import write_synthetic

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        datasets = [("shipped", resolve_data_dir(base))]
        for size in sizes:
            datasets.append((f"synthetic {size:,}", write_synthetic(Path(tmp) / f"synth-{size}", size, base=base)))
        for label, path in datasets:
            print(f"measuring {label} …", file=sys.stderr)
            rows.append((label, measure(path, runs)))
    print(f"conflict-timeline bench — medians of {runs} runs (seconds; chart data in MB)")
    print("| dataset | first load | cold run | rerun (timeline) | rerun (map) | timeline data | map data |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, r in rows:
        print(
            f"| {label} | {r['first']:.2f} | {r['cold']:.2f} | {r['rerun']:.2f} | {r['map_rerun']:.2f} "
            f"| {r['timeline_bytes'] / 1e6:.2f} | {r['map_bytes'] / 1e6:.2f} |"
        )
    print(TARGETS)
    return 0
