"""Property tests: random command lines and randomly damaged data never crash `meetings`."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import DATA, damage, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings_cli.app import main_status
from meetings_cli.errors import DataError
from meetings_cli.store import load_dataset

WORDS = [
    "list", "show", "who", "people", "search", "timeline", "graph", "events", "sources",
    "stats", "audit", "context", "validate", "schema", "--json", "--format", "-f", "json",
    "jsonl", "csv", "table", "dot", "mermaid", "--year", "-y", "2018", "2019", "0", "-1",
    "99999999999999999999", "--from", "--to", "2018-04", "2018-02-30", "--country", "Russia",
    "--event", "mcis-2018", "--kind", "bilateral-talks", "--topic", "syria", "--person",
    "Shoigu", "Шойгу", "حاتمی", "--limit", "--explain", "--ascii", "--color", "always",
    "never", "--no-cache", "mcis2018-russia", "--", "-", "=", "--year=2018", "-h", "--help",
    "--version", "[bold]x[/bold]", "\x1b[31m", "",
]  # fmt: skip
UNSAFE = {"--install-completion", "--show-completion", "--svg", "--html"}

arguments = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=7).filter(
    lambda argv: not UNSAFE.intersection(argv)
)


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(argv=arguments)
def test_random_command_lines_never_crash(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    full = ["--data", str(DATA), *argv]
    code = main_status(full)  # an unexpected exception here fails the test with its traceback
    assert code in (0, 1, 2)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err


DAMAGE = st.sampled_from([*":-[]{}&*!|>'\"#%@`?,\n\t \\", "NO", "0123", "<<", "---", "~"])


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(["meetings.yaml", "people.yaml", "sources.yaml", "events.yaml"]))
    return name, damage(draw, (DATA / name).read_text(encoding="utf-8"), DAMAGE, st.integers(1, 4))


PROBLEM_LINE = re.compile(r"^[^\n]+?(:\d+:\d+)?: .+$")


# Each damaged dataset is a whole load of the bundled data: a tenth of a second.
@settings(max_examples=examples(150), deadline=None)
@given(change=damaged())
def test_damaged_data_is_loaded_or_explained(change: tuple[str, str]) -> None:
    name, text = change
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        shutil.copytree(DATA, root)
        (root / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_dataset(root)
        except DataError as error:
            assert error.problems
            for line in error.lines():
                assert "\n" not in line and PROBLEM_LINE.match(line), line
