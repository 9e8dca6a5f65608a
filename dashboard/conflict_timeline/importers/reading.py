"""Reading another dataset's CSV export as it really circulates: any encoding users save it in,
any header case, quoted newlines, CRLF, literal ``NA`` cells, and files cut off mid-row.

Rows are streamed into Parquet parts of text columns (plus file number and line), so a file of
a million rows is never held as Python objects; the mapping then runs in DuckDB.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from conflict_timeline.data.validate import Problem  # a rejected row is reported like any data problem

CHUNK_ROWS = 100_000
MAX_CELL = 1 << 20  # 1 MiB: a notes cell is a paragraph; a bigger one is a broken quote
EMPTY = {"", "NA", "N/A", "NULL", "NaN", "nan"}

csv.field_size_limit(MAX_CELL)


class ImportFileError(Exception):
    """A whole file cannot be imported; the message names the file and says why."""


@dataclass
class FileRead:
    name: str
    path: Path
    sha256: str
    encoding: str
    columns: list[str]
    rows_in: int = 0
    rows_read: int = 0
    rejections: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def detect_encoding(path: Path) -> tuple[str, str]:
    """('utf-8-sig' | 'utf-8' | 'cp1252', sha256): a file that is not valid UTF-8 was saved by a
    spreadsheet in Windows-1252; its hash is taken in the same pass."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, bom = True, None
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            if bom is None:
                bom = block.startswith(codecs.BOM_UTF8)
            digest.update(block)
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    if not utf8:
        return "cp1252", digest.hexdigest()
    return ("utf-8-sig" if bom else "utf-8"), digest.hexdigest()


def normalise_header(raw: list[str], aliases: dict[str, str]) -> list[str]:
    names = []
    for cell in raw:
        name = cell.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")
        names.append(aliases.get(name, name))
    return names


def read_rows(
    path: Path,
    file_no: int,
    out_dir: Path,
    aliases: dict[str, str],
    required: tuple[str, ...],
    keep: tuple[str, ...],
    progress: Callable[[int], None] | None = None,
) -> FileRead:
    """Stream ``path`` into ``out_dir/part-<file_no>-<k>.parquet`` (columns ``keep`` + file_no, line)."""
    encoding, sha = detect_encoding(path)
    read = FileRead(path.name, path, sha, encoding, [])
    if encoding == "cp1252":
        read.notes.append(f"{path.name}: not UTF-8; read as Windows-1252 (cp1252), as spreadsheets save it")
    # cp1252 leaves five bytes undefined; they are kept visible (U+FFFD) rather than stopping the import
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise ImportFileError(f"{path.name}: the file is empty") from None
        except csv.Error as exc:
            raise ImportFileError(f"{path.name}:1: the header cannot be read ({exc})") from None
        if len(header) == 1 and ";" in header[0]:
            raise ImportFileError(f"{path.name}:1: this looks like a ';'-separated file; export it comma-separated")
        columns = normalise_header(header, aliases)
        read.columns = columns
        missing = [c for c in required if c not in columns]
        if missing:
            raise ImportFileError(f"{path.name}:1: lacks the column(s) {', '.join(missing)}")
        seen: set[str] = set()
        for name in columns:
            if name in seen and name in keep:
                raise ImportFileError(f"{path.name}:1: the column {name!r} appears twice")
            seen.add(name)
        index = {name: columns.index(name) for name in keep if name in columns}
        width = len(columns)
        buffers: dict[str, list[str]] = {name: [] for name in keep}
        lines: list[int] = []
        part = 0

        def flush() -> None:
            nonlocal part
            if not lines:
                return
            table = pa.table(
                {
                    **{name: pa.array(values, pa.string()) for name, values in buffers.items()},
                    "file_no": pa.array([file_no] * len(lines), pa.int32()),
                    "line": pa.array(lines, pa.int64()),
                }
            )
            pq.write_table(table, out_dir / f"part-{file_no}-{part}.parquet")
            part += 1
            for values in buffers.values():
                values.clear()
            lines.clear()
            if progress:
                progress(read.rows_read)

        line = reader.line_num + 1
        short_last = False  # was the last row read too short? (a download cut off mid-row)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                read.rows_in += 1
                read.rejections.append(Problem(path.name, line, None, f"cannot be read as CSV ({exc})"))
                line = reader.line_num + 1
                short_last = False
                continue
            start, line = line, reader.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            read.rows_in += 1
            short_last = len(row) < width
            if len(row) != width:
                read.rejections.append(Problem(path.name, start, None, f"has {len(row)} fields, expected {width}"))
                continue
            for name, pos in index.items():
                value = row[pos].strip()
                buffers[name].append("" if value in EMPTY else value)
            for name in keep:
                if name not in index:
                    buffers[name].append("")
            lines.append(start)
            read.rows_read += 1
            if len(lines) >= CHUNK_ROWS:
                flush()
        flush()
    if short_last:
        last = read.rejections[-1]
        read.rejections[-1] = replace(
            last, reason=last.reason + " (the file ends inside this row: the download was cut off)"
        )
    return read
