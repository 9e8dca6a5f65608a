"""`conflict-timeline bench`: every page, every size, memory, concurrent sessions, and a baseline.

For the shipped data and each synthetic size it measures, each in a fresh process:

- the first compile (validation included) of the columnar store: seconds and peak RSS;
- a new session (Streamlit caches cleared, store warm) and, per page (Timeline, Map, Actors,
  Events, About), the rerun after a filter change — a new date each run, so no cached result
  helps — as medians of ``--runs``; the chart data sent per page (Plotly specs + deck JSON);
  the serving process's peak RSS;
- a baseline in the same run: the previous in-memory (pandas) implementation at 100,000 events,
  one run per page, from git history, reported as a ratio;
- with ``--load N``: N sessions opening a link together against a real server on localhost
  (websocket clients speaking Streamlit's protocol): p50 and p95 seconds to a finished run;
- with ``--import-acled N``: a synthetic ACLED export of N rows imported (seconds, peak RSS), then
  measured like the others; with ``--datasets DIR``: any data directory (an import you made).

Figures vary with the machine's load by a few tens of percent: compare ratios in one run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT, resolve_data_dir
from conflict_timeline.data.store import CACHE_ENV

APP = str(REPO_ROOT / "dashboard" / "app.py")
PAGES = ("timeline", "map", "actors", "events", "about")
BASELINE_COMMIT = "d1800bf"  # the last in-memory (pandas) version, before the columnar engine
TARGETS = (
    "targets (1,000,000 events): compile <= 90 s and <= 1.5 GB; new session <= 3 s; every page's rerun <= 1 s; "
    "chart data <= 5 MB per page; serving RSS <= 1.5 GB · shipped data: every rerun <= 0.15 s · "
    "load: 10 sessions p95 <= 2 s, 20 sessions p95 <= 4 s · importing 1,000,000 ACLED rows <= 120 s and <= 2 GB"
)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _payload(at) -> int:
    size = sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))
    return size + sum(len(deck.proto.json) for deck in at.get("deck_gl_json_chart"))


def measure_compile(data_dir: Path) -> dict:
    """In this (fresh) process: compile the store with an empty cache."""
    from conflict_timeline.data.load import load_dataset

    start = time.perf_counter()
    data = load_dataset(data_dir)
    return {"compile_s": time.perf_counter() - start, "compile_rss_mb": _rss_mb(), "events": data.n_events}


def measure_import(csv_file: Path, out: Path) -> dict:
    """In this (fresh) process: import an ACLED export into ``out``; seconds and peak RSS."""
    from conflict_timeline.importers import import_files

    start = time.perf_counter()
    report = import_files("acled", [csv_file], out)
    return {
        "import_s": time.perf_counter() - start,
        "import_rss_mb": _rss_mb(),
        "rows_in": report.rows_in,
        "imported": report.imported,
        "duplicates": report.n_duplicates,
        "rejected": report.rejected,
    }


def measure_pages(data_dir: Path, runs: int) -> dict:
    """In this (fresh) process, store warm: a new session, then each page's rerun after a filter change."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ[ENV_VAR] = str(data_dir)
    sessions: list[float] = []
    reruns: dict[str, list[float]] = {page: [] for page in PAGES}
    sizes: dict[str, int] = {}
    first_day = dt.date(1990, 1, 1)
    for run in range(runs):
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(APP, default_timeout=600)
        start = time.perf_counter()
        at.run()
        sessions.append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]
        for i, page in enumerate(PAGES):
            at.switch_page(f"views/{page}.py").run()
            sizes[page] = _payload(at)
            # a date never asked before: the rerun computes, it does not hit a cached result
            day = first_day + dt.timedelta(days=37 * (run * len(PAGES) + i) + 1)
            widget = at.date_input(key="f_from").set_value(day)
            start = time.perf_counter()
            widget.run()
            reruns[page].append(time.perf_counter() - start)
            assert not at.exception, [e.value for e in at.exception]
    out = {"session_s": statistics.median(sessions), "serve_rss_mb": _rss_mb()}
    out.update({f"{page}_s": statistics.median(values) for page, values in reruns.items()})
    out.update({f"{page}_mb": size / 1e6 for page, size in sizes.items()})
    return out


BASELINE_SCRIPT = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
import datetime as dt
import streamlit as st
from streamlit.testing.v1 import AppTest
app = os.path.join(sys.argv[1], "app.py")
at = AppTest.from_file(app, default_timeout=900)
at.run()
out = {}
for i, page in enumerate(%(pages)r):
    at.switch_page(f"views/{page}.py").run()
    widget = at.date_input(key="f_from").set_value(dt.date(1990, 1, 1) + dt.timedelta(days=37 * i + 1))
    start = time.perf_counter(); widget.run(); out[page + "_s"] = time.perf_counter() - start
print(json.dumps(out))
"""


def measure_baseline(data_dir: Path, workdir: Path) -> dict | None:
    """The old in-memory path (git history) on the same data, one run per page, in its own process."""
    if not (REPO_ROOT / ".git").exists() or shutil.which("git") is None:
        return None
    old = workdir / "baseline"
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", BASELINE_COMMIT, "dashboard"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        return None
    old.mkdir()
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    env = {
        **os.environ,
        ENV_VAR: str(data_dir),
        CACHE_ENV: str(workdir / "baseline-cache"),
        "PYTHONPATH": str(old / "dashboard"),
    }
    result = subprocess.run(
        [sys.executable, "-c", BASELINE_SCRIPT % {"pages": PAGES}, str(old / "dashboard")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=str(old),
    )
    if result.returncode != 0:
        print(f"baseline failed: {result.stderr[-800:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def _child(mode: str, *args: str, cache: Path) -> dict:
    env = {**os.environ, CACHE_ENV: str(cache)}
    command = [sys.executable, "-m", "conflict_timeline.tools.bench", mode, *args]
    # from the repository's root, as `make run`: the app's .streamlit/config.toml applies
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd=REPO_ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"{mode} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- concurrent sessions against a real server --------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _one_session(port: int, query: str, timeout: float) -> float:
    """Open a session over Streamlit's websocket and time the first run to its end."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect  # Streamlit's own server dependency

    start = time.perf_counter()
    async with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None) as conn:
        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_script_hash = ""
        await conn.send(message.SerializeToString())
        while True:
            raw = await asyncio.wait_for(conn.recv(), timeout)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            if forward.WhichOneof("type") == "script_finished":
                return time.perf_counter() - start


def measure_load(data_dir: Path, sessions: int, cache: Path, rounds: int = 3) -> dict:
    """``sessions`` clients opening the same shared link at once, ``rounds`` times; seconds per session."""
    port = _free_port()
    env = {**os.environ, ENV_VAR: str(data_dir), CACHE_ENV: str(cache)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            APP,
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.3)
        asyncio.run(_one_session(port, "", 600))  # the server's own first run (compile, imports) is not timed
        times: list[float] = []
        for round_ in range(rounds):
            # a shared link, the same for everyone in a round (a new one each round)
            query = f"from=2020-09-{27 - round_:02d}&to=2020-11-10&q=Stepanakert"

            async def together(query: str = query) -> list[float]:
                return await asyncio.gather(*(_one_session(port, query, 120) for _ in range(sessions)))

            times += asyncio.run(together())
        times.sort()
        return {
            "sessions": sessions,
            "p50_s": statistics.median(times),
            "p95_s": times[max(0, int(round(0.95 * len(times))) - 1)],
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- the report ---------------------------------------------------------------------------------


def run_bench(
    sizes: list[int],
    runs: int = 5,
    base: str | None = None,
    load: list[int] | None = None,
    datasets_dirs: list[str] | None = None,
    import_acled: list[int] | None = None,
) -> int:
    """``datasets_dirs``: data directories measured as they are (an import, say); ``import_acled``:
    sizes of synthetic ACLED exports written, imported (timed, in a fresh process) and measured."""
    from conflict_timeline.tools.synth import write_acled_csv, write_synthetic

    rows = []
    imports = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        datasets = [("shipped", resolve_data_dir(base))]
        for size in sizes:
            print(f"writing {size:,} synthetic events …", file=sys.stderr)
            datasets.append((f"synthetic {size:,}", write_synthetic(work / f"synth-{size}", size, base=base)))
        for size in import_acled or []:
            print(f"writing an ACLED export of {size:,} rows and importing it …", file=sys.stderr)
            export = write_acled_csv(work / f"acled-{size}.csv", size)
            result = _child("_import", str(export), str(work / f"acled-{size}"), cache=work / "cache-import")
            export.unlink()  # the export is not needed past the import: free its disk space
            imports.append((size, result))
            datasets.append((f"ACLED import {size:,}", work / f"acled-{size}"))
        for directory in datasets_dirs or []:
            datasets.append((Path(directory).name, resolve_data_dir(directory)))
        for label, path in datasets:
            cache = work / f"cache-{len(rows)}"
            print(f"measuring {label}: compile …", file=sys.stderr)
            result = _child("_compile", str(path), cache=cache)
            print(f"measuring {label}: pages …", file=sys.stderr)
            result.update(_child("_pages", str(path), str(runs), cache=cache))
            rows.append((label, result))
        baseline = None
        if 100_000 in sizes:
            print("measuring the baseline (old in-memory path, 100,000 events) …", file=sys.stderr)
            baseline = measure_baseline(work / "synth-100000", work)
        loads = []
        for sessions in load or []:
            print(f"measuring {sessions} sessions opening a link together …", file=sys.stderr)
            loads.append(measure_load(resolve_data_dir(base), sessions, work / "cache-0"))

    print(f"conflict-timeline bench — medians of {runs} runs on {os.cpu_count()} cores (seconds; MB)")
    print(
        "| dataset | compile | compile RSS | new session | "
        + " | ".join(f"{p} rerun" for p in PAGES)
        + " | largest chart data | serving RSS |"
    )
    print("|---" + "|---:" * (5 + len(PAGES)) + "|")
    for label, r in rows:
        largest = max(r[f"{p}_mb"] for p in PAGES)
        print(
            f"| {label} | {r['compile_s']:.1f} | {r['compile_rss_mb']:.0f} | {r['session_s']:.2f} | "
            + " | ".join(f"{r[f'{p}_s']:.2f}" for p in PAGES)
            + f" | {largest:.2f} | {r['serve_rss_mb']:.0f} |"
        )
    if imports:
        print("\nImporting synthetic ACLED exports (31 columns, ~3 % events exported twice; fresh process)")
        print("| rows | import | import RSS | imported | replaced by a later copy | rejected |")
        print("|---:|---:|---:|---:|---:|---:|")
        for size, r in imports:
            print(
                f"| {size:,} | {r['import_s']:.1f} | {r['import_rss_mb']:.0f} | {r['imported']:,} | "
                f"{r['duplicates']:,} | {r['rejected']:,} |"
            )
    if baseline:
        new = dict(rows)["synthetic 100,000"]
        print("\nBaseline: the previous in-memory implementation at 100,000 events, same machine, same run")
        print("| page | old rerun | new rerun | new / old |")
        print("|---|---:|---:|---:|")
        for page in PAGES:
            old_s, new_s = baseline[f"{page}_s"], new[f"{page}_s"]
            print(f"| {page} | {old_s:.2f} | {new_s:.2f} | {new_s / old_s:.2f} |")
    if loads:
        print("\nSessions opening a shared link together (shipped data, real server on localhost)")
        print("| sessions | p50 | p95 |")
        print("|---:|---:|---:|")
        for r in loads:
            print(f"| {r['sessions']} | {r['p50_s']:.2f} | {r['p95_s']:.2f} |")
    print(TARGETS)
    return 0


def _main(argv: list[str]) -> int:
    mode, rest = argv[0], argv[1:]
    if mode == "_compile":
        print(json.dumps(measure_compile(Path(rest[0]))))
    elif mode == "_import":
        print(json.dumps(measure_import(Path(rest[0]), Path(rest[1]))))
    elif mode == "_pages":
        print(json.dumps(measure_pages(Path(rest[0]), int(rest[1]))))
    else:
        raise SystemExit(f"unknown mode {mode}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
