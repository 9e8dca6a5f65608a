"""The compiled columnar store: Parquet under the cache directory, reused, rebuilt, never in data/."""

import json

import pytest

from conflict_timeline.data import store as store_module
from conflict_timeline.data.load import load_dataset
from tests.conftest import EVENTS, make_dataset


def test_second_load_reuses_the_store(mini_dir, monkeypatch):
    first = load_dataset(mini_dir)
    calls = []
    monkeypatch.setattr(store_module, "compile_store", lambda *a, **k: calls.append(a))
    second = load_dataset(mini_dir)
    assert second.store == first.store and not calls


def test_store_is_parquet_under_the_cache_dir_never_in_data(mini_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICT_TIMELINE_CACHE", str(tmp_path / "cache"))
    data = load_dataset(mini_dir)
    assert data.store.parent == tmp_path / "cache"
    names = {p.name for p in data.store.iterdir()}
    assert {"events.parquet", "event_actors.parquet", "sources.parquet", "meta.json"} <= names
    assert not any(p.suffix in (".pickle", ".pkl") for p in data.store.rglob("*"))
    assert {p.name for p in mini_dir.iterdir()} == {
        "events.csv",
        "sources.csv",
        "actors.csv",
        "places.csv",
        "eras.csv",
        "event_types.csv",
    }


def test_links_are_long_tables_not_list_cells(mini):
    from conflict_timeline.data import engine

    pairs = engine.query(mini.store, "SELECT * FROM event_actors")
    assert list(pairs.columns) == ["eid", "event_id", "actor_id", "role", "pos", "first_role"]
    assert pairs["first_role"].all()  # no actor is named twice in one of these events
    assert len(pairs) == sum(len(e[7].split(";")) for e in EVENTS)
    types = engine.query(mini.store, "DESCRIBE events")
    assert not types["column_type"].str.contains(r"\[\]").any()  # no list columns


def test_changed_data_gets_a_new_store(mini_dir):
    first = load_dataset(mini_dir)
    text = (mini_dir / "events.csv").read_text().replace("Fighting erupts", "Fighting breaks out")
    (mini_dir / "events.csv").write_text(text)
    second = load_dataset(mini_dir)
    assert second.version != first.version and second.store != first.store


def test_broken_store_is_rebuilt(mini_dir):
    first = load_dataset(mini_dir)
    (first.store / "meta.json").write_text("{not json")
    second = load_dataset(mini_dir)
    assert json.loads((second.store / "meta.json").read_text())["events"] == len(EVENTS)


def test_cache_off_compiles_into_a_private_temporary_directory(mini_dir, monkeypatch):
    monkeypatch.setenv("CONFLICT_TIMELINE_CACHE", "off")
    data = load_dataset(mini_dir)
    assert data.store.parent == store_module._process_dir()
    assert data.n_events == len(EVENTS)


def test_read_only_data_directory(mini_dir):
    mini_dir.chmod(0o555)
    try:
        assert load_dataset(mini_dir).n_events == len(EVENTS)
    finally:
        mini_dir.chmod(0o755)


def test_progress_is_reported_in_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "EVENT_BATCH", 2)  # the events table is written in batches
    seen = []
    load_dataset(make_dataset(tmp_path / "d"), progress=lambda what, done, total: seen.append((what, done, total)))
    assert ("Validating events", len(EVENTS), len(EVENTS)) in seen
    writing = [(done, total) for what, done, total in seen if what == "Writing the columnar store" and total > 1]
    assert writing == [(0, len(EVENTS)), (2, len(EVENTS)), (4, len(EVENTS))]  # events written so far, of all
    assert seen[-1][0] == "Ready"


@pytest.mark.parametrize("chunk", [1, 2, 4])
def test_chunked_validation_matches_whole_file(tmp_path, monkeypatch, chunk):
    """Validation in chunks gives the same problems and rows as one pass (ids across chunks too)."""
    from conflict_timeline.data import validate

    events = [list(e) for e in EVENTS] + [list(EVENTS[0])]  # a duplicate id, in a later chunk
    directory = make_dataset(tmp_path / "d", events=events)
    whole = load_dataset(directory)
    monkeypatch.setattr(validate, "CHUNK_ROWS", chunk)
    monkeypatch.setattr(store_module, "iter_table", lambda path: validate.iter_table(path, chunk_rows=chunk))
    monkeypatch.setenv("CONFLICT_TIMELINE_CACHE", str(tmp_path / f"cache-{chunk}"))
    chunked = load_dataset(directory)
    assert [str(p) for p in chunked.problems] == [str(p) for p in whole.problems]
    assert chunked.n_events == whole.n_events == len(EVENTS)


def test_the_version_is_not_rehashed_while_files_are_unchanged(mini_dir, monkeypatch):
    """Every app run asks for the version: hashing a million events' files each time cost 0.5 s."""
    from pathlib import Path

    from conflict_timeline.data.paths import dataset_version

    first = dataset_version(mini_dir)
    text = (mini_dir / "events.csv").read_text()
    reads = []
    real = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: reads.append(self.name) or real(self, *a, **k))
    assert dataset_version(mini_dir) == first and reads == []
    with open(mini_dir / "events.csv", "w", encoding="utf-8") as handle:  # not through Path.open
        handle.write(text + "\n")
    assert dataset_version(mini_dir) != first and "events.csv" in reads


@pytest.mark.parametrize("batch", [1, 2, 5])
def test_events_written_in_date_ordered_batches_equal_one_sort(mini_dir, tmp_path, monkeypatch, batch):
    # large datasets sort and write the events table a batch of eids at a time, then join the
    # batches into one file: the result must be the one-sort table, row for row and type for type
    import datetime as dt

    import pyarrow.parquet as pq

    def compile_with(size: int, out):
        monkeypatch.setattr(store_module, "EVENT_BATCH", size)
        store_module.compile_store(mini_dir, out, "v", dt.date(2026, 1, 1), None)
        return pq.read_table(out / "events.parquet")

    whole = compile_with(10_000, tmp_path / "whole")
    batched = compile_with(batch, tmp_path / f"batched-{batch}")
    assert whole.num_rows > batch  # more than one batch was written
    assert batched.schema == whole.schema
    assert batched.to_pylist() == whole.to_pylist()
    assert batched["eid"].to_pylist() == sorted(batched["eid"].to_pylist())
    assert not list((tmp_path / f"batched-{batch}").rglob("batches"))  # the batches are gone
