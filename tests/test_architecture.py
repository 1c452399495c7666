"""The package's imports run one way: model ← load ← store ← query … ← render ← cli.

Every import counts, at the top of a module, inside a function or under
TYPE_CHECKING: a layer may import its own layer or the ones below it, never one
above, and no chain of imports may lead back to where it started.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "meetings_cli"

#: Layers from the bottom up; a module may import only from its own layer or lower ones.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "paths", "dates", "verbatim"),  # standard-library helpers every layer may use
    ("model",),
    ("scripts", "names", "contract", "schema", "load", "compose", "wording", "recordbuild",
     "terms"),
    ("checks",),
    ("store", "store.cache", "store.tables", "store.derive", "store.reading", "store.compile",
     "store.opening", "store.export", "store.workers"),
    ("match", "query", "filters", "expansion", "grammar", "search", "report", "pairing"),
    ("render", "render.text", "render.blocks", "render.passages", "render.records",
     "render.formats", "render.views", "render.streamed"),
    ("render.draw", "render.evidence", "render.listings"),
    ("shell", "shell.typer_adapter", "shell.session", "shell.options", "shell.output",
     "shell.hints"),
    ("commands", "commands.lists", "commands.lookup", "commands.search", "commands.reports",
     "commands.data"),
    ("app", "__main__"),
)  # fmt: skip
LAYER_OF = {module: level for level, modules in enumerate(LAYERS) for module in modules}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_imports(path: Path) -> set[str]:
    """The package modules that path imports, as names relative to the package."""
    here = module_name(path).split(".")
    # The package a relative import starts from: a module's parent, a package itself.
    base = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            start = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            target = [*start, *(node.module.split(".") if node.module else [])]
            for alias in node.names:
                candidate = ".".join([*target, alias.name])
                name = candidate if candidate in LAYER_OF else ".".join(target)
                found.add(name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = (
                [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            )
            for full in filter(None, names):
                if full.startswith("meetings_cli."):
                    found.add(full.removeprefix("meetings_cli."))
    found.discard("")
    return found


@functools.cache  # one parse of the package for all the tests
def graph() -> dict[str, set[str]]:
    return {module_name(p): package_imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_has_a_layer() -> None:
    edges = graph()
    assert set(edges) - {""} <= set(LAYER_OF), "add new modules to LAYERS"
    imported = {name for names in edges.values() for name in names}
    assert imported <= set(LAYER_OF), f"imports of no known module: {imported - set(LAYER_OF)}"


@pytest.mark.parametrize("module", sorted(set(LAYER_OF)))
def test_no_module_imports_a_layer_above_its_own(module: str) -> None:
    imports = graph().get(module, set())
    upward = {name for name in imports if LAYER_OF.get(name, -1) > LAYER_OF[module]}
    assert not upward, f"{module} imports {sorted(upward)} from above its layer"


def test_there_is_no_import_cycle() -> None:
    edges = graph()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            cycle = " -> ".join((*path[path.index(module) :], module))
            raise AssertionError(f"import cycle: {cycle}")
        if module in done:
            return
        for name in edges.get(module, ()):
            visit(name, (*path, module))
        done.add(module)

    for module in edges:
        visit(module, ())


def test_the_checker_sees_imports_inside_functions() -> None:
    # Commands import almost everything inside their functions: the test must see those.
    assert {"store", "query", "render.views", "filters"} <= graph()["commands.lists"]
    assert "render.blocks" in graph()["render.draw"]


def test_no_module_is_over_800_lines() -> None:
    long = {
        module_name(p): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800
    }
    assert not long, f"split these modules: {long}"


def test_private_typer_modules_are_reached_only_through_the_adapter() -> None:
    reaching = {
        module_name(p)
        for p in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for name in (
            [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
        )
        if name and name.startswith("typer._")
    }
    assert reaching == {"shell.typer_adapter"}


def test_command_modules_hold_no_sql() -> None:
    words = ("SELECT ", "INSERT ", "DELETE ", ".execute(")
    for path in (PACKAGE / "commands").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not [w for w in words if w in text], f"{path.name} holds SQL: move it below"


def test_no_command_helper_raises_typer_exit() -> None:
    # Helpers raise the project's exceptions; only the app turns them into exits.
    for path in PACKAGE.rglob("*.py"):
        if module_name(path) not in ("app",):
            assert "typer.Exit" not in path.read_text(encoding="utf-8"), path.name
