"""What a 1,000,000-row ACLED import needed beyond the synthetic record (issue 9, "Scale"): the compile
survives the wide events table running out of DuckDB memory, and thousands of actors do not cost
every rerun a row-by-row label build. The import itself is timed by `conflict-timeline bench
--import-acled 1000000` (README, Performance)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from conflict_timeline.data import store
from conflict_timeline.data.load import load_dataset
from conflict_timeline.ui import sidebar


class _FirstEventsCopyRunsOutOfMemory:
    """A connection whose first COPY of the events table fails as DuckDB does at 1,000,000 imported events."""

    def __init__(self, con: duckdb.DuckDBPyConnection, log: list[str]) -> None:
        self.con, self.log, self.failed = con, log, False

    def execute(self, sql: str, *args):
        if sql.startswith("SET threads"):
            self.log.append(sql)
        if "events.parquet" in sql and sql.startswith("COPY") and not self.failed:
            self.failed = True
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block of size 256.0 KiB")
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self.con, name)


def test_events_table_is_written_on_one_thread_when_two_run_out_of_memory(mini_dir, tmp_path, monkeypatch):
    log: list[str] = []
    real = store.new_connection
    monkeypatch.setattr(store, "new_connection", lambda: _FirstEventsCopyRunsOutOfMemory(real(), log))
    meta = store.compile_store(mini_dir, tmp_path / "store", "v", dt.date(2026, 1, 1), None)
    assert log == ["SET threads = 1", f"SET threads = {store.THREADS}"]  # back to the configured threads after
    assert pq.read_table(tmp_path / "store" / "events.parquet").num_rows == meta["events"] > 0


def _many_actors(n: int) -> pd.DataFrame:
    shipped = load_dataset().actors
    rows = shipped.iloc[[i % len(shipped) for i in range(n)]].copy()
    rows.index = pd.Index([f"actor-{i:05d}" for i in range(n)], name=shipped.index.name)
    rows["short_name"] = [f"{name} {i}" for i, name in enumerate(rows["short_name"])]
    return rows


def _row_by_row(data) -> tuple[list[str], dict[str, str]]:
    """The labels and order as the sidebar built them before, one actor at a time (the reference)."""
    order = {side: i for i, side in enumerate(data.profile.side_ids)}
    actors = data.actors
    ids = sorted(
        actors.index, key=lambda a: (order.get(str(actors.at[a, "side"]), 99), actors.at[a, "short_name"].lower())
    )
    labels = {}
    for a in ids:
        actor = actors.loc[a]
        side = data.profile.side_label(str(actor["side"]))
        labels[a] = sidebar.plain(f"{side} · {actor['short_name']} ({actor['kind'].replace('_', ' ')})")
    return ids, labels


def test_actor_options_keep_their_order_and_labels():
    data = load_dataset()
    ids, labels = _row_by_row(data)
    assert sidebar.sorted_actor_ids(data) == ids
    assert {a: sidebar.actor_label(data, a) for a in ids} == labels


def test_thousands_of_actor_options_cost_a_rerun_almost_nothing():
    data = dataclasses.replace(load_dataset(), actors=_many_actors(3_000))
    ids, labels = _row_by_row(data)
    assert sidebar.sorted_actor_ids(data) == ids  # the first rerun builds the list
    start = time.perf_counter()
    for _ in range(2):  # the sidebar and the Actors page's own selector, on every later rerun
        assert [sidebar.actor_label(data, a) for a in sidebar.sorted_actor_ids(data)] == [labels[a] for a in ids]
    assert time.perf_counter() - start < 0.1  # row by row: ~0.8 s at 3,000 actors


def test_bench_times_an_import_in_its_own_mode(tmp_path, capsys):
    import json

    from conflict_timeline.tools import bench
    from conflict_timeline.tools.synth import write_acled_csv

    export = write_acled_csv(tmp_path / "acled.csv", 400)
    assert bench._main(["_import", str(export), str(tmp_path / "imported")]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["rows_in"] == 400 == result["imported"] + result["duplicates"] + result["rejected"]
    assert result["import_s"] > 0 and result["import_rss_mb"] > 0
    assert (tmp_path / "imported" / "events.csv").is_file()


def test_cli_bench_takes_an_import_and_data_directories():
    from conflict_timeline.cli import make_parser

    args = make_parser().parse_args(["bench", "--sizes", "--import-acled", "1000", "--datasets", "a", "b"])
    assert (args.sizes, args.import_acled, args.datasets) == ([], [1000], ["a", "b"])
