import pickle

from conflict_timeline.data.cache import CACHE_ENV, load_dataset_cached


def test_second_load_comes_from_the_cache(mini_dir, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    first = load_dataset_cached(mini_dir)
    entries = list((tmp_path / "cache").glob("*.pickle"))
    assert len(entries) == 1
    with entries[0].open("rb") as handle:
        assert pickle.load(handle).version == first.version
    assert load_dataset_cached(mini_dir).version == first.version


def test_changed_data_gets_a_new_entry(mini_dir, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    before = load_dataset_cached(mini_dir)
    with (mini_dir / "events.csv").open("a") as handle:
        handle.write("\n")
    after = load_dataset_cached(mini_dir)
    assert after.version != before.version
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2


def test_broken_entry_is_rebuilt(mini_dir, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    load_dataset_cached(mini_dir)
    entry = next((tmp_path / "cache").glob("*.pickle"))
    entry.write_bytes(b"not a pickle")
    assert len(load_dataset_cached(mini_dir).events) == 6


def test_cache_off(mini_dir, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "off")
    assert len(load_dataset_cached(mini_dir).events) == 6
