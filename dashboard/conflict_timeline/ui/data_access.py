"""Cached access to the dataset and to query results, shared by every session of the process.

The dataset (reference tables and a handle on its compiled store) is a cached resource keyed on
(path, dataset version); query results are cached by store and arguments, so ten viewers who open
the same link share one computation.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from conflict_timeline.data import compare, query
from conflict_timeline.data.load import Dataset, load_dataset
from conflict_timeline.data.paths import DataDirError, check_data_dir, dataset_version, resolve_data_dir
from conflict_timeline.data.store import open_store, read_meta, store_path

_DATASETS: dict[str, Dataset] = {}


@st.cache_resource(show_spinner=False, max_entries=8)
def _load(path: str, version: str) -> Dataset:
    data = load_dataset(path)
    _DATASETS[str(data.store)] = data
    return data


def _compile_with_progress(path) -> None:
    """A first compile of a large dataset takes a while: say what is being done, and how far it is;
    the notice goes away once the data is ready."""
    slot = st.empty()
    with slot.container(), st.status("Preparing the dataset (first use of this version)…", expanded=True):
        bar = st.progress(0.0)

        def progress(what: str, done: int, total: int) -> None:
            # stages without a count (checking links) report 0 of 1: their name alone
            text = f"{what}: {done:,} of {total:,} rows" if total > 1 else f"{what}…"
            bar.progress(min(done / total, 1.0) if total else 1.0, text=text)

        open_store(path, progress=progress)
    slot.empty()


UPLOAD_KEY = "upload-path"  # this session's opened file (see views/open.py); nobody else sees it


def data_dir() -> Path:
    """This session's upload if it opened one (and it still exists), else the configured dataset."""
    upload = st.session_state.get(UPLOAD_KEY)
    if upload and (Path(upload) / "events.csv").is_file():
        return Path(upload)
    st.session_state.pop(UPLOAD_KEY, None)  # expired meanwhile: back to the configured data
    return resolve_data_dir()


def switch_dataset(upload: str | None) -> None:
    """Open an upload (its dataset directory) or, with None, the configured dataset again, with a
    fresh default view: the old view's ids mean nothing in the other dataset."""
    if upload:
        st.session_state[UPLOAD_KEY] = upload
    else:
        st.session_state.pop(UPLOAD_KEY, None)
    st.session_state.pop("_url_loaded_for", None)  # the next run reads the (cleared) URL afresh
    st.query_params.clear()


def get_dataset() -> Dataset:
    """The dataset at --data/$CONFLICT_TIMELINE_DATA/data/ (or this session's upload), re-read when
    its content changes."""
    path = data_dir()
    check_data_dir(path)
    version = dataset_version(path)
    if read_meta(store_path(path, version)) is None:
        _compile_with_progress(path)
    data = _load(str(path), version)
    _DATASETS[str(data.store)] = data
    return data


def dataset_for(store: str) -> Dataset:
    """The dataset already opened for ``store`` in this process (cached builders key on the store)."""
    return _DATASETS[store]


@st.cache_data(show_spinner=False, max_entries=2048)
def _cached(store: str, name: str, args: tuple):
    return getattr(query, name)(_DATASETS[store], *args)


def q(data: Dataset, name: str, *args):
    """``query.<name>(data, *args)``, cached for every session by store and arguments."""
    _DATASETS.setdefault(str(data.store), data)
    return _cached(str(data.store), name, args)


# --- the comparison dataset (issue 9): $CONFLICT_TIMELINE_COMPARE names a second data directory ---
COMPARE_ENV = "CONFLICT_TIMELINE_COMPARE"


def get_comparison() -> tuple[Dataset | None, str | None]:
    """The dataset named by $CONFLICT_TIMELINE_COMPARE and None, or None and a notice saying why it
    cannot be opened; (None, None) when the variable is unset. Cached like the main dataset."""
    setting = os.environ.get(COMPARE_ENV, "").strip()
    if not setting:
        return None, None
    path = Path(setting).expanduser().resolve()
    try:
        check_data_dir(path)
        version = dataset_version(path)
        if read_meta(store_path(path, version)) is None:
            _compile_with_progress(path)
        data = _load(str(path), version)
    except (DataDirError, OSError) as exc:
        return None, f"The comparison dataset ({COMPARE_ENV}) could not be opened: {exc}"
    _DATASETS[str(data.store)] = data
    return data, None


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_matches(a_store: str, event_id: str, b_store: str, days: int, km: float):
    a, b = _DATASETS[a_store], _DATASETS[b_store]
    matches = compare.matches_for_event(a, event_id, b, days, km)
    return matches, compare.match_sources(a, b, list(matches["event_id"]))


def comparison_matches(
    a: Dataset, event_id: str, b: Dataset, days: int = compare.DEFAULT_DAYS, km: float = compare.DEFAULT_KM
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """B's events matching A's ``event_id`` (``compare.matches_for_event``, bounded) and their sources."""
    _DATASETS.setdefault(str(a.store), a)
    _DATASETS.setdefault(str(b.store), b)
    return _cached_matches(str(a.store), event_id, str(b.store), days, km)


def control_holders(data: Dataset, asof: dt.date, since: dt.date | None) -> pd.DataFrame:
    """``query.control_holders(data, asof, since)`` from two cached answers: the holders on ``asof``
    (the same for every date range ending there) and the places that changed inside the range."""
    holders = q(data, "control_holders", asof)
    return holders.assign(changed=holders["place_id"].isin(q(data, "control_changed", asof, since)))
