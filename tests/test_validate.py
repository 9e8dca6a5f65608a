"""One small bad-data fixture per rule, asserting the reported file, line and field."""

import datetime as dt

import pytest

from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.schema import COLUMNS
from tests.conftest import ACTORS, EVENTS, PLACES, eid, make_dataset

FIELDS = list(COLUMNS["events.csv"])


def with_event(index: int, **changes):
    rows = [list(e) for e in EVENTS]
    for name, value in changes.items():
        rows[index][FIELDS.index(name)] = value
    return rows


EVENT_CASES = [
    ("missing id", with_event(1, event_id=""), 3, "event_id", "required"),
    ("bad id", with_event(1, event_id="E 2"), 3, "event_id", "lower-case"),
    ("duplicate id", with_event(1, event_id=EVENTS[0][0]), 3, "event_id", "duplicated"),
    ("id format", with_event(1, event_id="e2"), 3, "event_id", "YYYY-MM-DD-slug"),
    ("infinite fatalities", with_event(0, fatalities="inf"), 2, "fatalities", "digits only"),
    ("Infinity", with_event(0, fatalities_high="Infinity"), 2, "fatalities_high", "digits only"),
    ("overflowing number", with_event(0, fatalities="1e309"), 2, "fatalities", "digits only"),
    ("beyond int64", with_event(0, fatalities="100000000000000000000"), 2, "fatalities", "digits only"),
    ("exponent", with_event(0, fatalities="1e3"), 2, "fatalities", "digits only"),
    ("month precision day", with_event(3, date_start="2020-10-05"), 5, "date_start", "day must be 01"),
    ("control character", with_event(2, title="Cathedral\x00hit"), 4, "title", "control characters"),
    ("unknown actor", with_event(1, actors="nobody:initiator"), 3, "actors", "unknown actor"),
    ("bad role", with_event(1, actors="russia:boss"), 3, "actors", "role must be"),
    ("no actor", with_event(1, actors=""), 3, "actors", "no actor"),
    ("unknown place", with_event(2, place_id="atlantis"), 4, "place_id", "unknown place"),
    ("unknown event type", with_event(2, event_type="picnic"), 4, "event_type", "must be one of"),
    ("unparseable date", with_event(2, date_start="2020-13-45"), 4, "date_start", "real date"),
    ("impossible date", with_event(2, date_start="2021-02-30"), 4, "date_start", "real date"),
    ("end before start", with_event(2, date_end="2020-10-01"), 4, "date_end", "ends before"),
    ("future date", with_event(2, date_start="2999-01-01", date_end=""), 4, "date_start", "future"),
    ("negative fatalities", with_event(0, fatalities="-3", fatalities_low=""), 2, "fatalities", ">= 0"),
    ("low above best", with_event(0, fatalities_low="11"), 2, "fatalities_low", "greater than fatalities"),
    ("best above high", with_event(0, fatalities_high="9"), 2, "fatalities_high", "less than fatalities"),
    ("bad precision", with_event(0, date_precision="week"), 2, "date_precision", "must be one of"),
    ("bad geo precision", with_event(0, geo_precision="somewhere"), 2, "geo_precision", "must be one of"),
    ("claim without claimant", with_event(3, claimed_by=""), 5, "claimed_by", "say who claims"),
    ("unknown claimant", with_event(3, claimed_by="ghost"), 5, "claimed_by", "unknown actor"),
    ("bad verification", with_event(3, verification="true"), 5, "verification", "must be one of"),
]


@pytest.mark.parametrize("name, events, line, field, reason", EVENT_CASES, ids=[c[0] for c in EVENT_CASES])
def test_event_rules(tmp_path, name, events, line, field, reason):
    data = load_dataset(make_dataset(tmp_path / "d", events=events))
    found = [p for p in data.problems if p.file == "events.csv" and p.line == line and p.field == field]
    assert found, f"expected a problem at events.csv:{line} {field}, got {[str(p) for p in data.problems]}"
    assert reason in found[0].reason
    assert f"events.csv:{line}: {field}:" in str(found[0])
    counts = data.counts["events.csv"]
    assert counts.rows_in == counts.accepted + counts.rejected
    assert counts.rejected >= 1


def test_empty_sources(tmp_path):
    sources = [(e[0], f"https://example.org/{e[0]}", "X", "") for e in EVENTS[1:]]
    data = load_dataset(make_dataset(tmp_path / "d", sources=sources))
    assert any(p.line == 2 and p.field == "sources" and "no valid source" in p.reason for p in data.problems)
    assert eid("e1") not in set(data.all_events()["event_id"])


@pytest.mark.parametrize(
    "source, field, reason",
    [
        ((eid("e1"), "javascript:alert(1)", "X", ""), "url", "http(s)"),
        ((eid("e1"), "https://example.org/a", "", ""), "publisher", "required"),
        ((eid("e1"), "https://example.org/a", "X", "2020-09"), "published", "real date"),
        (("nope", "https://example.org/a", "X", ""), "event_id", "does not exist"),
    ],
)
def test_source_rules(tmp_path, source, field, reason):
    sources = [(e[0], f"https://example.org/{e[0]}", "X", "") for e in EVENTS] + [source]
    data = load_dataset(make_dataset(tmp_path / "d", sources=sources))
    found = [p for p in data.problems if p.file == "sources.csv" and p.line == len(sources) + 1 and p.field == field]
    assert found and reason in found[0].reason
    assert data.n_events == len(EVENTS)  # the other source of e1 still carries it


@pytest.mark.parametrize(
    "index, column, value, reason",
    [
        (0, 5, 99.0, "from -90 to 90"),
        (0, 6, 181.5, "from -180 to 180"),
        (1, 5, "north", "from -90 to 90"),
        (1, 9, "Azerbaijan", "alpha-2"),
    ],
)
def test_place_rules(tmp_path, index, column, value, reason):
    places = [list(p) for p in PLACES]
    places[index][column] = str(value)
    data = load_dataset(make_dataset(tmp_path / "d", places=places))
    found = [p for p in data.problems if p.file == "places.csv" and p.line == index + 2]
    assert found and reason in found[0].reason
    # events at a rejected place are rejected too, and say why
    assert any(p.file == "events.csv" and p.field == "place_id" for p in data.problems)


def test_actor_parent_must_exist_and_not_loop(tmp_path):
    actors = [list(a) for a in ACTORS]
    actors[1][6] = "atlantis"  # am-mod -> unknown parent
    actors[4][6] = "sergey-lavrov"  # russia -> lavrov -> ru-mfa -> russia: a loop
    data = load_dataset(make_dataset(tmp_path / "d", actors=actors))
    reasons = {(p.line, p.field): p.reason for p in data.problems if p.file == "actors.csv"}
    assert "does not exist" in reasons[(3, "parent_id")]
    assert "loop" in reasons[(6, "parent_id")]


def test_wrong_field_count_and_missing_column(tmp_path):
    directory = make_dataset(tmp_path / "d")
    with (directory / "events.csv").open("a") as handle:
        handle.write("e9,2020-01-01,too,few\n")
    text = (directory / "places.csv").read_text().replace("coord_source", "coords_from", 1)
    (directory / "places.csv").write_text(text)
    data = load_dataset(directory)
    assert any(p.file == "events.csv" and p.line == 8 and "fields" in p.reason for p in data.problems)
    assert any(p.file == "places.csv" and p.line == 1 and p.field == "coord_source" for p in data.problems)
    assert data.counts["events.csv"].rows_in == len(EVENTS) + 1


def test_all_problems_collected_not_just_the_first(tmp_path):
    events = with_event(0, date_start="bad")
    events[1][FIELDS.index("place_id")] = "atlantis"
    events[2][FIELDS.index("event_type")] = "picnic"
    data = load_dataset(make_dataset(tmp_path / "d", events=events))
    lines = {p.line for p in data.problems if p.file == "events.csv"}
    assert {2, 3, 4} <= lines


def test_clean_fixture_has_no_problems(mini):
    assert mini.ok, [str(p) for p in mini.problems]


def test_future_is_relative_to_today(tmp_path):
    directory = make_dataset(tmp_path / "d")
    data = load_dataset(directory, today=dt.date(2020, 10, 1))
    assert any(p.field == "date_start" and "future" in p.reason for p in data.problems)


def test_impossible_date_is_reported_once(tmp_path):
    """2020-02-30 is not a date: no spurious 'ends before date_start' (dates compared as dates)."""
    data = load_dataset(make_dataset(tmp_path / "d", events=with_event(2, date_start="2020-02-30")))
    fields = [p.field for p in data.problems if p.file == "events.csv" and p.line == 4]
    assert fields == ["date_start"]


def test_a_loop_blames_only_its_members(tmp_path):
    actors = [list(a) for a in ACTORS]
    actors[4][6] = "sergey-lavrov"  # russia -> lavrov -> ru-mfa -> russia: three rows in the loop
    actors.append(["ru-envoy", "Envoy", "Envoy", "government_official", "RU", "international", "ru-mfa", ""])
    data = load_dataset(make_dataset(tmp_path / "d", actors=actors))
    looping = {p.line for p in data.problems if p.file == "actors.csv" and "loop" in p.reason}
    assert looping == {6, 7, 8}  # russia, ru-mfa, sergey-lavrov; not ru-envoy below them
    assert "ru-envoy" in data.actors.index


def test_a_duplicated_actor_keeps_the_first_row(tmp_path):
    actors = [list(a) for a in ACTORS] + [list(ACTORS[1])]
    data = load_dataset(make_dataset(tmp_path / "d", actors=actors))
    assert [p.line for p in data.problems] == [len(actors) + 1]
    assert "am-mod" in data.actors.index and data.n_events == len(EVENTS)


def test_sources_of_a_set_aside_event_say_so(tmp_path):
    data = load_dataset(make_dataset(tmp_path / "d", events=with_event(0, place_id="atlantis")))
    source = [p for p in data.problems if p.file == "sources.csv"]
    assert source and "set aside (events.csv:2)" in source[0].reason
    assert not any("does not exist" in p.reason for p in data.problems)


def _write(directory, name, content: bytes):
    (directory / name).write_bytes(content)
    return directory


@pytest.mark.parametrize(
    "name, content, where, reason",
    [
        ("events.csv", b"", "events.csv:1", "empty"),
        ("events.csv", ",".join(FIELDS).replace(",", ";").encode() + b"\n", "events.csv:1", "';'-separated"),
        ("sources.csv", b"event_id,url,publisher,published\n", "events.csv:2", "no valid source"),
        ("eras.csv", b"era_id,name,date_start,date_end,preset,band,min_events,daily_coverage,description\n", "", ""),
    ],
)
def test_tables_without_usable_rows(tmp_path, name, content, where, reason):
    data = load_dataset(_write(make_dataset(tmp_path / "d"), name, content))
    if where:
        assert any(str(p).startswith(where) and reason in str(p) for p in data.problems), data.problems
    assert sum(c.rows_in for c in data.counts.values()) >= 0  # opened, not crashed


def test_latin1_byte_is_named_with_file_line_and_column(tmp_path):
    directory = make_dataset(tmp_path / "d")
    text = (directory / "events.csv").read_bytes().replace(b"Cathedral hit", b"Cath\xe9dral hit")
    data = load_dataset(_write(directory, "events.csv", text))
    found = [p for p in data.problems if p.field == "title"]
    assert found and found[0].file == "events.csv" and found[0].line == 4 and "UTF-8" in found[0].reason


def test_oversized_cell_and_duplicated_column(tmp_path):
    directory = make_dataset(tmp_path / "d", events=with_event(2, summary="x" * (200 * 1024)))
    text = (directory / "places.csv").read_text().replace("district,country", "district,district", 1)
    data = load_dataset(_write(directory, "places.csv", text.encode()))
    assert any(p.line == 4 and p.field == "summary" and "characters long" in p.reason for p in data.problems)
    assert any(p.file == "places.csv" and p.line == 1 and "twice" in p.reason for p in data.problems)


def test_unreadable_file_is_a_problem_not_a_traceback(tmp_path, monkeypatch):
    from pathlib import Path as P

    directory = make_dataset(tmp_path / "d")
    real_open = P.open

    def guarded(self, *args, **kwargs):
        if self.name == "actors.csv" and self.parent == directory:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(P, "open", guarded)
    data = load_dataset(directory)
    assert any(p.file == "actors.csv" and "cannot be read" in p.reason for p in data.problems)


def test_a_repeated_source_for_the_same_event_is_reported_once(tmp_path):
    sources = [(e[0], f"https://example.org/{e[0]}", "X", "") for e in EVENTS]
    sources.append((EVENTS[0][0], f"https://example.org/{EVENTS[0][0]}", "Y", ""))
    data = load_dataset(make_dataset(tmp_path / "d", sources=sources))
    found = [p for p in data.problems if p.file == "sources.csv"]
    assert [(p.line, p.field) for p in found] == [(len(sources) + 1, "url")] and "repeats" in found[0].reason
    assert data.n_events == len(EVENTS)  # the first row still carries the event
