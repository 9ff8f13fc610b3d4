#!/usr/bin/python3
"""dbt_render.py — the dbt project rendered as dbt would, with Jinja2, for PostgreSQL.

    dbt_render.py ROOT AS_OF DATA_AS_OF > script.sql

dbt itself cannot be installed where Tenure is built (no PyPI), so this stands
in for `dbt build` against a postgres target, as far as rendering goes: it
reads ROOT/dbt_project.yml and the sources.yml of its model paths (every
source() a model calls must be declared there), loads the project's macros
(dbt/macros) into a real Jinja2 environment, and renders every model and enabled singular test
with dbt's ref(), source(), var(), return() and adapter.dispatch() (the
postgres__ implementation, else default__). dbt's own cross-database macros
that the project's macros fall back to are given as dbt-postgres writes them
(dbt.datediff: `((second)::date - (first)::date)` for days).

The script makes the schemas staging and marts afresh (views and tables as the
project configures them), then selects, for each enabled test, how many rows
break it. Training models (tag training) are left out, as in
`dbt build --exclude tag:training`. It does not prove dbt runs the project;
it proves the project's Jinja, macros and configuration render to SQL that
PostgreSQL runs, whose results test_postgres.sh compares with Tenure's own.
"""
import os
import re
import sys

import jinja2
import yaml


def topological(names, deps):
    """Models in dependency order, ties by name (as Tenure orders them)."""
    done, order = set(), []

    def visit(name, path=()):
        if name in done:
            return
        if name in path:
            raise SystemExit("dbt_render: ref() cycle through " + name)
        for dep in sorted(deps[name]):
            visit(dep, path + (name,))
        done.add(name)
        order.append(name)

    for name in sorted(names):
        visit(name)
    return order


class Dispatcher:
    """adapter.dispatch(name, namespace): postgres__name, else default__name."""

    def __init__(self, macros):
        self.macros = macros

    def dispatch(self, name, namespace=None):
        for candidate in ("postgres__" + name, "default__" + name):
            if candidate in self.macros:
                return self.macros[candidate]
        raise SystemExit(f"dbt_render: no postgres__{name} or default__{name}")


class DbtMacros:
    """The dbt.* cross-database macros the project falls back to, as dbt-postgres renders them."""

    @staticmethod
    def datediff(first_date, second_date, datepart):
        if datepart != "day":
            raise SystemExit("dbt_render: only datediff by day is emulated")
        return f"(({second_date})::date - ({first_date})::date)"

    @staticmethod
    def dateadd(datepart, interval, from_date):
        return f"{from_date} + ((interval '1 {datepart}') * ({interval}))"

    @staticmethod
    def hash(field):
        return f"md5(cast({field} as varchar))"


def main(argv):
    root, as_of, data_as_of = argv[1], argv[2], argv[3]
    project = yaml.safe_load(open(os.path.join(root, "dbt_project.yml")))
    model_config = project["models"]["tenure"]
    disabled_tests = {name for name, config in project.get("tests", {}).get("tenure", {}).items()
                      if isinstance(config, dict) and config.get("+enabled") is False}
    variables = {"as_of": as_of, "data_as_of": data_as_of}

    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    macros = {}
    declared = set()  # (source, table) of the sources.yml files in the model paths
    for path in project["model-paths"]:
        for file in sorted(os.listdir(os.path.join(root, path))):
            if file.endswith(".yml"):
                for source in yaml.safe_load(open(os.path.join(root, path, file))).get("sources", []):
                    declared.update((source["name"], table["name"]) for table in source["tables"])
    if not declared:
        raise SystemExit("dbt_render: no sources.yml in the model paths declares a source")

    def source(name, table):
        if (name, table) not in declared:
            raise SystemExit(f"dbt_render: source('{name}', '{table}') is not declared in sources.yml")
        return f"{name}.{table}"

    def var(name):
        if name not in variables:
            raise SystemExit(f"dbt_render: Required var '{name}' not found")
        return variables[name]

    def config_of(name, key):
        specific = model_config.get(name, {})
        return specific.get("+" + key, model_config.get("+" + key))

    env.globals.update({
        "var": var,
        "return": lambda value: value,
        "adapter": Dispatcher(macros),
        "dbt": DbtMacros,
        "target": {"schema": "public"},
        "source": source,
        "ref": lambda name: f"{config_of(name, 'schema')}.{name}",
    })
    for path in project["macro-paths"]:
        for file in sorted(os.listdir(os.path.join(root, path))):
            module = env.from_string(open(os.path.join(root, path, file)).read()).module
            for name in dir(module):
                if not name.startswith("_"):
                    macros[name] = getattr(module, name)
    env.globals.update(macros)

    models = {}
    for path in project["model-paths"]:
        for file in sorted(os.listdir(os.path.join(root, path))):
            name, extension = os.path.splitext(file)
            if extension == ".sql" and "training" not in (config_of(name, "tags") or []):
                models[name] = open(os.path.join(root, path, file)).read()
    deps = {name: set(re.findall(r"ref\('([^']+)'\)", text)) & set(models)
            for name, text in models.items()}

    out = ["DROP SCHEMA IF EXISTS staging CASCADE;", "CREATE SCHEMA staging;",
           "DROP SCHEMA IF EXISTS marts CASCADE;", "CREATE SCHEMA marts;"]
    for name in topological(models, deps):
        kind = "VIEW" if config_of(name, "materialized") == "view" else "TABLE"
        sql = env.from_string(models[name]).render()
        out.append(f"CREATE {kind} {config_of(name, 'schema')}.{name} AS\n{sql}\n;")
    for path in project["test-paths"]:
        for file in sorted(os.listdir(os.path.join(root, path))):
            name = os.path.splitext(file)[0]
            if name in disabled_tests:
                continue
            sql = env.from_string(open(os.path.join(root, path, file)).read()).render()
            out.append(f"SELECT '{name}' AS test, count(*) AS failing FROM (\n{sql}\n) AS broken;")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
