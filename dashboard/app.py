"""conflict-timeline: the Streamlit entry point (`streamlit run dashboard/app.py`).

Loads the data, restores the view from the URL, draws the shared sidebar and the event
card, then runs the chosen page from dashboard/views/.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path; make sure of it in every launcher.
_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

import streamlit as st  # noqa: E402

from conflict_timeline.data.paths import DataDirError, default_data_dir  # noqa: E402
from conflict_timeline.data.versions import changes_since  # noqa: E402
from conflict_timeline.importers.uploads import is_upload, upload_name  # noqa: E402
from conflict_timeline.ui import card, sidebar, url_state  # noqa: E402
from conflict_timeline.ui.context import PageContext, set_context  # noqa: E402
from conflict_timeline.ui.data_access import get_dataset, q, switch_dataset  # noqa: E402
from conflict_timeline.ui.safe import md  # noqa: E402

# An emoji favicon is drawn in the browser (a :material/…: one would be fetched from Google's font host).
st.set_page_config(page_title="conflict-timeline", page_icon="📅", layout="wide")

PAGES = [
    st.Page(str(_HERE / "views" / "timeline.py"), title="Timeline", icon=":material/timeline:", default=True),
    st.Page(str(_HERE / "views" / "map.py"), title="Map", icon=":material/map:", url_path="map"),
    st.Page(str(_HERE / "views" / "actors.py"), title="Actors", icon=":material/groups:", url_path="actors"),
    st.Page(str(_HERE / "views" / "events.py"), title="Events", icon=":material/table_rows:", url_path="events"),
    st.Page(str(_HERE / "views" / "about.py"), title="About the data", icon=":material/info:", url_path="about"),
    st.Page(str(_HERE / "views" / "open.py"), title="Open a file", icon=":material/upload_file:", url_path="open"),
]


def _dismiss_notices() -> None:
    st.session_state["url_notices"] = []


def _changes_since_link(data) -> None:
    """For a link made with an earlier recorded version: which events changed since (ids, with titles)."""
    link_version = st.query_params.get("v")
    since = changes_since(data.path, link_version) if link_version and link_version != data.version else None
    if not since or not any(since.values()):
        return
    with st.expander("Which events changed since this link was made", key="changes-since-link"):
        for kind in ("added", "changed", "removed"):
            ids = sorted(since[kind])
            if not ids:
                continue
            known = q(data, "titles_of", tuple(ids)) if kind != "removed" else {}
            st.markdown(f"**{kind.capitalize()}** ({len(ids)})")
            st.dataframe(
                {"event": ids, "title": [known.get(i, "(removed: the id stays reserved)") for i in ids]},
                hide_index=True,
                key=f"since-{kind}",
                height=min(38 + 35 * len(ids), 300),
            )


def main() -> None:
    page = st.navigation(PAGES)
    try:
        data = get_dataset()
    except DataDirError as exc:
        st.error(f"The dataset could not be opened: {md(exc)}")
        st.info("Point the app at a data directory with `CONFLICT_TIMELINE_DATA=/path/to/data`.")
        return
    notices = url_state.restore(data)
    if not (data.date_min and data.date_max):
        span = "no events"
    elif data.date_min.year == data.date_max.year:
        span = f"{data.date_min:%Y}"
    else:
        span = f"{data.date_min:%Y}–{data.date_max:%Y}"
    if data.path == default_data_dir():
        name = "Armenia–Azerbaijan"
    elif is_upload(data.path):
        name = f"your file {md(upload_name(data.path))}"
    else:
        name = md(data.path.name)
    st.sidebar.markdown(f"**conflict-timeline** · {name}, {span}")
    if is_upload(data.path):  # the curated record stays one click away
        st.sidebar.button(
            "Back to the curated record",
            on_click=switch_dataset,
            args=(None,),
            key="sidebar-curated",
            icon=":material/undo:",
            width="stretch",
        )
    count_slot = st.sidebar.container(key="event-count")
    view = sidebar.draw(data, count_slot)
    spec = view.spec()
    matching = q(data, "count", spec)
    sidebar.draw_count(count_slot, matching, data.n_events)
    set_context(PageContext(data=data, view=view, spec=spec, count=matching))

    if notices:
        with st.container(key="url-notices"):
            for notice in notices:
                st.warning(notice, icon=":material/link_off:")
            _changes_since_link(data)
            st.button("Dismiss", key="dismiss-notices", on_click=_dismiss_notices)
    if data.n_problems:
        rejected = sum(c.rejected for c in data.counts.values())
        st.warning(
            f"The data has {data.n_problems:,} problem(s); {rejected:,} row(s) were set aside. "
            "See *About the data* for the list.",
            icon=":material/rule:",
        )
    if view.event:
        card.render(data, view.event)
    page.run()
    url_state.write(url_state.current(data), data)


main()
