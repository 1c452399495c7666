"""Issue 22, item 5: `pairs` and `graph` are written as they are made, never all held at once.

The pairs are compared with a plain computation from `list --json` on datasets
made to reach every path: pairs met more than once (grouped by SQLite), people
with one name (merged in order), alternative readings of a seat (listed before
and after others), disputed participants. Memory is checked by structure: the
largest allocation while writing a crowd's pairs is a small part of the output.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, REPO, Invoke

from meetings_cli.contract import compact
from meetings_cli.query import Selection
from meetings_cli.render import formats, streamed
from meetings_cli.store import open_dataset

# --------------------------------------------------------------------------- datasets


def person_lines(pid: str, name: str) -> list[str]:
    return [
        f"  - id: {pid}",
        f"    name: {name}",
        f"    short_name: {name.split()[-1]}",
        "    country: Chad",
        "    role: Delegate",
        f"    spellings: [{name}]",
    ]


def meeting_lines(mid: str, day: str, seats: list[tuple[str, str | None, bool]]) -> list[str]:
    lines = [
        f"  - id: {mid}",
        "    title: Talks",
        f"    date: {{day: {day}, basis: stated, how: Said.}}",
        "    location: Moscow",
        "    kind: multilateral-talks",
        "    participants:",
    ]
    for pid, seat, disputed in seats:
        extra = (f", seat: {seat}" if seat else "") + (", sources: [crowd]" if disputed else "")
        lines.append(f"      - {{person: {pid}, role: Delegate{extra}}}")
    lines += ["    topics: [regional-security]", "    summary: They met.", "    quotes: []"]
    return [*lines, "    sources: [crowd]"]


def write_dataset(root: Path, people: dict[str, str], meetings: list[list[str]]) -> Path:
    """The bundled data plus people (id -> name) and meetings (their YAML lines)."""
    shutil.copytree(DATA, root)
    extra = root / "extra"
    extra.mkdir()
    (root / "sources" / "crowd.txt").write_text(
        "They met. " + " ".join(sorted(set(people.values()))) + "\n", encoding="utf-8"
    )
    (extra / "sources.yaml").write_text(
        "sources:\n  - {id: crowd, file: sources/crowd.txt, outlet: Wire, title: Crowd}\n",
        encoding="utf-8",
    )
    lines = ["people:", *(line for pid, name in people.items() for line in person_lines(pid, name))]
    (extra / "people.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["meetings:", *(line for meeting in meetings for line in meeting)]
    (extra / "meetings.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def tangled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ties of name, seats before and after others, disputes, pairs met up to four times."""
    people = {"t-b": "Tie Same", "t-a": "Tie Same", "t-d": "Tie Same", "t-c": "Tie Other"}
    people |= {"t-e": "Alpha Tie", "t-f": "Zed Tie", "t-0": "Tie Same"}
    people |= {f"c-{n:02d}": f"Crowd {chr(97 + n % 5)}" for n in range(12)}
    crowd = [(f"c-{n:02d}", None, n % 4 == 0) for n in range(12)]
    meetings = [
        meeting_lines(
            "t-m1",
            "2019-01-01",
            [
                ("t-b", None, False),
                ("t-a", None, False),
                ("t-d", "s1", True),
                ("t-c", "s1", True),
                ("t-e", None, False),
                ("amir-hatami", None, False),
            ],
        ),
        meeting_lines(
            "t-m2", "2019-02-01", [("t-b", None, False), ("t-a", None, True), ("t-f", None, False)]
        ),
        meeting_lines(
            "t-m3",
            "2020-03-01",
            [
                ("t-b", None, False),
                ("t-a", None, False),
                ("t-f", None, False),
                ("t-d", None, False),
                ("amir-hatami", None, False),
            ],
        ),
        meeting_lines(
            "t-m0",
            "2018-03-01",
            [("t-0", None, False), ("t-a", None, False), ("t-e", "s2", True), ("t-f", "s2", True)],
        ),
        meeting_lines("c-m1", "2019-05-01", crowd),
        meeting_lines("c-m2", "2019-06-01", [*crowd[::2], ("t-a", None, False)]),
        meeting_lines("c-m3", "2020-06-01", crowd[:7]),
        meeting_lines("c-m4", "2020-07-01", [*crowd[:3], ("t-b", None, True)]),
    ]
    return write_dataset(tmp_path_factory.mktemp("pairs") / "data", people, meetings)


def crowd(root: Path, size: int) -> Path:
    """One meeting of size people."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    people = {f"c-{n:04d}": f"Crowd Q{letters[n // 26]}{letters[n % 26]}x" for n in range(size)}
    seats = [(pid, None, False) for pid in people]
    return write_dataset(root, people, [meeting_lines("crowd", "2019-04-24", seats)])


# --------------------------------------------------------------------------- expected


def key(a: str, b: str) -> tuple[str, str]:
    low, high = sorted((a, b))
    return low, high


def shared_meetings(meetings: list[dict[str, Any]]) -> dict[tuple[str, str], list[Any]]:
    """Each pair who met, with (meeting id, disputed, years) of each meeting they shared."""
    found: dict[tuple[str, str], list[Any]] = {}
    for meeting in meetings:
        years = range(int(meeting["date"][:4]), int(meeting["date_end"][:4]) + 1)
        for a, b in itertools.combinations(meeting["participants"], 2):
            if a["seat"] is not None and a["seat"] == b["seat"]:
                continue
            shared = (meeting["id"], a["disputed"] or b["disputed"], list(years))
            found.setdefault(key(a["id"], b["id"]), []).append(shared)
    return found


def people_of(meetings: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    return {p["id"]: (p["name"], p["country"]) for m in meetings for p in m["participants"]}


def tail(shared: list[Any]) -> dict[str, Any]:
    return {
        "years": sorted({y for _, _, years in shared for y in years}),
        "meetings": [m for m, _, _ in shared],
        "disputed": any(d for _, d, _ in shared),
    }


def expected_pairs(meetings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    people = people_of(meetings)
    found = []
    for pair, shared in shared_meetings(meetings).items():
        a, b = sorted(pair, key=lambda p: (people[p][0], p))
        found.append(
            {
                "person_a": a,
                "name_a": people[a][0],
                "country_a": people[a][1],
                "person_b": b,
                "name_b": people[b][0],
                "country_b": people[b][1],
                "count": len(shared),
                **tail(shared),
            }
        )
    found.sort(key=lambda r: (-r["count"], r["name_a"], r["name_b"], r["person_a"], r["person_b"]))
    return found


def expected_edges(meetings: list[dict[str, Any]], nodes: list[str]) -> list[dict[str, Any]]:
    rank = {pid: n for n, pid in enumerate(nodes)}
    pairs = sorted(
        shared_meetings(meetings).items(),
        key=lambda kv: (-len(kv[1]), sorted(rank[p] for p in kv[0])),
    )
    edges = []
    for pair, shared in pairs:
        source, target = sorted(pair, key=rank.__getitem__)
        edges.append({"source": source, "target": target, "weight": len(shared), **tail(shared)})
    return edges


def as_json(cli: Invoke, data: Path, *args: str) -> Any:
    result = cli("--data", str(data), *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- pairs


@pytest.mark.parametrize("filters", [[], ["--year", "2019"], ["--with", "Alpha Tie"]])
def test_pairs_are_those_a_plain_computation_finds(
    cli: Invoke, tangled: Path, filters: list[str]
) -> None:
    expected = expected_pairs(as_json(cli, tangled, "list", "--json", *filters))
    assert max(p["count"] for p in expected) >= 2  # both ways of making pairs are used
    assert as_json(cli, tangled, "pairs", "--json", *filters) == expected
    lines = cli("--data", str(tangled), "pairs", "-f", "jsonl", *filters).stdout.splitlines()
    assert lines == [compact(p) for p in expected]
    table = cli("--data", str(tangled), "pairs", "-f", "csv", *filters).stdout
    assert list(csv.DictReader(io.StringIO(table))) == [formats.pair_csv_row(p) for p in expected]


def test_a_seat_listed_before_someone_without_one_met_them(cli: Invoke, tangled: Path) -> None:
    # t-e sits in seat s2 of t-m0, listed after t-a, and in no seat at t-m1: they met twice.
    pairs = {key(p["person_a"], p["person_b"]): p for p in as_json(cli, tangled, "pairs", "--json")}
    assert pairs["t-a", "t-e"]["meetings"] == ["t-m0", "t-m1"]
    assert ("t-e", "t-f") not in pairs  # the two readings of seat s2 did not meet


def test_pretty_json_is_json_dumps_indented(tangled: Path) -> None:
    db = open_dataset(tangled)
    from meetings_cli.pairing import meeting_graph, meeting_pairs

    pairs = meeting_pairs(db, Selection("1", ()))
    out = io.StringIO()
    streamed.PairStream(pairs).write(out, "json", pretty=True)
    records = json.loads(out.getvalue())
    assert out.getvalue() == json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    graph = io.StringIO()
    streamed.GraphStream(meeting_graph(db, Selection("1", ()))).write(graph, "json", pretty=True)
    value = json.loads(graph.getvalue())
    assert graph.getvalue() == json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    assert value["edges"]


def test_sorted_and_reversed_pairs_are_the_records_reordered(cli: Invoke, tangled: Path) -> None:
    pairs = as_json(cli, tangled, "pairs", "--json")
    assert as_json(cli, tangled, "pairs", "--json", "--reverse") == pairs[::-1]
    by_name = as_json(cli, tangled, "pairs", "--json", "--sort", "name_b")
    assert [p["name_b"] for p in by_name] == sorted(p["name_b"] for p in pairs)


# --------------------------------------------------------------------------- graph


@pytest.mark.parametrize("filters", [[], ["--year", "2020"]])
def test_graph_is_what_a_plain_computation_finds(
    cli: Invoke, tangled: Path, filters: list[str]
) -> None:
    meetings = as_json(cli, tangled, "list", "--json", *filters)
    graph = as_json(cli, tangled, "graph", "--json", *filters)
    nodes = [n["id"] for n in graph["nodes"]]
    assert graph["edges"] == expected_edges(meetings, nodes)
    # Nodes run from the most connected person: by meetings shared in the graph.
    degree = {pid: 0 for pid in nodes}
    for pair, shared in shared_meetings(meetings).items():
        for pid in pair:
            degree[pid] += len(shared)
    assert [degree[pid] for pid in nodes] == sorted(degree.values(), reverse=True)
    dot = cli("--data", str(tangled), "graph", *filters).stdout
    mermaid = cli("--data", str(tangled), "graph", "-f", "mermaid", *filters).stdout
    assert dot == formats.graph_dot(graph)
    assert mermaid == formats.graph_mermaid(graph)


def test_graph_of_the_bundled_data_is_unchanged(cli: Invoke) -> None:
    graph = json.loads(cli("graph", "--json").stdout)
    meetings = json.loads(cli("list", "--json").stdout)
    assert graph["edges"] == expected_edges(meetings, [n["id"] for n in graph["nodes"]])


# --------------------------------------------------------------------------- a crowd


class Counting(io.StringIO):
    """Output that keeps nothing: it counts what is written."""

    def __init__(self) -> None:
        super().__init__()
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)


@pytest.fixture(scope="module")
def big_crowd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return crowd(tmp_path_factory.mktemp("crowd") / "data", 300)


@pytest.mark.parametrize(
    ("what", "fmt"), [("pairs", "json"), ("pairs", "csv"), ("graph", "json"), ("graph", "dot")]
)
def test_a_crowds_pairs_are_never_all_held(big_crowd: Path, what: str, fmt: str) -> None:
    from meetings_cli.pairing import meeting_graph, meeting_pairs

    db = open_dataset(big_crowd)
    everyone = Selection("1", ())
    stream: Any = (
        streamed.PairStream(meeting_pairs(db, everyone))
        if what == "pairs"
        else streamed.GraphStream(meeting_graph(db, everyone))
    )
    out = Counting()
    tracemalloc.start()
    try:
        stream.write(out, fmt, pretty=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.written > 2_000_000  # 300 * 299 / 2 = 44,850 pairs, 50 characters or more each
    # Every pair held as a record would take some 40 MB; one batch of texts is under 1 MB.
    assert peak < out.written / 4, (peak, out.written)


def test_a_table_and_sort_above_their_limits_are_refused(
    cli: Invoke, tangled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = len(as_json(cli, tangled, "pairs", "--json"))
    monkeypatch.setattr(streamed, "TABLE_PAIRS", total - 1)
    monkeypatch.setattr(streamed, "SORTED_PAIRS", total - 1)
    for args, what in (([], "a table of pairs shows"), (["--sort", "count", "--json"], "--sort")):
        result = cli("--data", str(tangled), "pairs", *args)
        assert result.exit_code == 2 and not result.stdout
        assert f"hold {total:,} pairs and {what}" in result.stderr
        assert f"at most {total - 1:,}" in result.stderr
    # JSON, JSON Lines and CSV in the usual order have no limit.
    assert cli("--data", str(tangled), "pairs", "--json").exit_code == 0
    monkeypatch.setattr(streamed, "TABLE_PAIRS", total)
    assert cli("--data", str(tangled), "pairs").exit_code == 0


def test_help_and_readme_name_the_limits(cli: Invoke) -> None:
    help_text = " ".join(cli("pairs", "--help").stdout.split())
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").replace("`", "").split())
    for text in (help_text, readme):
        assert f"shows at most {streamed.TABLE_PAIRS:,} pairs" in text
        assert f"--reverse take at most {streamed.SORTED_PAIRS:,}" in text
