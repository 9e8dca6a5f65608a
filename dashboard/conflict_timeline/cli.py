"""The ``conflict-timeline`` command: validate, export, synth, bench, gazetteer.

Data goes to stdout, messages to stderr; every command takes ``--data DIR``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from conflict_timeline.data.export import CONTROL_FORMATS, FORMATS, write_control_export, write_export
from conflict_timeline.data.load import Dataset, load_dataset, problems_page
from conflict_timeline.data.paths import ENV_VAR, DataDirError
from conflict_timeline.data.query import FilterSpec


class UsageError(Exception):
    """A bad argument; the message says what was expected."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; expected YYYY-MM-DD, e.g. 2020-09-27") from None


def _flatten(values: list[list[str]] | None) -> tuple[str, ...]:
    """--actor a b and --actor a --actor b both work (action=append + nargs=+)."""
    return tuple(v for group in values or [] for v in group)


def build_spec(args: argparse.Namespace, data: Dataset) -> FilterSpec:
    actors, types, verification = _flatten(args.actor), _flatten(args.type), _flatten(args.verification)
    unknown = sorted(set(actors) - set(data.actors.index))
    if unknown:
        known = ", ".join(sorted(data.actors.index))
        raise UsageError(f"unknown actor id(s): {', '.join(unknown)}. Known actor ids: {known}")
    unknown = sorted(set(types) - set(data.event_types.index))
    if unknown:
        raise UsageError(
            f"unknown event type(s): {', '.join(unknown)}. Known types: {', '.join(data.event_types.index)}"
        )
    allowed = data.profile.verifications  # 'reported' in an imported dataset
    unknown = sorted(set(verification) - set(allowed))
    if unknown:
        raise UsageError(f"unknown verification value(s): {', '.join(unknown)}. Expected: {', '.join(allowed)}")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError(f"--from {args.date_from} is after --to {args.date_to}")
    return FilterSpec(args.date_from, args.date_to, actors, types, verification, args.query or "")


def _progress(what: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{what}: {done:,} of {total:,} rows", end="" if what != "Ready" else "\n", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    data = load_dataset(args.dir or args.data, progress=_progress)
    out = sys.stdout
    print(f"Dataset {data.path} (version {data.version})", file=out)
    for name, n in data.counts.items():
        print(f"  {name:16} {n.rows_in:9,} rows: {n.accepted:,} accepted, {n.rejected:,} rejected", file=out)
    if data.ok:
        print(
            f"OK: {data.n_events:,} events, {len(data.actors):,} actors, {len(data.places):,} places, no problems.",
            file=out,
        )
        return 0
    print(f"{data.n_problems:,} problem(s):", file=out)
    for offset in range(0, data.n_problems, 10_000):
        for problem in problems_page(data, offset, 10_000):
            print(f"  {problem}", file=out)
    return 1


def cmd_export(args: argparse.Namespace) -> int:
    data = load_dataset(args.data, progress=_progress)
    if args.format in CONTROL_FORMATS:
        if not data.has_control:
            raise UsageError(f"the dataset at {data.path} has no control.csv, so there is no control to export")
        at = args.at or args.date_to or data.date_max or dt.date.today()
        written = write_control_export(data, at, args.format, sys.stdout)
        print(f"{written:,} tracked places as of {at} exported as {args.format}", file=sys.stderr)
        return 0
    if args.at:
        raise UsageError("--at goes with --format control-csv or control-geojson")
    spec = build_spec(args, data)
    written = write_export(data, spec, args.format, sys.stdout)
    print(f"{written:,} of {data.n_events:,} events exported as {args.format}", file=sys.stderr)
    if data.n_problems:
        rejected = sum(c.rejected for c in data.counts.values())
        print(
            f"note: the data has {data.n_problems:,} problem(s); {rejected:,} row(s) were set aside "
            f"(run `conflict-timeline validate` for the list)",
            file=sys.stderr,
        )
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    import json

    from conflict_timeline.data import versions

    result = versions.diff_specs(args.old, args.new)
    if args.json:
        payload = {
            "old_version": result.old_version,
            "new_version": result.new_version,
            "added": result.added,
            "changed": result.changed,
            "removed": result.removed,
        }
        print(json.dumps(payload, indent=1))
    else:
        print(f"{args.old} (version {result.old_version}) -> {args.new} (version {result.new_version})")
        print(result.summary)
        for event_id in result.added:
            print(f"  + {event_id}")
        for event_id, fields in result.changed.items():
            print(f"  ~ {event_id}: {', '.join(fields)}")
        for event_id in result.removed:
            print(f"  - {event_id}")
    if args.record:
        new = Path(args.new)
        if not new.is_dir():
            raise UsageError("--record writes versions.csv into NEW, which must then be a data directory")
        data = load_dataset(new)
        versions.record(new, result, dt.date.today().isoformat(), data.n_events)
        print(f"recorded version {result.new_version} in {new / versions.FILE}", file=sys.stderr)
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from conflict_timeline.tools.synth import write_acled_csv, write_synthetic

    if args.format == "acled":  # one CSV file in ACLED's export layout, for the importer
        path = write_acled_csv(args.out, args.events, seed=args.seed)
    else:
        path = write_synthetic(args.out, args.events, seed=args.seed, base=args.data)
    print(f"wrote {args.events:,} synthetic events to {path}", file=sys.stderr)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from conflict_timeline.tools.bench import run_bench

    return run_bench(
        sizes=args.sizes,
        runs=args.runs,
        base=args.data,
        load=args.load,
        datasets_dirs=args.datasets,
        import_acled=args.import_acled,
    )


def cmd_gazetteer(args: argparse.Namespace) -> int:
    from conflict_timeline.tools.gazetteer import main as gazetteer_main

    return gazetteer_main([*args.names, "--country", *args.country])


# --- compare (issue 9): match the events of two datasets -------------------------------------
def cmd_compare(args: argparse.Namespace) -> int:
    from conflict_timeline.data import compare

    days, km = compare.check_tolerances(args.days, args.km)
    a = load_dataset(args.data, progress=_progress)
    b = load_dataset(args.other, progress=_progress)
    out = Path(args.out).expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a directory for the four CSV files")
    if out in (a.path, b.path):
        raise UsageError(f"--out {out} is a data directory; the comparison goes into a directory of its own")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: the directory cannot be created ({exc.strerror})") from None
    result = compare.compare(a, b, out, days, km)
    for label, data in (("A", a), ("B", b)):
        if data.n_problems:
            print(
                f"note: {label} has {data.n_problems:,} problem(s); rows set aside are not compared "
                f"(conflict-timeline validate {data.path})",
                file=sys.stderr,
            )
    print(result.summary(str(a.path), str(b.path), days, km))
    print(f"  wrote {', '.join(p.name for p in result.files)} in {out}")
    return 0


def _add_compare(sub) -> None:
    from conflict_timeline.data.compare import DEFAULT_DAYS, DEFAULT_KM

    p = sub.add_parser("compare", help="match the events of two datasets: pairs with a score, A-only, B-only")
    p.add_argument("--data", metavar="A", default=None, help=f"dataset A (default: ${ENV_VAR}, else data/)")
    p.add_argument("--with", dest="other", metavar="B", required=True, help="dataset B, e.g. a UCDP import")
    p.add_argument("--days", default=str(DEFAULT_DAYS), metavar="N", help="days allowed beyond the dates' precision")
    p.add_argument("--km", default=str(DEFAULT_KM), metavar="K", help="kilometres between two places placed to a point")
    p.add_argument(
        "--out", required=True, metavar="DIR", help="writes matches.csv, a_only.csv, b_only.csv, per_month.csv"
    )
    p.set_defaults(func=cmd_compare)


# --- import (issue 9): ACLED / UCDP exports into a dataset directory ---------------------------
def cmd_import(args: argparse.Namespace) -> int:
    from conflict_timeline.importers import ImportFileError, import_files

    files = [Path(f).expanduser() for f in args.files]
    out = Path(args.out).expanduser().resolve()
    kind = args.format if args.format != "auto" else args.source
    try:
        report = import_files(kind, files, out, progress=_progress if sys.stderr.isatty() else None)
    except ImportFileError as exc:
        print(f"conflict-timeline import: error: {exc}", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    print(f"Open it: conflict-timeline validate --data {out}   ·   CONFLICT_TIMELINE_DATA={out} make run")
    return 0


def _add_import(sub) -> None:
    p = sub.add_parser("import", help="import ACLED or UCDP GED CSV exports into a dataset directory")
    p.add_argument("source", choices=("acled", "ucdp", "auto"), help="the source dataset (auto: read the header)")
    p.add_argument("files", nargs="+", metavar="FILE", help="CSV exports (overlapping ACLED files are fine)")
    p.add_argument("--out", required=True, metavar="DIR", help="the dataset directory to write")
    p.add_argument("--format", choices=("acled", "ucdp", "auto"), default="auto", help="overrides SOURCE")
    p.set_defaults(func=cmd_import)


def make_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        metavar="DIR",
        default=None,
        help=f"data directory (default: ${ENV_VAR}, else the repository's data/)",
    )
    parser = argparse.ArgumentParser(
        prog="conflict-timeline", description="Validate, query and export the conflict-timeline dataset."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", parents=[common], help="check the data files; exit 1 listing every problem")
    p.add_argument("dir", nargs="?", default=None, help="data directory (same as --data)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", parents=[common], help="write the filtered events to stdout")
    p.add_argument("--format", choices=(*FORMATS, *CONTROL_FORMATS), default="csv")
    p.add_argument(
        "--at", type=_date, metavar="YYYY-MM-DD", help="with control-csv/control-geojson: the day (default: --to)"
    )
    p.add_argument("--from", dest="date_from", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--actor", action="append", nargs="+", metavar="ID", help="actor id (includes its sub-actors)")
    p.add_argument("--type", action="append", nargs="+", metavar="TYPE", help="event type id")
    p.add_argument("--verification", action="append", nargs="+", metavar="V", help="confirmed, claimed or disputed")
    p.add_argument("--query", metavar="TEXT", help="text search (case- and accent-insensitive)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("diff", help="list events added, changed (which fields) and removed between two versions")
    p.add_argument("old", help="a data directory or a git revision (e.g. HEAD~5, a tag)")
    p.add_argument("new", help="a data directory or a git revision")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--record", action="store_true", help="append NEW's entry to NEW/versions.csv")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("synth", parents=[common], help="write a valid synthetic dataset for benchmarks")
    p.add_argument("--events", type=int, required=True)
    p.add_argument("--out", required=True, metavar="DIR", help="a directory (or, with --format acled, a CSV file)")
    p.add_argument("--seed", type=int, default=20200927)
    p.add_argument(
        "--format",
        choices=("dataset", "acled"),
        default="dataset",
        help="dataset: the project's own files; acled: one CSV in ACLED's 31-column export layout (invented rows)",
    )
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("bench", parents=[common], help="time the app (AppTest) on shipped and synthetic data")
    p.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--load", type=int, nargs="*", default=[], metavar="N", help="also time N sessions opening at once")
    p.add_argument("--datasets", nargs="*", default=[], metavar="DIR", help="also measure these data directories")
    p.add_argument(
        "--import-acled",
        type=int,
        nargs="*",
        default=[],
        metavar="N",
        help="also import a synthetic ACLED export of N rows (timed) and measure the result",
    )
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("gazetteer", parents=[common], help="look up place coordinates in GeoNames")
    p.add_argument("names", nargs="+")
    p.add_argument("--country", nargs="*", default=[])
    p.set_defaults(func=cmd_gazetteer)
    _add_compare(sub)
    _add_import(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `... | head`: the reader left; stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (UsageError, DataDirError, FileExistsError, ValueError) as exc:
        print(f"conflict-timeline {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
