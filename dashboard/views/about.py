"""About the data: coverage, methodology, policies, licence, citation and the dataset version."""

import datetime as dt

import pandas as pd
import streamlit as st

from conflict_timeline.data.load import problems_page
from conflict_timeline.data.paths import REPO_ROOT
from conflict_timeline.data.versions import history
from conflict_timeline.ui.context import page_header
from conflict_timeline.ui.safe import plain

ctx = page_header("About the data")
data = ctx.data
st.markdown(
    f"**Dataset version `{data.version}`** — a content hash of the data files. It is stored in every "
    "shared link (`v=`) and in every export, so a view or a file can be tied to the data it came from."
)
a, b, c, d = st.columns(4)
a.metric("Events", f"{data.n_events:,}")
b.metric("Sources", f"{ctx.q('n_sources'):,}")
c.metric("Actors", f"{len(data.actors):,}")
d.metric("Places", f"{len(data.places):,}")

st.subheader("Coverage by period")
coverage = ctx.q("era_coverage")
table = pd.DataFrame(
    {
        "period": coverage["era"],
        "from": coverage["from"],
        "to": coverage["to"],
        "events": coverage["events"],
        "minimum": coverage["minimum"].astype("string").fillna("—"),
        "days covered": [
            "—" if pd.isna(covered) else f"{int(covered)} of {days}"
            for covered, days in zip(coverage["days_covered"], coverage["days"])
        ],
    }
)
st.dataframe(
    table,
    hide_index=True,
    key="coverage",
    width="stretch",
    column_config={
        "from": st.column_config.DateColumn(format="YYYY-MM-DD"),
        "to": st.column_config.DateColumn(format="YYYY-MM-DD"),
    },
)

st.subheader("Control of territory")
if data.has_control:
    changes_per_era = ctx.q("control_coverage")
    st.markdown(
        f"The control table tracks **{data.control['place_id'].nunique()} places** with "
        f"**{int((data.control['how'] != 'initial').sum())} sourced changes of control**. "
        "Each change names the event whose sources support it; the holder of a place on a day is the latest "
        "change on or before it. A capture announced by one side is *claimed*, and *disputed* when the other side "
        "denied it; such holdings are drawn hollow on the map. A place's record begins with an *initial* row "
        "(who held it then, per sources). The layer shows places, not the line of contact between them, and no "
        "area is shaded: a village between two tracked places may have changed hands unrecorded."
    )
    st.dataframe(changes_per_era, hide_index=True, key="control-coverage", width="stretch")
else:
    st.caption("This dataset has no control-of-territory table (control.csv).")

st.subheader("Versions")
recorded = history(data.path)
if recorded:
    st.markdown(
        "Each shipped version of the data, newest first. A shared link carries the version it was made with "
        "(`v=`); opening an older link says what changed since. Event ids are never reused or renumbered."
    )
    st.dataframe(
        [
            {
                "version": row["version"] + (" (current)" if row["version"] == data.version else ""),
                "date": row["date"] or "—",
                "events": row["events"] or "—",
                "added": row["added"] or "—",
                "changed": row["changed"] or "—",
                "removed": row["removed"] or "—",
            }
            for row in reversed(recorded)
        ],
        hide_index=True,
        key="versions",
        width="stretch",
    )
    if data.version not in {row["version"] for row in recorded}:
        st.caption(f"This data (version `{data.version}`) is not yet recorded in versions.csv: it is a working copy.")
else:
    st.caption("No versions.csv: this dataset records no version history.")

st.subheader("Validation")
counts = pd.DataFrame(
    [
        {"file": name, "rows": c.rows_in, "accepted": c.accepted, "rejected": c.rejected}
        for name, c in data.counts.items()
    ],
    columns=["file", "rows", "accepted", "rejected"],
)
st.dataframe(counts, hide_index=True, key="validation", width="stretch")
PROBLEMS_PER_PAGE = 200
if data.n_problems:
    pages = -(-data.n_problems // PROBLEMS_PER_PAGE)
    st.warning(f"{data.n_problems:,} problem(s) found; the rows concerned were set aside.")
    page = st.number_input(
        f"Problems, page (of {pages:,})", min_value=1, max_value=pages, value=1, step=1, key="problems-page"
    )
    shown = problems_page(data, (page - 1) * PROBLEMS_PER_PAGE, PROBLEMS_PER_PAGE)
    st.caption(
        f"Problems {(page - 1) * PROBLEMS_PER_PAGE + 1:,}–{(page - 1) * PROBLEMS_PER_PAGE + len(shown):,} "
        f"of {data.n_problems:,}, as file:line: field: reason."
    )
    st.code("\n".join(plain(str(p)) for p in shown), language=None)
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
