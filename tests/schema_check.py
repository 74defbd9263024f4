#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Validate mapbench records against schema/*.schema.json.

usage: schema_check.py [--schema-dir DIR] KIND FILE...

KIND is run, matrix, kernel-check, doctor or explain-csv.  A FILE is JSON
(one document), JSON Lines (one record a line) or, for explain-csv, the
CSV.  Prints one line per file ("ok KIND FILE: N records") and exits 0;
on the first record that fails, prints one line naming the file, the line,
the JSON path and the problem, and exits 1 (2: usage, unreadable schema).

Debian's python3-jsonschema (bookworm: 4.10), Draft202012Validator, no
format checking.  One process validates any number of files.
"""

import csv
import json
import os
import sys

import jsonschema

KINDS = ("run", "matrix", "kernel-check", "doctor", "explain-csv")
HERE = os.path.dirname(os.path.abspath(__file__))
INT_COLUMN_TYPES = ("integer",)


def load_schemas(sdir):
    """Every schema in sdir, by file name and by $id."""
    store = {}
    for name in sorted(os.listdir(sdir)):
        if not name.endswith(".schema.json"):
            continue
        with open(os.path.join(sdir, name), encoding="utf-8") as f:
            s = json.load(f)
        jsonschema.Draft202012Validator.check_schema(s)
        store[name] = s
    return store


def validator(store, kind):
    schema = store[kind + ".schema.json"]
    by_id = {s["$id"]: s for s in store.values()}
    try:
        # jsonschema >= 4.18: the referencing library
        import referencing
        from referencing.jsonschema import DRAFT202012
        reg = referencing.Registry().with_resources(
            (i, DRAFT202012.create_resource(s)) for i, s in by_id.items())
        return jsonschema.Draft202012Validator(schema, registry=reg)
    except ImportError:
        res = jsonschema.RefResolver.from_schema(schema, store=by_id)
        return jsonschema.Draft202012Validator(schema, resolver=res)


def message(err):
    """The error's message, an instance quoted in it cut short."""
    m = err.message
    return m if len(m) <= 160 else m[:120] + " ... " + m[-35:]


def path_of(err):
    p = "$"
    for k in err.absolute_path:
        p += "[%d]" % k if isinstance(k, int) else "." + str(k)
    return p


def first_error(v, doc):
    """The deepest error of the first failing branch, or None."""
    best = None
    for e in v.iter_errors(doc):
        while e.context:
            # oneOf/anyOf: the branch that got furthest says most
            e = max(e.context, key=lambda c: len(c.absolute_path))
        if best is None or len(e.absolute_path) > len(best.absolute_path):
            best = e
    return best


def json_records(path):
    """(line, record) of a JSON document or of JSON Lines."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        yield 1, json.loads(text)
        return
    except ValueError:
        pass
    for n, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield n, json.loads(line)


def csv_doc(path, schema):
    """{header, rows} of an explain CSV; integer columns read as ints."""
    props = schema["$defs"]["row"]["properties"]
    ints = set()
    for name, p in props.items():
        t = p.get("type")
        ref = p.get("$ref", "")
        if ref:
            t = schema["$defs"][ref.split("/")[-1]].get("type")
            if "enum" in schema["$defs"][ref.split("/")[-1]]:
                t = "integer"
        if t in INT_COLUMN_TYPES:
            ints.add(name)
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return {"rows": []}
    header, rows_out = rows[0], []
    for cells in rows[1:]:
        row = {}
        for i, cell in enumerate(cells):
            name = header[i] if i < len(header) else "column%d" % (i + 1)
            if name in ints and cell.lstrip("-").isdigit():
                cell = int(cell)
            row[name] = cell
        rows_out.append(row)
    return {"header": header, "rows": rows_out}


def main(argv):
    sdir = os.path.join(os.path.dirname(HERE), "schema")
    if len(argv) > 2 and argv[1] == "--schema-dir":
        sdir = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) < 3 or argv[1] not in KINDS:
        print("usage: schema_check.py [--schema-dir DIR] {%s} FILE..."
              % "|".join(KINDS), file=sys.stderr)
        return 2
    kind, files = argv[1], argv[2:]
    try:
        store = load_schemas(sdir)
        v = validator(store, kind)
    except (OSError, ValueError, KeyError,
            jsonschema.exceptions.SchemaError) as e:
        print("schema_check: %s: %s" % (sdir, e), file=sys.stderr)
        return 2
    total = 0
    for path in files:
        n = 0
        try:
            if kind == "explain-csv":
                doc = csv_doc(path, store[kind + ".schema.json"])
                docs = [(1, doc)]
                n = len(doc["rows"])
            else:
                docs = json_records(path)
            for line, doc in docs:
                e = first_error(v, doc)
                if e is not None:
                    if kind == "explain-csv":
                        p = list(e.absolute_path)
                        line = p[1] + 2 if len(p) > 1 and p[0] == "rows" \
                            else 1
                    print("FAIL %s %s:%d: %s: %s" % (kind, path, line,
                                                     path_of(e), message(e)))
                    return 1
                if kind != "explain-csv":
                    n += 1
        except (OSError, ValueError) as e:
            print("FAIL %s %s: %s" % (kind, path, e))
            return 1
        if n == 0:
            print("FAIL %s %s: no records" % (kind, path))
            return 1
        print("ok %s %s: %d record%s" % (kind, path, n, "" if n == 1 else "s"))
        total += n
    print("schema_check: %s: %d file%s, %d records valid"
          % (kind, len(files), "" if len(files) == 1 else "s", total))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
