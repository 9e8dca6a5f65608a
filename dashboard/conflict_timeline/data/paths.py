"""Where the data lives, and the dataset version (a content hash of the data files)."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

ENV_VAR = "CONFLICT_TIMELINE_DATA"
DATA_FILES = ("events.csv", "sources.csv", "actors.csv", "places.csv", "eras.csv", "event_types.csv")
OPTIONAL_FILES = ("control.csv", "sides.csv")  # part of the version when present
# an imported dataset's provenance counts too, less its import date (see profile.py)
PROVENANCE = "provenance.json"

# dashboard/conflict_timeline/data/paths.py -> repository root
REPO_ROOT = Path(__file__).resolve().parents[3]


class DataDirError(Exception):
    """The data directory is missing or incomplete; the message names what is missing."""


def default_data_dir() -> Path:
    return REPO_ROOT / "data"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--data DIR`` wins, then $CONFLICT_TIMELINE_DATA, then the repository's data/.

    Read at call time (never frozen at import) so tests and the app can switch datasets.
    """
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def check_data_dir(path: Path) -> None:
    if not path.exists():
        raise DataDirError(f"data directory not found: {path}")
    if not path.is_dir():
        raise DataDirError(f"data path is not a directory: {path}")
    missing = [name for name in DATA_FILES if not (path / name).is_file()]
    if missing:
        raise DataDirError(f"data directory {path} lacks {', '.join(missing)} (expected: {', '.join(DATA_FILES)})")


def dataset_version(path: Path) -> str:
    """A short content hash of the data files: equal data, equal version, wherever it lives.

    Hashing a million events' files takes a while, and every run of the app asks: the hash is
    reused while no file's size, modification time or inode has changed.
    """
    signature = []
    for name in (*DATA_FILES, *OPTIONAL_FILES, PROVENANCE):
        try:
            info = (path / name).stat()
            signature.append((name, info.st_size, info.st_mtime_ns, info.st_ino))
        except OSError:
            signature.append((name, None, None, None))
    return _content_hash(path, tuple(signature))


@lru_cache(maxsize=64)
def _content_hash(path: Path, signature: tuple) -> str:
    digest = hashlib.sha256()
    for name in (*DATA_FILES, *OPTIONAL_FILES):
        if name in OPTIONAL_FILES and not (path / name).exists():
            continue  # an absent optional file leaves the version as it was before the file existed
        digest.update(name.encode())
        try:
            with (path / name).open("rb") as handle:  # in blocks: a 10,000,000-event file is 2.2 GB
                for block in iter(lambda handle=handle: handle.read(1 << 22), b""):
                    digest.update(block)
        except FileNotFoundError:
            digest.update(b"\0absent")
        except OSError as exc:  # unreadable: validation names it; the version still exists
            digest.update(f"\0unreadable {exc.errno}".encode())
    from conflict_timeline.data.profile import provenance_fingerprint  # profile imports schema (heavy)

    fingerprint = provenance_fingerprint(path)
    if fingerprint is not None:
        digest.update(PROVENANCE.encode())
        digest.update(fingerprint)
    return digest.hexdigest()[:12]
