"""An on-disk cache of validated datasets, keyed on the dataset version and the loader's code.

Validating and typing 100,000 events takes seconds; a new server process (or a Streamlit cache
miss) then re-reads the validated result instead. Set CONFLICT_TIMELINE_CACHE to a directory,
or to "off" to disable it. The directory is private to the user (mode 0700): pickles are code.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

from conflict_timeline.data.load import Dataset, load_dataset
from conflict_timeline.data.paths import dataset_version, resolve_data_dir

CACHE_ENV = "CONFLICT_TIMELINE_CACHE"


def cache_dir() -> Path | None:
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "conflict-timeline"


@cache
def _code_version() -> str:
    """Changes whenever the data layer's code does, so stale pickles are never reused."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def load_dataset_cached(data_dir: str | Path | None = None) -> Dataset:
    """``load_dataset``, reusing a validated copy from the cache directory when there is one."""
    path = resolve_data_dir(data_dir)
    directory = cache_dir()
    if directory is None:
        return load_dataset(path)
    from conflict_timeline.data.paths import check_data_dir

    check_data_dir(path)
    key = hashlib.sha256(f"{path}|{dataset_version(path)}|{_code_version()}".encode()).hexdigest()[:24]
    target = directory / f"{key}.pickle"
    if target.is_file():
        try:
            with target.open("rb") as handle:
                data = pickle.load(handle)  # noqa: S301 - our own file, in a 0700 directory
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
            data = None  # a broken cache entry is rebuilt, never fatal
        if isinstance(data, Dataset):
            return data
    data = load_dataset(path)
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".tmp") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, target)
    except OSError:
        pass  # a read-only home is fine: the cache is an optimisation
    return data
