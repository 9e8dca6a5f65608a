import tomllib

from conflict_timeline.data.paths import REPO_ROOT


def test_public_hosting_settings():
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True
    # the source watcher re-scans every imported module for each new session: off when hosting
    assert config["server"]["fileWatcherType"] == "none"
    # the pages call st.* explicitly, so magic's rewrite of each script is pure cost
    assert config["runner"]["magicEnabled"] is False
    assert config["theme"]["light"]["primaryColor"] and config["theme"]["dark"]["primaryColor"]


def test_requirements_are_pinned_and_match_pyproject():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    wanted = {dep.split(">=")[0].strip() for dep in pyproject["project"]["dependencies"]}
    pinned = {}
    for line in (REPO_ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"{line} is not pinned"
            pinned[name] = version
    assert set(pinned) == wanted


def test_no_pages_folder_and_no_stdlib_shadowing():
    import sys

    dashboard = REPO_ROOT / "dashboard"
    assert not (dashboard / "pages").exists()  # would switch Streamlit to its old multipage mode
    names = {p.stem for p in dashboard.iterdir() if p.suffix == ".py" or p.is_dir()}
    assert not names & set(sys.stdlib_module_names)


def test_data_layer_does_not_import_streamlit():
    for path in (REPO_ROOT / "dashboard" / "conflict_timeline" / "data").glob("*.py"):
        assert "streamlit" not in path.read_text(), path
    for path in (REPO_ROOT / "dashboard" / "conflict_timeline" / "figures").glob("*.py"):
        assert "import streamlit" not in path.read_text(), path


def test_layers_import_only_downwards():
    """data <- figures <- ui/pages: nothing below imports anything above it."""
    import re

    package = REPO_ROOT / "dashboard" / "conflict_timeline"
    above = {"data": ("figures", "ui", "tools", "cli"), "figures": ("ui", "tools", "cli")}
    wrong = []
    for layer, forbidden in above.items():
        for path in (package / layer).glob("*.py"):
            for name in forbidden:
                if re.search(rf"^\s*(from|import) conflict_timeline\.{name}\b", path.read_text(), re.M):
                    wrong.append(f"{path.relative_to(package)} imports conflict_timeline.{name}")
    assert not wrong, wrong
