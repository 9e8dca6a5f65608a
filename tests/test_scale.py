"""At 100,000 events every page pulls only a bounded number of rows out of the engine into pandas."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflict_timeline.data import engine
from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "app.py")
PAGES = ["views/timeline.py", "views/map.py", "views/actors.py", "views/events.py", "views/about.py"]
SIZE = 100_000
BOUND = 5_000  # rows in any one result handed to pandas: the map's point limit


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    from conflict_timeline.tools.synth import write_synthetic

    return write_synthetic(tmp_path_factory.mktemp("large") / "data", SIZE)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_pulls_more_than_a_bounded_number_of_rows(large, monkeypatch, page):
    monkeypatch.setenv(ENV_VAR, str(large))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=300)
    at.switch_page(page)
    engine.reset_largest_result()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"{SIZE:,} of {SIZE:,} events" in m.value for m in at.sidebar.markdown)
    assert 0 < engine.largest_result() <= BOUND, engine.largest_result()
    # and after a filter change
    engine.reset_largest_result()
    at.multiselect(key="f_verification").set_value(["claimed"]).run()
    assert not at.exception
    assert engine.largest_result() <= BOUND
