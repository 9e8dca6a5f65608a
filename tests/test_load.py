import pandas as pd
import pytest

from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import ENV_VAR, DataDirError, default_data_dir, resolve_data_dir
from tests.conftest import eid


def test_types_and_joins(mini):
    ev = mini.all_events()
    assert pd.api.types.is_datetime64_any_dtype(ev["date_start"])
    assert str(ev["fatalities"].dtype) == "Int64"
    e1 = ev.set_index("event_id").loc[eid("e1")]
    assert e1["place_name"] == "Stepanakert"
    assert e1["latitude"] == pytest.approx(39.8177)
    assert e1["actor_ids"] == "az-mod;am-mod" and e1["actor_names"] == "Azerbaijani MoD, Armenian MoD"
    assert e1["side"] == "azerbaijani"  # the initiator's side
    assert pd.isna(ev.set_index("event_id").loc[eid("e2"), "fatalities"])  # empty means unknown, not 0


@pytest.mark.parametrize(
    "event_id, span_end",
    [("e1", "2020-09-27"), ("e3", "2020-10-09"), ("e4", "2020-10-31"), ("e5", "1994-12-31")],
)
def test_span_end_follows_precision(mini, event_id, span_end):
    row = mini.all_events().set_index("event_id").loc[eid(event_id)]
    assert row["span_end"] == pd.Timestamp(span_end)


def test_counts_add_up(mini):
    for count in mini.counts.values():
        assert count.rows_in == count.accepted + count.rejected
    assert mini.counts["events.csv"].accepted == 6


def test_version_is_a_content_hash(mini_dir):
    first = load_dataset(mini_dir).version
    assert load_dataset(mini_dir).version == first
    with (mini_dir / "events.csv").open("a") as handle:
        handle.write("\n")
    assert load_dataset(mini_dir).version != first


def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert resolve_data_dir() == default_data_dir()
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert resolve_data_dir() == (tmp_path / "env").resolve()
    assert resolve_data_dir(tmp_path / "cli") == (tmp_path / "cli").resolve()


def test_missing_directory_is_named(tmp_path):
    with pytest.raises(DataDirError, match="not found"):
        load_dataset(tmp_path / "nowhere")


def test_missing_files_are_named(tmp_path, mini_dir):
    (mini_dir / "places.csv").unlink()
    with pytest.raises(DataDirError, match="lacks places.csv"):
        load_dataset(mini_dir)
