"""The query engine: DuckDB over a compiled Parquet store, one connection per store and process.

DuckDB is embedded (no server), columnar and multi-threaded, reads Parquet without loading it,
and spills to disk when data outgrows memory. A connection is not thread-safe and Streamlit
runs every session in its own thread, so each query runs on its own ``cursor()`` of the shared
connection. User input reaches SQL only as bound parameters.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

THREADS = int(os.environ.get("CONFLICT_TIMELINE_THREADS", "2"))
MEMORY_LIMIT = os.environ.get("CONFLICT_TIMELINE_MEMORY", "1GB")
TABLES = ("events", "event_actors", "sources", "actors", "places", "eras", "event_types", "problems", "control")

_lock = threading.Lock()
_connections: dict[str, duckdb.DuckDBPyConnection] = {}
# The largest result any query has handed to pandas since the last reset (tests bound it).
_largest_all = {"rows": 0}


def new_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory database with explicit limits (the compile step uses one too); a large sort or
    join spills to a private temporary directory instead of failing at the memory limit."""
    return duckdb.connect(
        ":memory:",
        config={"threads": THREADS, "memory_limit": MEMORY_LIMIT, "temp_directory": str(_spill_dir())},
    )


@cache
def _spill_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="conflict-timeline-spill-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def connection(store: Path) -> duckdb.DuckDBPyConnection:
    """The process-wide connection for ``store``: views over its Parquet files, never written to."""
    key = str(store)
    with _lock:
        con = _connections.get(key)
        if con is None:
            con = new_connection()
            for table in TABLES:
                con.execute(
                    f"CREATE VIEW {table} AS SELECT * FROM read_parquet({_quoted(store / (table + '.parquet'))})"
                )
            _connections[key] = con
        return con


def forget(store: Path) -> None:
    """Close the connection of a store that is being removed (tests, expired uploads)."""
    with _lock:
        con = _connections.pop(str(store), None)
    if con is not None:
        con.close()


def query(store: Path, sql: str, params: Sequence | dict | None = None) -> pd.DataFrame:
    """Run one query on its own cursor and return the (bounded) result as a pandas frame."""
    cursor = connection(store).cursor()
    try:
        frame = cursor.execute(sql, params or []).df()
    finally:
        cursor.close()
    _largest_all["rows"] = max(_largest_all["rows"], len(frame))
    return frame


def scalar(store: Path, sql: str, params: Sequence | dict | None = None):
    cursor = connection(store).cursor()
    try:
        rows = cursor.execute(sql, params or []).fetchall()
        row = rows[0] if rows else None
    finally:
        cursor.close()
    return None if row is None else row[0]


def batches(store: Path, sql: str, params: Sequence | dict | None = None, rows: int = 50_000):
    """Stream a large result in pandas frames of at most ``rows`` rows (exports)."""
    cursor = connection(store).cursor()
    try:
        cursor.execute(sql, params or [])
        while True:
            frame = cursor.fetch_df_chunk(max(1, rows // 2048))
            if frame is None or frame.empty:
                break
            yield frame
    finally:
        cursor.close()


def largest_result() -> int:
    return _largest_all["rows"]


def reset_largest_result() -> None:
    _largest_all["rows"] = 0
