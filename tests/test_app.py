"""Streamlit AppTest for every page: renders, empty results, deep links, widgets, chart specs."""

from __future__ import annotations

import json
import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT
from conflict_timeline.data.query import FilterSpec, apply_filters
from tests.conftest import eid, short

APP = str(REPO_ROOT / "dashboard" / "app.py")
PAGES = ["views/timeline.py", "views/map.py", "views/actors.py", "views/events.py", "views/about.py"]
TIMEOUT = 60
COUNT = re.compile(r"\*\*([\d,]+) of ([\d,]+) events\*\*")


@pytest.fixture
def use_data(monkeypatch):
    """Point the app at a data directory, with caches cleared between datasets."""

    def point(path):
        monkeypatch.setenv(ENV_VAR, str(path))
        st.cache_resource.clear()
        st.cache_data.clear()

    yield point
    st.cache_resource.clear()


def run_app(page: str | None = None, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    return at.run()


def count_of(at: AppTest) -> tuple[int, int]:
    for element in at.sidebar.markdown:
        match = COUNT.fullmatch(element.value)
        if match:
            return int(match[1].replace(",", "")), int(match[2].replace(",", ""))
    raise AssertionError("no '{X} of {Y} events' count in the sidebar")


def qp(at: AppTest, key: str) -> list[str]:
    value = at.query_params[key]
    return value if isinstance(value, list) else [value]


def warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_shipped_data(use_data, page):
    use_data(REPO_ROOT / "data")
    at = run_app(page)
    assert not at.exception, [e.value for e in at.exception]
    shown, total = count_of(at)
    assert shown == total == load_dataset(REPO_ROOT / "data").n_events
    assert at.title[0].value


@pytest.mark.parametrize("page", PAGES)
def test_every_page_handles_an_empty_result(use_data, mini_dir, page):
    use_data(mini_dir)
    at = run_app(page, {"q": "no-such-thing-anywhere"})
    assert not at.exception, [e.value for e in at.exception]
    assert count_of(at) == (0, 6)
    if page != "views/about.py":
        assert any("No events match" in i.value or "map is empty" in i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_deep_link_restores_filters_and_count(use_data, mini_dir, page):
    use_data(mini_dir)
    params = {"from": "2020-09-27", "to": "2020-10-31", "actor": ["azerbaijan"], "verification": ["confirmed"]}
    at = run_app(page, params)
    assert not at.exception
    expected = apply_filters(
        load_dataset(mini_dir),
        FilterSpec(
            __import__("datetime").date(2020, 9, 27),
            __import__("datetime").date(2020, 10, 31),
            ("azerbaijan",),
            (),
            ("confirmed",),
            "",
        ),
    )
    assert count_of(at) == (len(expected), 6) == (1, 6)
    assert at.multiselect(key="f_actor").value == ["azerbaijan"]
    assert str(at.date_input(key="f_from").value) == "2020-09-27"
    assert qp(at, "actor") == ["azerbaijan"]  # ids, not labels, are written back


@pytest.mark.parametrize(
    "params, notice",
    [
        ({"from": "2021-13-45"}, "from=2021-13-45"),
        ({"from": "1700-01-01", "to": "3000-01-01"}, "from=1700-01-01"),
        ({"from": "2021-01-02", "to": "2020-01-01"}, "start is after the end"),
        ({"actor": ["atlantis", "am-mod"]}, "actor=atlantis"),
        ({"type": "picnic"}, "type=picnic"),
        ({"event": "nope"}, "event=nope"),
        ({"v": "000000000000"}, "dataset version"),
        ({"garbage": "%%%"}, "unknown parameter"),
    ],
)
def test_bad_links_never_crash_and_say_what_was_ignored(use_data, mini_dir, params, notice):
    use_data(mini_dir)
    at = run_app("views/timeline.py", {**params, "q": "fighting"})
    assert not at.exception
    assert notice in warnings(at)
    assert count_of(at)[0] == 1  # the rest of the link (q=fighting) still applies


def test_widgets_change_the_count_and_the_url(use_data, mini_dir):
    use_data(mini_dir)
    at = run_app()
    assert count_of(at) == (6, 6)
    at.multiselect(key="f_actor").set_value(["am-mod"]).run()
    assert count_of(at) == (2, 6)
    assert qp(at, "actor") == ["am-mod"]
    at.text_input(key="f_q").set_value("Xankəndi").run()
    assert count_of(at) == (1, 6)
    at.multiselect(key="f_type").set_value(["statement_accusation"]).run()
    assert count_of(at) == (0, 6)
    at.button(key="reset").click().run()
    assert count_of(at) == (6, 6)
    assert "actor" not in at.query_params


def test_period_preset_sets_the_dates(use_data, mini_dir):
    use_data(mini_dir)
    at = run_app()
    at.selectbox(key="f_preset").set_value("war-2020").run()
    assert str(at.date_input(key="f_from").value) == "2020-09-27"
    assert str(at.date_input(key="f_to").value) == "2020-11-10"
    assert count_of(at) == (5, 6)


def test_timeline_chart_spec_follows_the_filter(use_data, mini_dir):
    use_data(mini_dir)
    at = run_app(params={"type": "shelling"})
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    ids = [cd for trace in spec["data"] if trace.get("customdata") for cd in trace["customdata"] if isinstance(cd, str)]
    assert ids == [eid("e3")]


def test_map_deck_spec_follows_the_filter(use_data, mini_dir):
    use_data(mini_dir)
    at = run_app("views/map.py", {"actor": "az-mod"})
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    events = next(layer for layer in deck["layers"] if layer["id"] == "events")
    assert short(row["event_id"] for row in events["data"]) == {"e1", "e3"}
    assert deck["mapStyle"] == "__MAP_STYLE__"


def test_outside_region_events_are_listed_beside_the_map(use_data, mini_dir):
    use_data(mini_dir)
    at = run_app("views/map.py")
    table = at.dataframe(key="outside-table").value
    assert short(table["event_id"]) == {"e2", "e5", "e6"}


@pytest.mark.parametrize("page", PAGES)
def test_event_card_from_every_page(use_data, mini_dir, page):
    use_data(mini_dir)
    at = run_app(page, {"event": eid("e3")})
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "The cathedral in Shushi was struck" in text and "example.org/2020-10-08-e3" in text
    assert qp(at, "event") == [eid("e3")]
    at.button(key="close-card").click().run()
    assert "event" not in at.query_params


def test_actor_page_shows_and_toggles_an_actor(use_data, mini_dir):
    use_data(mini_dir)
    at = run_app("views/actors.py")
    at.selectbox(key="actor-focus").set_value("az-mod").run()
    assert [m.value for m in at.metric][:1] == ["2"]
    tables = [d.value for d in at.dataframe if "verification" in d.value.columns and "title" in d.value.columns]
    assert list(tables[0]["title"]) == ["October losses claimed"]  # claimed_by counts as a claim, not involvement
    at.button(key="toggle-actor").click().run()
    assert count_of(at) == (2, 6)
    assert qp(at, "actor") == ["az-mod"]


def test_events_page_table_and_downloads(use_data, mini_dir):
    use_data(mini_dir)
    at = run_app("views/events.py", {"verification": "claimed"})
    table = at.dataframe(key="events-table").value
    assert short(table["event_id"]) == {"e4", "e6"}
    assert all(str(u).startswith("https://") for u in table["source"])
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download CSV (2)", "Download JSON (2)", "Download GeoJSON (2)"]


def test_about_page_shows_version_and_validation(use_data, mini_dir):
    use_data(mini_dir)
    at = run_app("views/about.py")
    version = load_dataset(mini_dir).version
    assert any(version in m.value for m in at.markdown)
    assert at.success and "passed validation" in at.success[0].value


def test_missing_data_directory_is_a_clear_message(use_data, tmp_path):
    use_data(tmp_path / "nowhere")
    at = run_app()
    assert not at.exception
    assert "could not be opened" in at.error[0].value


def test_lane_and_view_come_from_the_link(use_data, mini_dir):
    use_data(mini_dir)
    at = run_app(params={"lane": "type"})
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "Armed clash" in spec["layout"]["yaxis"]["ticktext"]
    assert qp(at, "lane") == ["type"]
    at = run_app("views/map.py", {"view": "density"})
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert any(layer["id"] == "density" for layer in deck["layers"])


def test_a_first_compile_shows_progress_then_the_page(use_data, mini_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICT_TIMELINE_CACHE", str(tmp_path / "fresh-cache"))
    use_data(mini_dir)
    at = run_app()
    assert not at.exception, [e.value for e in at.exception]
    assert count_of(at) == (6, 6) and at.title[0].value == "Timeline"
    assert (tmp_path / "fresh-cache").is_dir()  # the store was compiled during this run
