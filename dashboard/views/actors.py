"""Actors page: who acts, when, where, with whom, and what they claim."""

from functools import partial

import plotly.express as px
import streamlit as st

from conflict_timeline.data.query import BIN_LABELS, descendants
from conflict_timeline.figures.palette import side_color
from conflict_timeline.ui.context import page_header
from conflict_timeline.ui.safe import md, plain_frame
from conflict_timeline.ui.sidebar import actor_label, sorted_actor_ids
from conflict_timeline.ui.url_state import KEYS

ctx = page_header("Actors")
data = ctx.data
if ctx.count == 0:
    st.info(
        "No events match these filters, so every count below is zero. Widen or reset the filters in the sidebar.",
        icon=":material/search_off:",
    )


def _toggle(actor_id: str) -> None:
    chosen = list(st.session_state.get(KEYS["actor"]) or [])
    st.session_state[KEYS["actor"]] = (
        [a for a in chosen if a != actor_id] if actor_id in chosen else [*chosen, actor_id]
    )


in_filter = list(ctx.view.actors)
ids = sorted_actor_ids(data)
focus = st.selectbox(
    "Actor to inspect",
    ids,
    index=ids.index(in_filter[0]) if in_filter else None,
    key="actor-focus",
    format_func=lambda a: actor_label(data, a),
    placeholder="Choose an actor (or pick one in the sidebar)",
)

if focus:
    actor = data.actors.loc[focus]
    family = frozenset(descendants(data.actors, [focus]))
    mine = ctx.q("actor_summary", ctx.spec, family)
    st.subheader(md(actor["name"]))
    parent = actor["parent_id"]
    st.caption(
        f"{md(data.profile.side_label(str(actor['side'])))} · {md(actor['kind'].replace('_', ' '))}"
        + (f" · part of {md(data.actors.at[parent, 'short_name'])}" if parent in data.actors.index else "")
        + (f" · includes {len(family) - 1} sub-actor(s)" if len(family) > 1 else "")
    )
    label = "Remove from the actor filter" if focus in in_filter else "Add to the actor filter"
    st.button(label, key="toggle-actor", on_click=_toggle, args=(focus,))
    a, b, c = st.columns(3)
    a.metric("Events, incl. sub-actors" if len(family) > 1 else "Events", f"{mine['events']:,}")
    b.metric("First appearance", f"{mine['first']:%d %b %Y}" if mine["events"] else "—")
    c.metric("Last appearance", f"{mine['last']:%d %b %Y}" if mine["events"] else "—")
    if not mine["events"]:
        st.info("This actor has no events under the current filters.", icon=":material/search_off:")
    else:
        over_time = ctx.q("counts_over_time", ctx.spec, ctx.freq, None, family)
        fig = px.bar(
            over_time,
            x="period",
            y="events",
            title=f"Events per {BIN_LABELS[ctx.freq]}",
            color_discrete_sequence=[side_color(str(actor["side"]), data.profile.side_ids)],
        )
        fig.update_layout(
            height=260, margin={"l": 10, "r": 10, "t": 40, "b": 10}, xaxis_title=None, yaxis_title="events"
        )
        st.plotly_chart(fig, key="actor-over-time", width="stretch")
        left, right = st.columns(2)
        left.markdown("**Where it acted**")
        left.dataframe(
            plain_frame(ctx.q("place_counts_for", ctx.spec, family)),
            hide_index=True,
            key="actor-places",
            width="stretch",
        )
        partners = ctx.q("counterparts", ctx.spec, family).head(12)
        partners["actor"] = partners["short_name"]
        partners["side"] = partners["side"].astype(str).map(data.profile.side_label)
        right.markdown("**Appears most with**")
        right.dataframe(
            plain_frame(partners[["actor", "side", "events"]]), hide_index=True, key="actor-partners", width="stretch"
        )
    # Claims: events this actor announced, even where it is not an actor of the event.
    n_claims, claims = ctx.q("claims_by", ctx.spec, family)
    st.markdown(f"**Claims it made** ({n_claims:,})")
    if claims.empty:
        st.caption("No recorded claims under the current dates, types and search.")
    else:
        st.dataframe(
            plain_frame(claims[["date_start", "title", "verification"]].rename(columns={"date_start": "date"})),
            hide_index=True,
            key="actor-claims",
            width="stretch",
            column_config={"date": st.column_config.DateColumn(format="YYYY-MM-DD")},
        )
        if n_claims > len(claims):
            st.caption(f"The first {len(claims):,} of {n_claims:,} by date; narrow the filters to see the rest.")

st.divider()
st.subheader("All actors by side")
st.caption(
    "Event counts under the current filters (the actor itself, without its sub-actors). Select a row to inspect it."
)
overview = ctx.q("counts_by_actor", ctx.spec)
everyone = data.actors[["actor_id", "short_name", "name", "kind", "side"]].merge(
    overview[["actor_id", "events", "first", "last"]], on="actor_id", how="left"
)
everyone["events"] = everyone["events"].fillna(0).astype(int)
everyone["kind"] = everyone["kind"].str.replace("_", " ")


def _inspect(key: str, actor_ids: list[str]) -> None:
    """A row picked in an overview table becomes the actor to inspect."""
    rows = st.session_state[key].selection.rows
    if rows:
        st.session_state["actor-focus"] = actor_ids[rows[0]]


sides = data.profile.sides
tabs = st.tabs([s.label for s in sides])
for tab, side in zip(tabs, (s.side for s in sides)):
    rows = everyone[everyone["side"].astype(str) == side].sort_values("events", ascending=False)
    with tab:
        st.dataframe(
            plain_frame(
                rows[["short_name", "events", "first", "last", "kind", "name"]].rename(
                    columns={"short_name": "actor", "events": "events (own)"}
                )
            ),
            hide_index=True,
            key=f"actors-{side}",
            width="stretch",
            on_select=partial(_inspect, f"actors-{side}", list(rows["actor_id"])),
            selection_mode="single-row",
            column_config={
                "first": st.column_config.DateColumn(format="YYYY-MM-DD"),
                "last": st.column_config.DateColumn(format="YYYY-MM-DD"),
            },
        )
