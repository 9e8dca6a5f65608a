import datetime as dt

import pytest

from conflict_timeline.ui.url_state import default_state, parse_params, to_params
from tests.conftest import eid

D = dt.date


def test_empty_link_is_the_default_view(mini):
    state, notices = parse_params({}, mini)
    assert state == default_state(mini) and notices == []
    assert to_params(state, mini) == {}


def test_round_trip(mini):
    raw = {
        "from": ["2020-09-27"],
        "to": ["2020-10-10"],
        "q": ["Şuşa"],
        "actor": ["az-mod", "russia"],
        "type": ["shelling"],
        "verification": ["confirmed"],
        "event": [eid("e3")],
    }
    state, notices = parse_params(raw, mini)
    assert notices == []
    assert state.date_from == D(2020, 9, 27) and state.actors == ["az-mod", "russia"] and state.event == eid("e3")
    params = to_params(state, mini)
    assert params.pop("v") == [mini.version]
    assert params == raw


@pytest.mark.parametrize(
    "raw, fragment, check",
    [
        ({"from": ["2021-13-45"]}, "from=2021-13-45", lambda s, d: s.date_from == d.date_from),
        ({"to": ["garbage"]}, "to=garbage", lambda s, d: s.date_to == d.date_to),
        (
            {"from": ["2021-01-02"], "to": ["2020-01-01"]},
            "start is after the end",
            lambda s, d: (s.date_from, s.date_to) == (d.date_from, d.date_to),
        ),
        ({"actor": ["az-mod", "atlantis"]}, "actor=atlantis", lambda s, d: s.actors == ["az-mod"]),
        ({"type": ["picnic"]}, "type=picnic", lambda s, d: s.types == []),
        ({"verification": ["maybe"]}, "verification=maybe", lambda s, d: s.verification == []),
        ({"event": ["nope"]}, "event=nope", lambda s, d: s.event is None),
        ({"utm_source": ["x"]}, "unknown parameter", lambda s, d: True),
        ({"v": ["0000"]}, "dataset version", lambda s, d: True),
    ],
)
def test_bad_values_are_ignored_with_a_notice(mini, raw, fragment, check):
    raw = {**raw, "q": ["lavrov"]}
    state, notices = parse_params(raw, mini)
    assert any(fragment in n for n in notices), notices
    assert check(state, default_state(mini))
    assert state.text == "lavrov"  # the rest of the link still applies


def test_labels_are_not_ids(mini):
    state, notices = parse_params({"actor": ["Azerbaijani side · Azerbaijani MoD (ministry)"]}, mini)
    assert state.actors == [] and notices


def test_page_choices_round_trip(mini):
    state, notices = parse_params({"lane": ["type"], "view": ["density"]}, mini)
    assert notices == [] and (state.lane, state.view) == ("type", "density")
    assert to_params(state, mini)["lane"] == ["type"]
    state, notices = parse_params({"lane": ["diagonal"]}, mini)
    assert state.lane == "side" and "lane=diagonal" in notices[0]
