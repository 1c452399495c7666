"""Pairs and graph edges written as they are made (see `pairing`): nothing holds them all.

JSON, JSON Lines and CSV of `pairs`; JSON, DOT and Mermaid of `graph`. The text of
each pair is joined from pieces the formats here make once per person and per
meeting; it is exactly the compact JSON (or the CSV row) of the record it stands
for, so the output is the same as if every record had been made first.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ..contract import compact
from ..errors import UsageError
from .formats import (
    PAIR_CSV_COLUMNS,
    DotEdge,
    MermaidEdge,
    csv_text,
    dot_head,
    json_text,
    mermaid_head,
    mermaid_widths,
)

if TYPE_CHECKING:
    from ..pairing import Chunk, Graph, Pairs, Person

#: The most pairs that a table of pairs shows (drawing one takes about 0.4 s a thousand) and
#: that `pairs --sort`/`--reverse` take (about 2 KB of memory each): both hold every pair
#: at once. JSON, JSON Lines and CSV in the usual order have no limit.
TABLE_PAIRS, SORTED_PAIRS = 10_000, 100_000


def _flag(disputed: bool) -> str:
    return "true" if disputed else "false"


class PairJson:
    """A pair as its compact JSON record."""

    rest_first = False

    def left(self, person: Person) -> str:
        return (
            f'{{"person_a":{compact(person.id)},"name_a":{compact(person.name)},'
            f'"country_a":{compact(person.country)},'
        )

    def right(self, person: Person) -> str:
        return (
            f'"person_b":{compact(person.id)},"name_b":{compact(person.name)},'
            f'"country_b":{compact(person.country)},'
        )

    def rest(
        self, count: int, years: Sequence[int], meetings: Sequence[str], disputed: bool
    ) -> str:
        return (
            f'"count":{count},"years":{compact(list(years))},'
            f'"meetings":{compact(list(meetings))},"disputed":{_flag(disputed)}}}'
        )


def _csv_cells(*cells: str) -> str:
    """Cells as part of a CSV row (quoted as csv writes them), with no line end."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()[:-1]


class PairCsv:
    """A pair as its CSV row (`formats.pair_csv_row`), with no line end."""

    rest_first = False

    def left(self, person: Person) -> str:
        return _csv_cells(*map(csv_text, person)) + ","

    def right(self, person: Person) -> str:
        return _csv_cells(*map(csv_text, person)) + ","

    def rest(
        self, count: int, years: Sequence[int], meetings: Sequence[str], disputed: bool
    ) -> str:
        joined = ("; ".join(map(csv_text, items)) for items in (years, meetings))
        return _csv_cells(str(count), *joined, _flag(disputed))


class EdgeJson:
    """A graph edge as its compact JSON object."""

    rest_first = False

    def left(self, person: Person) -> str:
        return f'{{"source":{compact(person.id)},'

    def right(self, person: Person) -> str:
        return f'"target":{compact(person.id)},'

    def rest(
        self, count: int, years: Sequence[int], meetings: Sequence[str], disputed: bool
    ) -> str:
        return (
            f'"weight":{count},"years":{compact(list(years))},'
            f'"meetings":{compact(list(meetings))},"disputed":{_flag(disputed)}}}'
        )


def _pretty(text: str, depth: int) -> str:
    """One compact JSON value as json.dumps indents it inside depth arrays or objects."""
    indented = json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    return "  " * depth + indented.replace("\n", "\n" + "  " * depth)


def _array(out: TextIO, chunks: Iterable[Chunk], *, pretty: bool, depth: int = 0) -> None:
    """A JSON array of the texts of chunks: indented if pretty (inside depth levels), else
    one value per line at the top level and all on one line inside an object."""
    inner = "  " * depth
    if pretty:
        first, between, end = "[\n", ",\n", "\n" + inner + "]"
    else:
        first, between, end = ("[\n", ",\n", "\n]") if depth == 0 else ("[", ",", "]")
    separator = first
    for _, texts in chunks:
        if pretty:
            texts = [_pretty(text, depth + 1) for text in texts]
        if texts:
            out.write(json_text(out, separator + between.join(texts)))
            separator = between
    out.write("[]" if separator == first else end)


class PairStream:
    """The pairs of people who met, to be written as JSON, JSON Lines or CSV."""

    def __init__(self, pairs: Pairs) -> None:
        self.pairs = pairs

    def empty(self) -> bool:
        return not self.pairs.met.any()

    def write(self, out: TextIO, fmt: str, *, pretty: bool) -> None:
        if fmt == "json":
            _array(out, self.pairs.chunks(PairJson()), pretty=pretty)
            out.write("\n")
        elif fmt == "jsonl":
            for _, texts in self.pairs.chunks(PairJson()):
                out.write(json_text(out, "".join(text + "\n" for text in texts)))
        elif fmt == "csv":
            out.write(_csv_cells(*PAIR_CSV_COLUMNS) + "\n")
            for _, texts in self.pairs.chunks(PairCsv()):
                out.write("".join(text + "\n" for text in texts))
        else:
            raise ValueError(f"pairs are not written as {fmt}")


def pair_records(pairs: Pairs, *, table: bool) -> list[dict[str, Any]]:
    """Every pair as a record, in order, for a table (table) or to be sorted: UsageError
    if there are more than such take (TABLE_PAIRS, SORTED_PAIRS)."""
    limit = TABLE_PAIRS if table else SORTED_PAIRS
    total = pairs.total()
    if total > limit:
        what = "a table of pairs shows" if table else "--sort and --reverse take"
        raise UsageError(
            f"the meetings chosen hold {total:,} pairs and {what} at most {limit:,}: give"
            " --format json, jsonl or csv (written as the pairs are made, however many, in"
            " the usual order), or choose fewer meetings with filters"
        )
    return [json.loads(text) for _, texts in pairs.chunks(PairJson()) for text in texts]


class GraphStream:
    """Who met whom, to be written as JSON, DOT or Mermaid."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def empty(self) -> bool:
        return not self.graph.nodes

    def write(self, out: TextIO, fmt: str, *, pretty: bool) -> None:
        nodes = self.graph.nodes
        if fmt == "json":
            if pretty:
                listed = json.dumps(nodes, ensure_ascii=False, indent=2).replace("\n", "\n  ")
                out.write(json_text(out, '{\n  "nodes": ' + listed + ',\n  "edges": '))
            else:
                out.write(json_text(out, '{"nodes":' + compact(nodes) + ',"edges":'))
            _array(out, self.graph.chunks(EdgeJson()), pretty=pretty, depth=1)
            out.write("\n}\n" if pretty else "}\n")
        elif fmt == "dot":
            out.write(dot_head(nodes))
            for _, texts in self.graph.chunks(DotEdge()):
                out.write("".join(text + "\n" for text in texts))
            out.write("}\n")
        elif fmt == "mermaid":
            out.write(mermaid_head(nodes))
            weights: list[tuple[int, int]] = []
            for weight, texts in self.graph.chunks(MermaidEdge()):
                out.write("".join(text + "\n" for text in texts))
                weights.append((weight, len(texts)))
            widths = mermaid_widths(weights)
            while batch := "".join(itertools.islice(widths, 1_000)):
                out.write(batch)
        else:
            raise ValueError(f"a graph is not written as {fmt}")
