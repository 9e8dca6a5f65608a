"""Files opened in the app (an ACLED or UCDP CSV, or a zip of a dataset directory), kept apart.

An upload is never written into the data directory. Its bytes are stored under the cache
directory keyed by their hash (so only someone holding the same bytes reaches the same dataset),
imported or unpacked there, and compiled like any dataset. Bounds keep one visitor from filling
the machine: a size limit, a number of compiles at once, a disk quota, an expiry; a zip may not
write outside its folder, hold links, or expand beyond a bound.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from conflict_timeline.data.paths import DATA_FILES, DataDirError, check_data_dir
from conflict_timeline.data.store import Progress, cache_root, open_store
from conflict_timeline.importers import ImportFileError, detect_format, import_files

MB = 1 << 20


def _setting(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


def limit_bytes() -> int:
    return int(_setting("CONFLICT_TIMELINE_UPLOAD_MB", 100) * MB)


def quota_bytes() -> int:
    return int(_setting("CONFLICT_TIMELINE_UPLOAD_QUOTA_MB", 2048) * MB)


def expiry_seconds() -> float:
    return _setting("CONFLICT_TIMELINE_UPLOAD_HOURS", 24) * 3600


ZIP_MEMBERS = 64
ZIP_SUFFIXES = {".csv", ".json", ".txt", ".md"}
INFO = "upload.json"
# One compile at a time per process: a large upload must not starve every other viewer.
_COMPILES = threading.BoundedSemaphore(int(_setting("CONFLICT_TIMELINE_UPLOAD_COMPILES", 1)))


class UploadError(Exception):
    """The upload cannot be opened; the message says why, in plain words."""


@dataclass
class Upload:
    path: Path  # the dataset directory
    name: str  # the file name as uploaded
    report: list[str]


@cache
def _process_root() -> Path:
    return Path(tempfile.mkdtemp(prefix="conflict-timeline-uploads-"))


def upload_root() -> Path:
    root = cache_root()
    return (root / "uploads") if root is not None else _process_root()


def is_upload(path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(upload_root().resolve())
    except OSError:
        return False


def upload_name(path: Path) -> str:
    try:
        return json.loads((path.parent / INFO).read_text(encoding="utf-8"))["name"]
    except (OSError, ValueError, KeyError):
        return path.parent.name[:12]


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def _drop(folder: Path) -> None:
    """Remove an upload and the compiled stores made from it."""
    data = (folder / "data").resolve()
    root = cache_root()
    if root is not None and root.is_dir():
        for meta in root.glob("store-*/meta.json"):
            try:
                if Path(json.loads(meta.read_text())["data_path"]).resolve().is_relative_to(data):
                    shutil.rmtree(meta.parent, ignore_errors=True)
            except (OSError, ValueError, KeyError):
                continue
    shutil.rmtree(folder, ignore_errors=True)


def prune(incoming: int = 0, keep: Path | None = None, now: float | None = None) -> None:
    """Drop expired uploads, then the oldest, until ``incoming`` more bytes fit in the quota."""
    root = upload_root()
    if not root.is_dir():
        return
    now = now if now is not None else time.time()
    folders = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for folder in list(folders):
        if folder != keep and now - folder.stat().st_mtime > expiry_seconds():
            _drop(folder)
            folders.remove(folder)
    used = sum(_size(f) for f in folders)
    for folder in folders:
        if used + incoming <= quota_bytes():
            break
        if folder == keep:
            continue
        used -= _size(folder)
        _drop(folder)
    if used + incoming > quota_bytes():
        raise UploadError("The space kept for uploads is full; try again later, or import from the command line.")


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", PurePosixPath(name.replace("\\", "/")).name).strip("._") or "upload"
    return stem[:80]


def extract_zip(payload: Path, dest: Path) -> None:
    """Unpack a zip of a dataset directory: plain files only, inside ``dest``, within bounds."""
    try:
        archive = zipfile.ZipFile(payload)
    except zipfile.BadZipFile:
        raise UploadError("This .zip file cannot be read (it is damaged or not a zip).") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > ZIP_MEMBERS:
            raise UploadError(f"The zip holds {len(members)} files; a dataset has at most {ZIP_MEMBERS}.")
        budget = 10 * limit_bytes()
        for member in members:
            parts = PurePosixPath(member.filename.replace("\\", "/")).parts
            if member.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise UploadError(f"The zip entry {member.filename[:80]!r} would be written outside its folder.")
            if stat.S_ISLNK(member.external_attr >> 16):
                raise UploadError(f"The zip entry {member.filename[:80]!r} is a link; only plain files are read.")
        dest.mkdir(parents=True)
        for member in members:
            parts = PurePosixPath(member.filename.replace("\\", "/")).parts
            if PurePosixPath(parts[-1]).suffix.lower() not in ZIP_SUFFIXES or parts[-1].startswith("."):
                continue  # not part of a dataset (e.g. __MACOSX, .DS_Store): skipped
            if len(parts) > 2:
                raise UploadError("The zip must hold the dataset's files at its top level or in one folder.")
            target = dest / parts[-1]
            if target.exists():
                raise UploadError(f"The zip holds two files named {parts[-1]!r}.")
            with archive.open(member) as src, target.open("wb") as out:
                while block := src.read(1 << 20):  # count real bytes: a header's size can lie
                    budget -= len(block)
                    if budget < 0:
                        raise UploadError(
                            f"The zip expands to more than {10 * limit_bytes() // MB:,} MB; it is refused."
                        )
                    out.write(block)


def open_upload(name: str, payload: bytes, progress: Progress | None = None) -> Upload:
    """Store, import or unpack, and compile an uploaded file; raises UploadError saying why not."""
    if len(payload) > limit_bytes():
        raise UploadError(
            f"This file is {len(payload) / MB:,.1f} MB; uploads are limited to {limit_bytes() / MB:,.0f} MB here. "
            "Import it with `conflict-timeline import` on your own machine instead."
        )
    if not payload:
        raise UploadError("The file is empty.")
    digest = hashlib.sha256(payload).hexdigest()
    folder = upload_root() / digest[:32]
    data = folder / "data"
    if not _COMPILES.acquire(timeout=0.5):
        raise UploadError("Another upload is being prepared on this server; try again in a minute.")
    try:
        if not ((data / "events.csv").is_file() and (folder / INFO).is_file()):
            prune(incoming=3 * len(payload))
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, mode=0o700)
            try:
                _prepare(name, payload, folder, data, progress)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
        os.utime(folder)  # in use: the expiry counts from the last opening
        try:
            check_data_dir(data)
        except DataDirError as exc:
            raise UploadError(f"The zip is not a dataset directory: {str(exc).split(' lacks ')[-1]}") from None
        open_store(data, progress=progress)
    finally:
        _COMPILES.release()
    report_file = data / "import-report.txt"
    report = report_file.read_text(encoding="utf-8").splitlines() if report_file.is_file() else []
    return Upload(data, json.loads((folder / INFO).read_text(encoding="utf-8"))["name"], report)


def _prepare(name: str, payload: bytes, folder: Path, data: Path, progress: Progress | None) -> None:
    source = folder / "source"
    source.mkdir()
    stored = source / _safe_name(name)
    stored.write_bytes(payload)
    if zipfile.is_zipfile(stored):
        extract_zip(stored, data)
        if not (data / "events.csv").is_file():
            # a zip of ACLED or UCDP exports rather than of a dataset: import them
            files = sorted(data.glob("*.csv"))
            if not files:
                raise UploadError(f"The zip holds no dataset ({', '.join(DATA_FILES)}) and no CSV export.")
            staged = folder / "exports"
            data.rename(staged)
            _import(sorted(staged.glob("*.csv")), data, progress)
    else:
        _import([stored], data, progress)
    (folder / INFO).write_text(json.dumps({"name": name[:200], "sha256_prefix": folder.name}), encoding="utf-8")


def _import(files: list[Path], data: Path, progress: Progress | None) -> None:
    try:
        for path in files:
            detect_format(path)
        import_files("auto", files, data, progress=progress)
    except ImportFileError as exc:
        raise UploadError(str(exc)) from None
