"""Injection through data that is not script: deck.gl expressions, Streamlit shortcodes, bidi
overrides, double-escaped legend labels, the tables' own CSV export."""

from __future__ import annotations

import json
import re
import tomllib

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT
from conflict_timeline.figures.deck import deck_text
from conflict_timeline.figures.legend import build_type_legend
from conflict_timeline.ui.safe import md, plain, plain_frame
from tests.conftest import ACTORS, EVENTS, PLACES, eid, make_dataset

APP = str(REPO_ROOT / "dashboard" / "app.py")
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE


def strings(node):
    """Every string in a JSON document, keys included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


@pytest.fixture
def hostile_dir(tmp_path):
    """Titles, actor and place names that deck.gl would read as expressions or class references."""
    events = [list(e) for e in EVENTS]
    events[2][4] = "@@=Cathedral hit"  # e3, in Shusha: inside the map's region
    events[0][4] = "@@#Fighting erupts"  # e1, in Stepanakert
    actors = [list(a) for a in ACTORS]
    actors[3][1] = actors[3][2] = "@@type Ministry"  # az-mod, an actor of e1 and e3
    places = [list(p) for p in PLACES]
    places[1][1] = "@@=shusha"  # a labelled town
    places[0][3] = "@@#Xankəndi"  # a labelled town's Azerbaijani name
    return make_dataset(tmp_path / "hostile", events=events, actors=actors, places=places)


@pytest.mark.parametrize("mode", ["points", "density"])
def test_no_string_in_the_deck_begins_with_double_at(monkeypatch, hostile_dir, mode):
    monkeypatch.setenv(ENV_VAR, str(hostile_dir))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["view"] = mode
    at.query_params["event"] = eid("e3")  # the selected-event layer too
    at.switch_page("views/map.py")
    at.run()
    st.cache_resource.clear()
    assert not at.exception, [e.value for e in at.exception]
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    # pydeck's own accessors ("@@=lon", "@@type") are meant as expressions; the layers' data never is
    found = [s for layer in deck["layers"] for s in strings(layer.get("data"))]
    assert found
    assert not [s for s in found if s.startswith("@@")], [s for s in found if s.startswith("@@")]
    if mode == "points":  # the hostile text is still there, shown as text
        assert any(s.endswith("@@=Cathedral hit") or "@@=Cathedral hit\n" in s for s in found)
        assert any("@@=shusha" in s for s in found)


def test_deck_text():
    assert deck_text("@@=x") == "\u2060@@=x"
    assert deck_text("a @@=x") == "a @@=x"
    assert deck_text(f"{RLO}@@#x") == "\u2060@@#x"  # an override cannot hide the prefix either


@pytest.mark.parametrize("text", [":material/lock:", "Verified :material/verified: by :streamlit:", ":smile: :+1:"])
def test_markdown_text_carries_no_shortcode(text):
    shown = md(text)
    assert ":material/" not in shown
    # Streamlit's shortcode pattern (colon, name, colon) after markdown unescaping finds nothing
    unescaped = re.sub(r"\\(.)", r"\1", shown)
    assert not re.search(r":[\w+-][\w+-]*:", unescaped), unescaped
    assert not re.search(r":material/\w+:", unescaped)


def test_bidi_overrides_are_dropped_on_display():
    text = f"Ganja {RLO}ekirts elissim\u202c and \u2066isolated\u2069 \u200fmark"
    for shown in (plain(text), md(text)):
        assert not any(c in shown for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "\u200f" in plain(text)  # the implicit right-to-left mark cannot reverse text: kept


def test_tables_have_no_bidi_overrides():
    table = pd.DataFrame(
        {"title": [f"{RLO}evil", "fine"], "n": [1, 2], "s": pd.array([f"a{RLO}", None], dtype="string")},
        index=[7, 9],
    )
    shown = plain_frame(table)
    assert list(shown["title"]) == ["evil", "fine"] and shown.at[7, "s"] == "a" and pd.isna(shown.at[9, "s"])
    assert list(shown.index) == [7, 9] and list(shown["n"]) == [1, 2] and table.at[7, "title"] == f"{RLO}evil"


def test_tooltips_have_no_bidi_overrides():
    from conflict_timeline.figures.deck import tooltip_text

    events = pd.DataFrame(
        {
            "title": [f"{RLO}evil"],
            "date_start": [pd.Timestamp("2020-10-01")],
            "type_label": ["Shelling"],
            "place_label": [f"Ganja{RLO}"],
            "geo_precision": ["exact"],
            "actor_names": [[f"{RLO}Someone"]],
            "verification": ["confirmed"],
            "fatalities": [pd.NA],
        }
    )
    assert RLO not in tooltip_text(events)[0]


def test_legend_labels_are_not_double_escaped():
    labels = ['The "quoted" type', "It's <b>bold</b> & co"]
    types = pd.DataFrame({"event_type": ["a", "b"], "label": labels, "category": ["violence"] * 2})
    text = list(build_type_legend(types, ["a", "b"]).data[0].text)
    assert text == ['The "quoted" type', "It's &lt;b&gt;bold&lt;/b&gt; &amp; co"]


def test_tables_own_csv_export_is_off():
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True


def test_tables_and_lists_show_no_bidi_overrides(monkeypatch, tmp_path):
    """Tables, the actor list and the timeline's hovers get data text without U+202E."""
    events = [list(e) for e in EVENTS]
    events[2][4] = f"Cathedral {RLO}tih"
    actors = [list(a) for a in ACTORS]
    actors[3][2] = f"{RLO}DoM"
    monkeypatch.setenv(ENV_VAR, str(make_dataset(tmp_path / "bidi", events=events, actors=actors)))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.switch_page("views/events.py")
        at.run()
        assert not at.exception
        table = at.dataframe(key="events-table").value
        assert "Cathedral tih" in set(table["title"]) and not table.map(lambda v: RLO in str(v)).any().any()
        assert all(RLO not in o for o in at.multiselect(key="f_actor").options)
        at = AppTest.from_file(APP, default_timeout=60).run()
        spec = at.get("plotly_chart")[0].proto.spec
        assert "Cathedral tih" in json.loads(spec).__repr__() and "\\u202e" not in spec and RLO not in spec
    finally:
        st.cache_resource.clear()
