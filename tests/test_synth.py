import pytest

from conflict_timeline.cli import main
from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import REPO_ROOT
from conflict_timeline.tools.synth import SYNTHETIC_PLACES, write_synthetic


def test_synthetic_data_is_valid_and_reuses_real_ids(tmp_path):
    data = load_dataset(write_synthetic(tmp_path / "s", 500))
    assert data.ok, [str(p) for p in data.problems[:10]]
    assert len(data.all_events()) == 500
    shipped = load_dataset(REPO_ROOT / "data")
    assert set(shipped.actors.index) == set(data.actors.index)
    assert len(data.places) == len(shipped.places) + SYNTHETIC_PLACES


def test_fixed_seed_is_reproducible(tmp_path):
    a = write_synthetic(tmp_path / "a", 200)
    b = write_synthetic(tmp_path / "b", 200)
    c = write_synthetic(tmp_path / "c", 200, seed=1)
    assert (a / "events.csv").read_bytes() == (b / "events.csv").read_bytes()
    assert (a / "events.csv").read_bytes() != (c / "events.csv").read_bytes()


def test_refuses_a_non_empty_directory(tmp_path, capsys):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("keep me")
    assert main(["synth", "--events", "10", "--out", str(tmp_path / "full")]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "full" / "x.txt").read_text() == "keep me"


def test_rejects_zero_events(tmp_path):
    with pytest.raises(ValueError):
        write_synthetic(tmp_path / "z", 0)
