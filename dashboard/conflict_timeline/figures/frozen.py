"""Plotly figures that keep the JSON-ready spec they were built from.

Streamlit serialises a figure on every run that shows it, even a cached one: Plotly's ``to_dict``
deep-copies every trace and base64-encodes each array before the JSON encoder sees it, which cost
more than building the figure. A ``FrozenFigure`` hands its spec over as it is, and the spec holds
only what orjson writes natively (dicts, lists, str, numbers, numeric and datetime64 numpy arrays),
so the encoder needs no cleaning pass. The figure is never mutated after it is built: cached
figures are shared by every session.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go


class FrozenFigure(go.Figure):
    """A figure whose ``to_dict`` is the spec it was made from (not a copy: never mutate it)."""

    def __init__(self, spec: dict) -> None:
        super().__init__(spec, _validate=False)  # the builders write known keys; tests validate them
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec

    def to_plotly_json(self) -> dict:
        return self._spec


def dates(values: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """Dates as a datetime64 array (orjson writes it as ISO strings, as Plotly expects)."""
    return np.asarray(pd.to_datetime(values), dtype="datetime64[ns]")


def when(value: pd.Timestamp | dt.date | dt.datetime) -> dt.datetime:
    """One date as a plain datetime (orjson writes those, not pandas Timestamps)."""
    return pd.Timestamp(value).to_pydatetime()
