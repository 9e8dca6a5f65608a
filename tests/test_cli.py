import csv
import io
import shutil
import subprocess
import sys

import pytest

from conflict_timeline.cli import main
from conflict_timeline.data.export import EXPORT_COLUMNS
from conflict_timeline.data.paths import ENV_VAR
from tests.conftest import eid, short


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def ids(out: str) -> set[str]:
    return {row["event_id"] for row in csv.DictReader(io.StringIO(out))}


def test_validate_clean(capsys, mini_dir):
    code, out, _ = run(capsys, "validate", str(mini_dir))
    assert code == 0 and "OK: 6 events" in out


def test_validate_broken_lists_file_line_field(capsys, mini_dir):
    text = (mini_dir / "events.csv").read_text().replace("2020-10-08,2020-10-09", "2020-10-08,2020-10-01")
    (mini_dir / "events.csv").write_text(text)
    code, out, _ = run(capsys, "validate", "--data", str(mini_dir))
    assert code == 1
    assert "events.csv:4: date_end: ends before date_start" in out


def test_validate_missing_dir(capsys, tmp_path):
    code, _, err = run(capsys, "validate", str(tmp_path / "none"))
    assert code == 2 and "not found" in err


def test_export_csv_columns(capsys, mini_dir):
    code, out, err = run(capsys, "export", "--data", str(mini_dir), "--format", "csv")
    assert code == 0
    assert next(csv.reader(io.StringIO(out)))[:20] == list(EXPORT_COLUMNS)
    assert len(ids(out)) == 6 and "6 of 6 events" in err
    assert not out.startswith("\ufeff")


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--actor", "am-mod", "sergey-lavrov"], {"e1", "e2", "e6"}),
        (["--actor", "am-mod", "--actor", "sergey-lavrov"], {"e1", "e2", "e6"}),
        (["--from", "2020-09-27", "--to", "2020-09-30"], {"e1", "e2"}),
        (["--type", "shelling", "talks_meeting"], {"e2", "e3"}),
        (["--verification", "claimed"], {"e4", "e6"}),
        (["--query", "Xankəndi"], {"e1", "e4"}),
        (["--query", "nothing-like-this"], set()),
    ],
)
def test_export_filters(capsys, mini_dir, args, expected):
    code, out, _ = run(capsys, "export", "--data", str(mini_dir), *args)
    assert code == 0 and short(ids(out)) == expected


def test_no_match_is_header_only(capsys, mini_dir):
    code, out, _ = run(capsys, "export", "--data", str(mini_dir), "--query", "zzzz")
    assert code == 0 and out.count("\n") == 1


def test_unknown_actor_names_known_ids(capsys, mini_dir):
    code, out, err = run(capsys, "export", "--data", str(mini_dir), "--actor", "atlantis")
    assert code == 2 and out == ""
    assert "atlantis" in err and "sergey-lavrov" in err


def test_bad_date_says_the_format(capsys, mini_dir):
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--data", str(mini_dir), "--from", "2021-13-45"])
    assert exit_info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_from_after_to(capsys, mini_dir):
    code, _, err = run(capsys, "export", "--data", str(mini_dir), "--from", "2021-01-02", "--to", "2021-01-01")
    assert code == 2 and "after" in err


def test_environment_variable(capsys, mini_dir, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(mini_dir))
    code, out, _ = run(capsys, "export", "--format", "json")
    assert code == 0 and f'"{eid("e1")}"' in out


def test_console_script_installed(mini_dir):
    exe = shutil.which("conflict-timeline") or str(
        __import__("pathlib").Path(sys.executable).parent / "conflict-timeline"
    )
    result = subprocess.run([exe, "validate", str(mini_dir)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
