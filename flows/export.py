"""`sitrep export`: the published warehouse in the shapes of the reference datasets.

- `acled`: a CSV shaped like ACLED's event data (one row per day, place, actor and sub-event
  type; Explosions/Remote violence with Air/drone strike or Shelling/artillery/missile
  attack; fatalities from the conservative `low` figure);
- `missile-attacks`: a CSV shaped like the public tables of Ukrainian Air Force reports
  (time_start, time_end, model, launch_place, target, launched, destroyed, source);
- `parquet`: every published table and view as `OUT/<name>.parquet`.

The published file is opened read-only and only for the export, so a scheduled run is not
held up (it never writes that file in place anyway). Files are written beside their final
name and renamed into place, so a reader never sees half an export. The queries live in
`sql/export/`; the columns are documented in docs/events.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.settings import load_settings
from flows.warehouse import SQL_DIR, read_sql

COMMANDS = ("export",)
FORMATS = ("acled", "missile-attacks", "parquet")
QUERIES = {"acled": "export/acled.sql", "missile-attacks": "export/missile_attacks.sql"}
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class ExportResult:
    """What one export wrote: files and rows per file."""

    fmt: str
    paths: tuple[Path, ...]
    rows: dict[str, int]


def _published_objects(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() "
        "where database_name = current_database() and schema_name = 'main' "
        "union all "
        "select view_name from duckdb_views() "
        "where database_name = current_database() and schema_name = 'main' and not internal "
        "order by 1").fetchall()
    return [str(r[0]) for r in rows]


def export_csv(con: duckdb.DuckDBPyConnection, fmt: str, out: Path,
               sql_dir: Path = SQL_DIR) -> ExportResult:
    """Write one of the CSV shapes (`acled`, `missile-attacks`) to the file `out`."""
    relation = con.sql(read_sql(QUERIES[fmt], sql_dir))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    relation.write_csv(str(tmp), header=True)
    os.replace(tmp, out)
    count = relation.aggregate("count(*)").fetchall()[0]
    return ExportResult(fmt, (out,), {out.name: int(count[0]) if count else 0})


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: Path) -> ExportResult:
    """Write every published table and view to `out_dir/<name>.parquet`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    rows: dict[str, int] = {}
    for name in _published_objects(con):
        final = out_dir / f"{name}.parquet"
        tmp = out_dir / f".{name}.parquet.tmp"
        relation = con.table(name)  # names come from the catalog, not from the user
        relation.write_parquet(str(tmp))
        os.replace(tmp, final)
        paths.append(final)
        count = relation.aggregate("count(*)").fetchall()[0]
        rows[final.name] = int(count[0]) if count else 0
    return ExportResult("parquet", tuple(paths), rows)


def export(warehouse: Path, fmt: str, out: Path, sql_dir: Path = SQL_DIR) -> ExportResult:
    """Export the published warehouse `warehouse` in format `fmt` to `out` (file or folder)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    if not warehouse.is_file():
        raise FileNotFoundError(f"no published warehouse at {warehouse}")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if fmt == "parquet":
            return export_parquet(con, out)
        return export_csv(con, fmt, out, sql_dir)


# --------------------------------------------------------------------------- command line


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `sitrep export` to the CLI's subcommands."""
    parser = sub.add_parser(
        "export", help="write the published warehouse as ACLED-like or Air Force-like CSV, "
                       "or as Parquet")
    parser.add_argument("--format", dest="fmt", required=True, choices=FORMATS,
                        help="acled and missile-attacks write one CSV file; parquet writes "
                             "one file per published table or view into the folder OUT")
    parser.add_argument("out", type=Path, help="the CSV file, or the folder for parquet")
    parser.add_argument("--warehouse", type=Path,
                        help="published DuckDB file (default: $SITREP_WAREHOUSE or "
                             "warehouse/warehouse.duckdb)")


def main(args: argparse.Namespace) -> int:
    """Run `sitrep export`; exit 0 written, 1 nothing published or unreadable, 2 bad usage."""
    warehouse = load_settings().with_overrides(warehouse=args.warehouse).warehouse_path
    if args.fmt != "parquet" and args.out.is_dir():
        print(f"sitrep export: {args.out} is a folder; --format {args.fmt} writes one CSV file",
              file=sys.stderr)
        return EXIT_USAGE
    if args.fmt == "parquet" and args.out.exists() and not args.out.is_dir():
        print(f"sitrep export: {args.out} is a file; --format parquet writes a folder",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        result = export(warehouse, args.fmt, args.out)
    except FileNotFoundError as exc:
        print(f"sitrep export: {exc} (run `sitrep run` first)", file=sys.stderr)
        return EXIT_FAILED
    except duckdb.Error as exc:
        print(f"sitrep export: cannot read {warehouse}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for name, n in result.rows.items():
        print(f"{n} rows  {args.out / name if args.fmt == 'parquet' else args.out}")
    return EXIT_OK
