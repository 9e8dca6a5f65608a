"""Importers of the field's own datasets (ACLED, UCDP GED) into the project's data model.

They sit above the data layer: they write a dataset directory in the project's format, which the
data layer then validates and compiles like the curated record.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conflict_timeline.importers.common import Progress, Report
from conflict_timeline.importers.reading import ImportFileError, detect_encoding, normalise_header

FORMATS = ("acled", "ucdp")


def detect_format(path: Path) -> str:
    """'acled' or 'ucdp' from a file's header; raises ImportFileError naming what it saw."""
    encoding, _ = detect_encoding(path)
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        header = handle.readline()
    columns = set(normalise_header(header.strip().split(","), {}))
    if "event_id_cnty" in columns:
        return "acled"
    if {"type_of_violence", "where_prec"} & columns or {"side_a", "best"} <= columns:
        return "ucdp"
    raise ImportFileError(
        f"{path.name}: not recognised as ACLED (no event_id_cnty column) or UCDP GED (no type_of_violence column)"
    )


def import_files(
    kind: str, files: list[Path], out: Path, today: dt.date | None = None, progress: Progress | None = None
) -> Report:
    """Import ``files`` (``kind`` 'acled', 'ucdp' or 'auto') into the dataset directory ``out``."""
    if not files:
        raise ImportFileError("no file to import")
    if kind == "auto":
        kinds = {detect_format(path) for path in files}
        if len(kinds) > 1:
            raise ImportFileError("the files mix ACLED and UCDP exports; import each dataset on its own")
        kind = kinds.pop()
    if kind == "acled":
        from conflict_timeline.importers.acled import SOURCE
    elif kind == "ucdp":
        from conflict_timeline.importers.ucdp import SOURCE
    else:
        raise ImportFileError(f"unknown format {kind!r}: expected acled, ucdp or auto")
    from conflict_timeline.importers.common import run_import

    return run_import(SOURCE, files, out, today=today, progress=progress)


__all__ = ["FORMATS", "ImportFileError", "Report", "detect_format", "import_files"]
