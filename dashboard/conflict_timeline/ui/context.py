"""What every page reads: the dataset, the view (filters + selected event) and the match count."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from conflict_timeline.data.load import Dataset
from conflict_timeline.data.query import FilterSpec, choose_bin
from conflict_timeline.ui.data_access import q
from conflict_timeline.ui.safe import md
from conflict_timeline.ui.url_state import ViewState

_KEY = "_page_context"


@dataclass
class PageContext:
    data: Dataset
    view: ViewState
    spec: FilterSpec
    count: int  # events matching the filters

    @property
    def date_from(self) -> pd.Timestamp:
        return pd.Timestamp(self.view.date_from)

    @property
    def date_to(self) -> pd.Timestamp:
        return pd.Timestamp(self.view.date_to)

    @property
    def freq(self) -> str:
        return choose_bin(self.date_from, self.date_to)

    def q(self, name: str, *args):
        """A cached query on this dataset (see ``conflict_timeline.data.query``)."""
        return q(self.data, name, *args)


def set_context(ctx: PageContext) -> None:
    st.session_state[_KEY] = ctx


def get_context() -> PageContext:
    return st.session_state[_KEY]


def page_header(title: str) -> PageContext:
    """The page title, then one line saying what is shown (phones fold the sidebar away)."""
    ctx = get_context()
    st.title(title)
    st.caption(view_summary(ctx), help="The sidebar holds every filter; the URL keeps them.")
    return ctx


def view_summary(ctx: PageContext) -> str:
    data, view = ctx.data, ctx.view
    parts = [f"{ctx.count:,} of {data.n_events:,} events", f"{view.date_from:%d %b %Y} – {view.date_to:%d %b %Y}"]
    if view.actors:
        parts.append("actors: " + ", ".join(md(data.actors.at[a, "short_name"]) for a in view.actors))
    if view.types:
        parts.append("types: " + ", ".join(md(data.event_types.at[t, "label"]) for t in view.types))
    if view.verification:
        parts.append(", ".join(view.verification))
    if view.text:
        parts.append(f"search “{md(view.text)}”")
    return " · ".join(parts)
