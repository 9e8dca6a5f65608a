"""Uploads: kept apart under the cache directory, bounded (size, zip contents, quota, expiry,
compiles at once), and a link made on an upload says so."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import time
import zipfile
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT
from conflict_timeline.importers import uploads
from conflict_timeline.importers.uploads import UploadError, open_upload

KENYA = REPO_ROOT / "tests" / "fixtures" / "imports" / "acled-export-kenya.csv"


def zip_of(entries: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def test_a_csv_upload_is_imported_under_the_cache_dir(mini_dir):
    before = sorted(p.name for p in (REPO_ROOT / "data").iterdir())
    upload = open_upload("acled-export-kenya.csv", KENYA.read_bytes())
    assert uploads.is_upload(upload.path) and upload.path.is_relative_to(uploads.upload_root())
    assert "rows in: 6 = imported 6 + rejected 0" in "\n".join(upload.report)
    assert load_dataset(upload.path).n_events == 6
    assert sorted(p.name for p in (REPO_ROOT / "data").iterdir()) == before  # nothing written into data/
    again = open_upload("renamed.csv", KENYA.read_bytes())
    assert again.path == upload.path  # keyed by the bytes' hash: reused, not re-imported


def test_a_zip_of_a_dataset_directory_opens(mini_dir):
    entries = {f"mini/{f.name}": f.read_bytes() for f in mini_dir.iterdir() if f.suffix == ".csv"}
    entries["__MACOSX/._events.csv"] = b"junk"
    upload = open_upload("mini.zip", zip_of(entries))
    assert load_dataset(upload.path).n_events == load_dataset(mini_dir).n_events


@pytest.mark.parametrize(
    ("entries", "links", "message"),
    [
        ({"../evil.csv": b"x"}, (), "outside its folder"),
        ({"/etc/evil.csv": b"x"}, (), "outside its folder"),
        ({"events.csv": b"x"}, ("places.csv",), "is a link"),
        ({f"f{i}.csv": b"x" for i in range(70)}, (), "at most 64"),
        ({"a/b/events.csv": b"x"}, (), "one folder"),
        ({"notes.txt": b"hello"}, (), "no dataset"),
    ],
)
def test_unsafe_zips_are_refused(entries, links, message):
    payload = zip_of(entries, links)
    with pytest.raises(UploadError, match=message):
        open_upload("bad.zip", payload)
    assert not (uploads.upload_root() / hashlib.sha256(payload).hexdigest()[:32]).exists()  # nothing left behind


def test_a_zip_that_expands_too_far_is_refused(monkeypatch):
    monkeypatch.setenv("CONFLICT_TIMELINE_UPLOAD_MB", "0.01")  # 10 KiB: the bound is 100 KiB expanded
    with pytest.raises(UploadError, match="expands to more than"):
        open_upload("bomb.zip", zip_of({"events.csv": b"0" * 400_000}))


def test_size_limit(monkeypatch):
    monkeypatch.setenv("CONFLICT_TIMELINE_UPLOAD_MB", "0.001")
    with pytest.raises(UploadError, match="limited to"):
        open_upload("big.csv", KENYA.read_bytes())


def test_expired_uploads_are_dropped_and_the_quota_holds(monkeypatch):
    first = open_upload("a.csv", KENYA.read_bytes())
    old = time.time() - 3 * 86400
    os.utime(first.path.parent, (old, old))
    uploads.prune()
    assert not first.path.exists()
    monkeypatch.setenv("CONFLICT_TIMELINE_UPLOAD_QUOTA_MB", "0.001")
    with pytest.raises(UploadError, match="space kept for uploads is full"):
        open_upload("b.csv", KENYA.read_bytes())


def test_one_compile_at_a_time():
    assert uploads._COMPILES.acquire(timeout=1)
    try:
        with pytest.raises(UploadError, match="Another upload is being prepared"):
            open_upload("a.csv", KENYA.read_bytes())
    finally:
        uploads._COMPILES.release()


def test_a_link_made_on_an_upload_names_it_and_a_recipient_is_told(monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(REPO_ROOT / "data"))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["data"] = "upload"
    at.query_params["actor"] = "armenia"
    at.run()
    notices = " ".join(w.value for w in at.warning)
    assert "An upload is seen only by the person who opened it" in notices
    assert at.query_params["actor"] == "armenia"  # the rest of the link still applies

    upload = open_upload("acled-export-kenya.csv", KENYA.read_bytes())
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.session_state["upload-path"] = str(upload.path)
    at.switch_page("views/map.py")
    at.run()
    assert not at.exception
    assert "6 of 6 events" in " ".join(m.value for m in at.sidebar.markdown)
    assert at.query_params["data"] == "upload"


def test_the_open_page_renders(monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(REPO_ROOT / "data"))
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.switch_page("views/open.py")
    at.run()
    assert not at.exception
    assert any("UCDP GED" in m.value for m in at.markdown)


def test_upload_root_follows_the_cache_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("CONFLICT_TIMELINE_CACHE", str(tmp_path))
    assert uploads.upload_root() == Path(tmp_path) / "uploads"
