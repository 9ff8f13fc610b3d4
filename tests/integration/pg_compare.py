#!/usr/bin/env python3
"""pg_compare.py — are two relations equal, one computed by DuckDB, one by PostgreSQL?

    pg_compare.py rows NAME DUCKDB_CSV POSTGRES_CSV [COLUMN=VALUE]
        The two CSV files (with a header) hold the same rows, in any order: the
        same columns in the same order; texts, dates and booleans equal; numbers
        within 1e-9 relative (1e-12 absolute near zero); timestamps equal to the
        microsecond. COLUMN=VALUE keeps only the DuckDB rows whose COLUMN is VALUE
        (one training snapshot out of all of them).

    pg_compare.py types DUCKDB_CSV POSTGRES_CSV
        Each CSV lists relation,column,type, DuckDB's from duckdb_columns(),
        PostgreSQL's from information_schema.columns. Each column must be of the
        same kind on both engines (a whole number, a fraction, a decimal, a text,
        a date, a timestamp, a truth value).

Prints what it compared; exits 1 with the first differences named
(relation, row, column, both values) when they are not equal.
"""
import csv
import datetime
import math
import re
import sys

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$")
NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-?(inf|nan|Infinity|NaN)$")


def cell(text):
    """A CSV cell as a comparable value: None, bool, float, datetime or str."""
    if text == "":
        return None
    if text in ("true", "t"):
        return True
    if text in ("false", "f"):
        return False
    if NUMBER.match(text):
        return float(text)
    if TIMESTAMP.match(text):
        return datetime.datetime.fromisoformat(text.replace("T", " "))
    return text


def sort_key(row):
    """Orders rows by every cell, numbers rounded so float noise does not reorder them."""
    key = []
    for value in row:
        if value is None:
            key.append((0, ""))
        elif isinstance(value, float):
            key.append((1, "%.6e" % value if math.isfinite(value) else str(value)))
        else:
            key.append((2, str(value)))
    return key


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or abs(a - b) <= max(1e-9 * max(abs(a), abs(b)), 1e-12)
    return a == b


def read(path, keep=None):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if keep is not None:
        column, value = keep.split("=", 1)
        index = header.index(column)
        body = [r for r in body if r[index] == value]
    return header, [[cell(c) for c in r] for r in body]


def compare_rows(name, duck_path, pg_path, keep=None):
    duck_header, duck = read(duck_path, keep)
    pg_header, pg = read(pg_path)
    if duck_header != pg_header:
        print(f"{name}: the columns differ:\n  duckdb   {duck_header}\n  postgres {pg_header}")
        return False
    if len(duck) != len(pg):
        print(f"{name}: {len(duck)} rows in DuckDB, {len(pg)} in PostgreSQL")
        return False
    duck.sort(key=sort_key)
    pg.sort(key=sort_key)
    differences = 0
    for r, (d, p) in enumerate(zip(duck, pg)):
        for c, (a, b) in enumerate(zip(d, p)):
            if not same(a, b):
                differences += 1
                if differences <= 5:
                    print(f"{name}: row {r + 1} (sorted), column {duck_header[c]}: "
                          f"DuckDB {a!r}, PostgreSQL {b!r}")
    cells = len(duck) * len(duck_header)
    print(f"{name}: {len(duck)} rows, {len(duck_header)} columns, "
          f"{cells - differences} of {cells} values equal")
    return differences == 0 and len(duck) > 0


DUCKDB_KINDS = [("DECIMAL", "decimal"), ("DOUBLE", "fraction"), ("FLOAT", "fraction"),
                ("TIMESTAMP", "timestamp"), ("DATE", "date"), ("BOOLEAN", "truth"),
                ("VARCHAR", "text"), ("HUGEINT", "whole"), ("BIGINT", "whole"),
                ("INTEGER", "whole"), ("SMALLINT", "whole")]
POSTGRES_KINDS = [("numeric", "decimal"), ("double precision", "fraction"), ("real", "fraction"),
                  ("timestamp", "timestamp"), ("date", "date"), ("boolean", "truth"),
                  ("text", "text"), ("character varying", "text"), ("bigint", "whole"),
                  ("integer", "whole"), ("smallint", "whole")]


def kind(type_name, kinds):
    for prefix, name in kinds:
        if type_name.startswith(prefix):
            return name
    return "unknown " + type_name


def compare_types(duck_path, pg_path):
    def columns(path, kinds):
        with open(path, newline="") as f:
            return {(r[0], r[1]): kind(r[2], kinds) for r in csv.reader(f)}
    duck, pg = columns(duck_path, DUCKDB_KINDS), columns(pg_path, POSTGRES_KINDS)
    ok = set(duck) == set(pg)
    if not ok:
        print("columns only in DuckDB:", sorted(set(duck) - set(pg)))
        print("columns only in PostgreSQL:", sorted(set(pg) - set(duck)))
    differing = [(k, duck[k], pg[k]) for k in sorted(set(duck) & set(pg)) if duck[k] != pg[k]]
    for (relation, column), a, b in differing:
        print(f"{relation}.{column}: a {a} in DuckDB, a {b} in PostgreSQL")
    print(f"types: {len(duck)} columns, {len(duck) - len(differing)} of the same kind")
    return ok and not differing and len(duck) > 0


def main(argv):
    if len(argv) >= 5 and argv[1] == "rows":
        return 0 if compare_rows(argv[2], argv[3], argv[4], argv[5] if len(argv) > 5 else None) else 1
    if len(argv) == 4 and argv[1] == "types":
        return 0 if compare_types(argv[2], argv[3]) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
