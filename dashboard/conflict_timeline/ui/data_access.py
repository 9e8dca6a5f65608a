"""Cached access to the dataset, keyed on (path, dataset version)."""

from __future__ import annotations

import streamlit as st

from conflict_timeline.data.cache import load_dataset_cached
from conflict_timeline.data.load import Dataset
from conflict_timeline.data.paths import check_data_dir, dataset_version, resolve_data_dir


# cache_resource, not cache_data: the Dataset is shared read-only by every session, and
# cache_data would unpickle a full copy on every rerun (seconds at 100,000 events).
@st.cache_resource(show_spinner="Loading events…", max_entries=4)
def _load(path: str, version: str) -> Dataset:
    return load_dataset_cached(path)


def get_dataset() -> Dataset:
    """The dataset at --data/$CONFLICT_TIMELINE_DATA/data/, re-read when its content changes."""
    path = resolve_data_dir()
    check_data_dir(path)
    return _load(str(path), dataset_version(path))
