"""Share links: notices show values as inert text, bounded; nothing ignored silently; strict dates;
Back/Forward restore the view; opening a valid link writes nothing to the URL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT
from conflict_timeline.ui import url_state
from conflict_timeline.ui.url_state import MAX_NOTICES, MAX_SHOWN, code, default_state, parse_params
from tests.conftest import eid

APP = str(REPO_ROOT / "dashboard" / "app.py")
PHISH = "x` **Security notice** [Log in](https://evil.example/login) `"


def outside_code(markdown: str) -> str:
    """The markdown with every code span, fences included, taken out."""
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", markdown)


@pytest.mark.parametrize(
    "value",
    [
        PHISH,
        "![p](https://evil.example/pixel.png)",
        "# Heading",
        "$$\\frac{a}{b}$$",
        ":material/lock: verified",
        "``` fenced ```",
        "`",
        "a\n\n**b**",
    ],
)
def test_a_value_cannot_leave_its_code_span(mini, value):
    _, notices = parse_params({"actor": [value]}, mini)
    assert len(notices) == 1
    rest = outside_code(notices[0])
    # outside the code span only our own words remain: no markup taken from the value
    assert re.fullmatch(r"Ignored (… \([\d,]+ characters\))?: no such actor\.", rest), notices[0]
    assert ":material/" not in notices[0] and "\n" not in notices[0]


def test_the_phishing_link_of_the_issue_is_inert(mini):
    _, notices = parse_params({"v": [PHISH]}, mini)
    rest = outside_code(notices[0])
    assert "**" not in rest and "](" not in rest and "evil.example" not in rest


def test_long_values_and_many_values_are_bounded(mini):
    _, notices = parse_params({"actor": ["a" * 100_000]}, mini)
    assert len(notices[0]) < 200 and "100,006 characters" in notices[0]
    _, notices = parse_params({"actor": [f"nobody-{i}" for i in range(33)], **{f"p{i}": ["x"] for i in range(9)}}, mini)
    assert len(notices) == MAX_NOTICES
    assert notices[-1] == f"… and {33 + 9 - (MAX_NOTICES - 1)} more values in this link were ignored."


def test_code_keeps_short_text_whole():
    assert code("abc") == "`abc`"
    assert code("a`b") == "``a`b``"
    assert code("`") == "`` ` ``"
    assert code("x" * (MAX_SHOWN + 1)).endswith(f"… ({MAX_SHOWN + 1} characters)")
    assert code("\u202eevil\n") == "`\\u202eevil\\n`"  # bidi and line breaks shown, not obeyed


@pytest.mark.parametrize(
    "raw, fragment, check",
    [
        ({"from": ["2021-13-45", "2020-10-01"]}, "from=2021-13-45", lambda s: s.date_from == dt.date(2020, 10, 1)),
        ({"event": ["no-such", eid("e3")]}, "event=no-such", lambda s: s.event == eid("e3")),
        ({"lane": ["diagonal", "type"]}, "lane=diagonal", lambda s: s.lane == "type"),
        ({"actor": [" "]}, "actor=%20", lambda s: s.actors == []),
        ({"from": [" "]}, "from=%20", lambda s: True),
        ({"lane": ["\t"]}, "lane=%09", lambda s: s.lane == "side"),
        ({"q": ["  "]}, "q=%20%20", lambda s: s.text == ""),
    ],
)
def test_nothing_is_ignored_silently(mini, raw, fragment, check):
    state, notices = parse_params(raw, mini)
    assert any(fragment in n for n in notices), notices
    assert check(state)


@pytest.mark.parametrize("value", ["20201001", "2020-W40-1", "2020-275", "2020-10-01T00:00", "２０２０-10-01"])
def test_only_documented_dates_are_accepted(mini, value):
    state, notices = parse_params({"from": [value]}, mini)
    assert state.date_from == default_state(mini).date_from
    assert notices and "not a date (expected YYYY-MM-DD)" in notices[0]


def test_documented_dates_still_work(mini):
    state, notices = parse_params({"from": ["2020-10-01"], "to": [" 2020-10-31 "]}, mini)
    assert notices == [] and (state.date_from, state.date_to) == (dt.date(2020, 10, 1), dt.date(2020, 10, 31))


# --- the app: Back/Forward and the first run -------------------------------------------------


@pytest.fixture
def app(monkeypatch, mini_dir):
    monkeypatch.setenv(ENV_VAR, str(mini_dir))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


def run(at: AppTest, history: bool = False, monkeypatch=None) -> AppTest:
    if monkeypatch is not None:  # Streamlit flags a Back/Forward rerun; AppTest cannot, so say it here
        monkeypatch.setattr(url_state, "_run_info", lambda: (history, ""))
    return at.run()


def params(at: AppTest) -> dict[str, list[str]]:
    values = {key: at.query_params[key] for key in at.query_params}
    return {key: value if isinstance(value, list) else [value] for key, value in values.items()}


def test_opening_a_valid_link_writes_nothing(app):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["verification"] = ["claimed"]  # no `v`: a rewrite would add it, a history entry
    at.query_params["actor"] = ["am-mod"]
    at.run()
    assert not at.exception
    assert params(at) == {"verification": ["claimed"], "actor": ["am-mod"]}


def test_back_restores_the_earlier_view(app, monkeypatch):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["actor"] = ["am-mod"]
    run(at, monkeypatch=monkeypatch)
    at.text_input(key="f_q").set_value("cathedral")
    run(at, monkeypatch=monkeypatch)
    assert params(at)["q"] == ["cathedral"]
    # Back: the browser shows the first URL again and Streamlit reruns with it
    at.query_params.clear()
    at.query_params["actor"] = ["am-mod"]
    run(at, history=True, monkeypatch=monkeypatch)
    assert at.text_input(key="f_q").value == ""
    assert at.multiselect(key="f_actor").value == ["am-mod"]
    # Back again, to a bare URL: the default view
    at.query_params.clear()
    run(at, history=True, monkeypatch=monkeypatch)
    assert at.multiselect(key="f_actor").value == []


def test_a_stale_query_on_an_ordinary_rerun_does_not_undo_input(app, monkeypatch):
    """A rerun the browser asked for before the app's new URL reached it carries the old query."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["actor"] = ["am-mod"]
    run(at, monkeypatch=monkeypatch)
    at.text_input(key="f_q").set_value("cathedral")
    run(at, monkeypatch=monkeypatch)
    at.query_params.clear()
    at.query_params["actor"] = ["am-mod"]  # stale: not a Back/Forward
    run(at, history=False, monkeypatch=monkeypatch)
    assert at.text_input(key="f_q").value == "cathedral"
    assert params(at)["q"] == ["cathedral"]
