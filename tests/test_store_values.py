"""The store keeps plain values: records round-trip field for field, a new field reaches the
output without code in the store, and an export holds only what the README documents."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from conftest import DATA, edit, generate
from typer.testing import CliRunner

from meetings_cli import schema, store
from meetings_cli.load import FileReader
from meetings_cli.model import RECORD_TYPES, DateSpan, from_plain, to_plain
from meetings_cli.paths import dataset_files, is_data_file

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("generated") / "data", 300)


def reads(root: Path) -> Iterator[Any]:
    for path in dataset_files(root):
        if is_data_file(path):
            yield from FileReader(path, path.relative_to(root).as_posix()).records()


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_every_record_is_rebuilt_from_its_stored_value_as_the_loader_built_it(
    which: str, generated: Path
) -> None:
    root = DATA if which == "bundled" else generated
    count = 0
    for read in reads(root):
        assert read.record is not None and read.value is not None, read.problems
        stored = json.loads(store.stored_value(read.value))  # as the store keeps it
        assert from_plain(type(read.record), stored) == read.record
        assert from_plain(type(read.record), to_plain(read.record)) == read.record
        count += 1
    assert count > (10 if which == "bundled" else 300)


def _pairs(spec: schema.Spec, kind: Any) -> Iterator[tuple[schema.Record, Any]]:
    """Each record spec with the model type that holds it, walking both together."""
    if isinstance(spec, schema.ListOf):
        yield from _pairs(spec.item, get_args(kind)[0])
    elif isinstance(spec, schema.Record) and kind is not DateSpan:
        yield spec, kind
        for name, field in spec.fields.items():
            annotation = kind.__annotations__[name]
            if get_origin(annotation) is not None and get_origin(annotation) is not tuple:
                annotation = next(a for a in get_args(annotation) if a is not type(None))
            yield from _pairs(field.spec, annotation)


@pytest.mark.parametrize("collection", sorted(schema.COLLECTIONS))
def test_every_field_the_schema_declares_is_a_field_of_its_record(collection: str) -> None:
    # from_plain and to_plain go by field name: a declared field the record lacks
    # would be dropped from the records every command reads.
    # `claims` is made from the prose fields (a list of claims, read as text), not declared.
    for spec, kind in _pairs(schema.COLLECTIONS[collection], RECORD_TYPES[collection]):
        made = {"claims"} if spec is schema.COLLECTIONS[collection] else set()
        assert set(spec.fields) == set(kind._fields) - made, spec.name


def test_the_database_holds_no_binary_value() -> None:
    db = store.open_dataset(DATA, use_cache=False)
    for table in ("records", "people", "events", "sources"):
        kinds = {k for (k,) in db.execute(f"SELECT DISTINCT typeof(value) FROM {table}")}
        assert kinds <= {"text", "null"}, table
    (record,) = db.execute("SELECT record FROM meetings LIMIT 1").fetchone()
    assert "\n" not in record and json.loads(record)["id"]  # compact JSON


# --------------------------------------------------------------------------- a new field


def _app() -> Any:
    try:
        from meetings_cli.app import app
    except ImportError:
        from meetings_cli.cli import app
    return app


def test_a_field_added_to_the_schema_reaches_show_json_with_no_code_in_the_store(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    venue = schema.Field(schema.Text("The building the talks were held in."), required=False)
    interpreter = schema.Field(schema.Text("Who interpreted."), required=False)
    monkeypatch.setitem(schema.MEETING.fields, "venue", venue)
    monkeypatch.setitem(schema.PARTICIPANT.fields, "interpreter", interpreter)
    meetings = data_copy / "meetings.yaml"
    edit(
        meetings,
        "    location: Moscow\n",
        "    venue: Patriot Park, hall 3\n    location: Moscow\n",
    )
    edit(
        meetings,
        "{person: sergei-shoigu, role: Minister of Defence of Russia}",
        "{person: sergei-shoigu, role: Minister of Defence of Russia, interpreter: A. Petrov}",
    )
    monkeypatch.delenv("MEETINGS_DATA", raising=False)
    result = CliRunner().invoke(
        _app(),
        ["--data", str(data_copy), "--no-cache", "show", "mcis2018-russia", "--json"],
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["venue"] == "Patriot Park, hall 3"
    shoigu = [p for p in shown["participants"] if p["id"] == "sergei-shoigu"]
    assert shoigu[0]["interpreter"] == "A. Petrov"
    assert shown["location"] == "Moscow"  # and the documented fields are as they were


# --------------------------------------------------------------------------- the export


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("export") / "meetings.db"
    db = store.open_dataset(DATA, use_cache=False)
    store.export(db, target)
    return target


def documented_tables() -> set[str]:
    """The tables named in the first column of the README's table of the export."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The compiled database: `meetings export`")[1].split("\n## ")[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            names.update(re.findall(r"`([a-z_]+)`", first))
    return names


def test_an_export_holds_exactly_the_documented_tables(exported: Path) -> None:
    with sqlite3.connect(exported) as db:
        rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if sql.startswith("CREATE VIRTUAL TABLE")]
    shadow = re.compile(rf"({'|'.join(virtual)})_(data|idx|content|docsize|config)")
    tables = {name for name, _ in rows if not shadow.fullmatch(name)}
    assert tables == documented_tables() == set(store.EXPORTED)


def cells(path: Path) -> Iterator[tuple[str, str, Any]]:
    with sqlite3.connect(path) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            columns = [row[1] for row in db.execute(f"PRAGMA table_info('{table}')")]
            for column in columns:
                for (value,) in db.execute(f'SELECT "{column}" FROM "{table}"'):
                    yield table, column, value


def test_no_column_of_an_export_holds_binary_data(exported: Path) -> None:
    with sqlite3.connect(exported) as db:
        tables = [
            name
            for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            if not sql.startswith("CREATE VIRTUAL TABLE")
            and not re.search(r"_(data|idx|content|docsize|config)$", name)
        ]
        for table in tables:
            for (column,) in db.execute(f"SELECT name FROM pragma_table_info('{table}')"):
                kinds = db.execute(f'SELECT DISTINCT typeof("{column}") FROM "{table}"').fetchall()
                assert ("blob",) not in kinds, f"{table}.{column}"


def test_the_json_columns_of_an_export_are_json(exported: Path) -> None:
    with sqlite3.connect(exported) as db:
        for table, column in (
            ("meetings", "record"), ("context", "record"), ("people", "value"),
            ("events", "value"), ("sources", "value"), ("disagreements", "claims"),
        ):  # fmt: skip
            sql = f"SELECT count(*) FROM {table} WHERE NOT json_valid(coalesce({column}, '0'))"
            bad = db.execute(sql).fetchone()
            assert bad == (0,), f"{table}.{column}"


def test_an_export_holds_no_path_of_the_exporters_computer(exported: Path) -> None:
    home = os.path.expanduser("~")
    forbidden = {str(DATA), str(DATA.resolve()), str(REPO), home}
    for table, column, value in cells(exported):
        if isinstance(value, str):
            assert not any(path in value for path in forbidden), f"{table}.{column}: {value[:80]}"
            assert not value.startswith("/"), f"{table}.{column}: {value[:80]}"
