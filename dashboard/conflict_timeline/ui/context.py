"""What every page reads: the dataset, the view (filters + selected event) and the filtered events."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from conflict_timeline.data.load import Dataset
from conflict_timeline.data.query import FilterSpec, choose_bin
from conflict_timeline.ui.url_state import ViewState

_KEY = "_page_context"


@dataclass
class PageContext:
    data: Dataset
    view: ViewState
    spec: FilterSpec
    events: pd.DataFrame

    @property
    def date_from(self) -> pd.Timestamp:
        return pd.Timestamp(self.view.date_from)

    @property
    def date_to(self) -> pd.Timestamp:
        return pd.Timestamp(self.view.date_to)

    @property
    def freq(self) -> str:
        return choose_bin(self.date_from, self.date_to)


def set_context(ctx: PageContext) -> None:
    st.session_state[_KEY] = ctx


def get_context() -> PageContext:
    return st.session_state[_KEY]
