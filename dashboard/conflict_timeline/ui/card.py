"""The selected event's detail card, reachable from every page through the ``event`` parameter."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from conflict_timeline.data.load import Dataset
from conflict_timeline.ui import url_state
from conflict_timeline.ui.data_access import comparison_matches, get_comparison, q
from conflict_timeline.ui.safe import md, md_link, safe_url
from conflict_timeline.ui.selection import reset_selections

VERIFICATION_TEXT = {
    "confirmed": "Confirmed — not in dispute between sources.",
    "claimed": "Claimed — rests on one side's announcement.",
    "disputed": "Disputed — sources disagree.",
    "reported": "Reported — as the source dataset coded it (an import; not checked against other sources here).",
}


def date_text(row: pd.Series) -> str:
    precision = str(row["date_precision"])
    fmt = {"month": "%B %Y", "year": "%Y"}.get(precision, "%d %B %Y")
    text = ("week of " if precision == "week" else "") + row["date_start"].strftime(fmt)
    if not pd.isna(row["date_end"]) and row["date_end"] != row["date_start"]:
        text += " – " + row["date_end"].strftime(fmt)
    return f"{text} (precision: {row['date_precision']})"


def fatalities_text(row: pd.Series) -> str:
    if pd.isna(row["fatalities"]) and pd.isna(row["fatalities_low"]) and pd.isna(row["fatalities_high"]):
        return "not reported (unknown)"
    parts = [] if pd.isna(row["fatalities"]) else [str(int(row["fatalities"]))]
    if not (pd.isna(row["fatalities_low"]) and pd.isna(row["fatalities_high"])):
        low = "?" if pd.isna(row["fatalities_low"]) else int(row["fatalities_low"])
        high = "?" if pd.isna(row["fatalities_high"]) else int(row["fatalities_high"])
        parts.append(f"range {low}–{high}")
    return ", ".join(parts) + f" ({row['verification']})"


def _ids(cell) -> list[str]:
    return [part for part in str(cell or "").split(";") if part]


def _close() -> None:
    url_state.select_event(None)
    reset_selections()


# A modal dialog: opening a card never pushes the chart or map the user clicked out of view.
# Closing it (✕, Esc, click outside or the button) clears the `event` parameter.
def render(data: Dataset, event_id: str) -> None:
    row = q(data, "event_by_id", event_id)
    if row is not None:
        title = row["title"] if len(row["title"]) <= 80 else row["title"][:78] + "…"
        # the dialog header shows the event's title as markdown: escape it like any data text
        st.dialog(md(title), width="large", on_dismiss=_close)(_card)(data, row)


def _card(data: Dataset, row: pd.Series) -> None:
    with st.container(key="event-card"):
        if len(row["title"]) > 80:
            st.markdown(f"**{md(row['title'])}**")
        st.caption(f"{md(date_text(row))} · {md(row['type_label'])} · ACLED: {md(row['acled_event_type'])}")
        st.markdown(md(row["summary"]))
        if data.has_control:
            changed = q(data, "control_by_event", row["event_id"])
            if not changed.empty:
                sides = {"armenian": "Armenian side", "azerbaijani": "Azerbaijani side"}
                lines = [
                    f"- {md(c.place)}: {md(sides.get(c.previous, 'start of record'))} → {md(sides.get(c.side, c.side))}"
                    f" ({pd.Timestamp(c.date):%d %b %Y}, {md(c.verification)})"
                    for c in changed.itertuples(index=False)
                ]
                st.markdown(f"**Control changed in {len(lines)} place(s):**  \n" + "\n".join(lines))
        left, right = st.columns(2)
        all_names = data.places.at[row["place_id"], "all_names"] if row["place_id"] in data.places.index else []
        names = " · ".join(md(n) for n in all_names)
        left.markdown(f"**Place:** {md(row['place_name'])} ({md(row['geo_precision'])})  \n**Also known as:** {names}")
        roles = [
            f"{md(data.actors.at[a, 'name'] if a in data.actors.index else a)} — {md(r)}"
            for a, r in zip(_ids(row["actor_ids"]), _ids(row["actor_roles"]))
        ]
        left.markdown("**Actors:**  \n" + "  \n".join(roles))
        claimants = [md(data.actors.at[a, "short_name"]) for a in _ids(row["claimed_by"]) if a in data.actors.index]
        right.markdown(
            f"**Fatalities:** {md(fatalities_text(row))}  \n"
            f"**Verification:** {md(VERIFICATION_TEXT.get(str(row['verification']), row['verification']))}  \n"
            f"**Claimed by:** {', '.join(claimants) if claimants else '—'}"
        )
        links = []
        for source in q(data, "event_sources", row["event_id"]).itertuples(index=False):
            date = "" if pd.isna(source.published) else f", {pd.Timestamp(source.published):%d %b %Y}"
            # an imported dataset's source may be a publisher with no URL
            label = md_link(source.publisher or source.url, source.url) if source.url else md(source.publisher)
            links.append(f"- {label}{md(date)}")
        right.markdown("**Sources:**  \n" + "\n".join(links))
        _comparison(data, row)
        st.caption(f"Event id: `{row['event_id']}` — this view's link opens this card.")
        # a button inside a dialog reruns only the dialog: rerun the app so the dialog goes away
        if st.button("Close", key="close-card"):
            _close()
            st.rerun()


# --- the comparison dataset's matching events (issue 9; see data/compare.py) ---
_MATCH_DATE = {"day": "%d %B %Y", "week": "week of %d %B %Y", "month": "%B %Y", "year": "%Y"}


def _match_date(match) -> str:
    fmt = _MATCH_DATE.get(str(match.date_precision), "%Y-%m-%d")
    text = pd.Timestamp(match.date_start).strftime(fmt)
    if not pd.isna(match.date_end) and match.date_end != match.date_start:
        text += " – " + pd.Timestamp(match.date_end).strftime(fmt)
    return text


def _closeness(match) -> str:
    days = "dates overlap" if match.days_apart == 0 else f"{int(match.days_apart)} day(s) apart"
    if match.how == "same_place":
        where = "same place"
        if match.km_apart >= 0.05:
            where += f" (its coordinates differ by {match.km_apart:g} km)"
    elif match.how == "distance":
        where = f"{match.km_apart:g} km apart"
    elif pd.isna(match.km_apart):
        where = "same country"
    else:
        where = f"same area ({match.km_apart:g} km between the points)"
    return f"{days}, {where}; match score {match.score:.2f}"


def _source_text(source) -> str:
    """A link for an http(s) address, else the publisher alone (imported sources may have no URL)."""
    if safe_url(source.url or ""):
        return md_link(source.publisher or source.url, source.url)
    return md(source.publisher) if source.publisher else ""


def dataset_name(data: Dataset) -> str:
    """An import's own title with its directory ('UCDP … (ucdp-karabakh)'), else the directory."""
    title = data.profile.title.strip()
    return f"{title} ({data.path.name})" if title else data.path.name


def _comparison(data: Dataset, row: pd.Series) -> None:
    other, notice = get_comparison()
    if notice:
        st.warning(md(notice), icon=":material/compare_arrows:")
        return
    if other is None:
        return
    matches, sources = comparison_matches(data, row["event_id"], other)
    total = int(matches["n_total"].iloc[0]) if len(matches) else 0
    header = f"**In {md(dataset_name(other))}: {total} matching event{'' if total == 1 else 's'}**"
    if total > len(matches):
        header += f" (the {len(matches)} closest)"
    lines = []
    for match in matches.itertuples(index=False):
        cited = [_source_text(s) for s in sources[sources["event_id"] == match.event_id].itertuples(index=False)]
        lines.append(
            f"- {md(_match_date(match))} · {md(match.title)} · {md(match.place)} ({md(match.geo_precision)})"
            f" — {md(_closeness(match))}  \n  Sources: {', '.join(c for c in cited if c) or '—'}"
        )
    with st.container(key="event-card-matches"):
        st.markdown(header + ("  \n" + "\n".join(lines) if lines else ""))
