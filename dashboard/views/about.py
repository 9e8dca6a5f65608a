"""About the data: coverage, methodology, policies, licence, citation and the dataset version."""

import datetime as dt

import pandas as pd
import streamlit as st

from conflict_timeline.data.paths import REPO_ROOT
from conflict_timeline.ui.context import page_header

ctx = page_header("About the data")
data = ctx.data
events = data.events
st.markdown(
    f"**Dataset version `{data.version}`** — a content hash of the data files. It is stored in every "
    "shared link (`v=`) and in every export, so a view or a file can be tied to the data it came from."
)
a, b, c, d = st.columns(4)
a.metric("Events", len(events))
b.metric("Sources", len(data.sources))
c.metric("Actors", len(data.actors))
d.metric("Places", len(data.places))

st.subheader("Coverage by period")
rows = []
for era in data.eras.itertuples(index=False):
    mask = (events["span_end"] >= era.date_start) & (events["span_start"] <= era.date_end)
    row = {
        "period": era.name,
        "from": era.date_start,
        "to": era.date_end,
        "events": int(mask.sum()),
        "minimum": era.min_events,
    }
    if era.daily_coverage:
        days = pd.date_range(era.date_start, era.date_end, freq="D")
        covered = {
            d
            for s, e in zip(events.loc[mask, "span_start"], events.loc[mask, "span_end"])
            for d in pd.date_range(s, e, freq="D")
        }
        row["days covered"] = f"{sum(d in covered for d in days)} of {len(days)}"
    rows.append(row)
coverage = pd.DataFrame(rows)
coverage["minimum"] = coverage["minimum"].astype("string").fillna("—")
coverage["days covered"] = coverage.get("days covered", pd.Series(index=coverage.index, dtype="string")).fillna("—")
st.dataframe(
    coverage,
    hide_index=True,
    key="coverage",
    width="stretch",
    column_config={
        "from": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "to": st.column_config.DateColumn(format="YYYY-MM-DD"),
    },
)

st.subheader("Validation")
counts = pd.DataFrame(
    [
        {"file": name, "rows": c.rows_in, "accepted": c.accepted, "rejected": c.rejected}
        for name, c in data.counts.items()
    ]
)
st.dataframe(counts, hide_index=True, key="validation", width="stretch")
if data.problems:
    st.warning(f"{len(data.problems)} problem(s) found; the rows concerned were set aside:")
    st.code("\n".join(str(p) for p in data.problems[:200]), language=None)
else:
    st.success("Every row passed validation.")

st.subheader("Methodology and policies")
readme = REPO_ROOT / "data" / "README.md"
if readme.exists():  # the project's own documentation, not event data
    st.markdown(readme.read_text(encoding="utf-8").split("\n", 1)[1])

st.subheader("Licence and citation")
st.markdown(
    "Data: [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/) · Code: MIT.  \n"
    f"Cite as: *conflict-timeline: a sourced record of the Armenia–Azerbaijan conflict, dataset version "
    f"{data.version}*, accessed {dt.date.today():%d %B %Y}."
)
