"""Score name matching against the generated evaluation set (benchmarks/name_eval.json).

Run from the repository root after installing the project:

    python benchmarks/make_name_eval.py          # (re)generate the set
    python benchmarks/bench_names.py             # figures by class, misses, false positives
    python benchmarks/bench_names.py --json      # the same as one JSON object
    python benchmarks/bench_names.py --min-precision 0.999 --min-recall 0.98   # a gate

Every query goes through one `meetings who - --json` process (one name a line on standard
input, a fresh MEETINGS_CACHE_DIR), and each answer is scored against the item's `expect`:

  a person id          right when `found` that person; `found` someone else is a false
                       positive; `ambiguous` or `none` is a miss.
  null                 `found` anyone is a false positive; `ambiguous` and `none` are right.
  "ambiguous-or-none"  the same as null: never `found`.

Recall (positives): right / items. Precision: of the answers `found`, the share that are the
right person (a `found` on a negative counts against it). Exit 1 when a threshold given with
--min-precision or --min-recall is not met, 2 when the matcher cannot be run or answers out of
step.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = ROOT / "benchmarks" / "name_eval.json"
AMBIGUOUS_OR_NONE = "ambiguous-or-none"
LIST_FALSE_POSITIVES = 30
LIST_MISSES = int(os.environ.get("LIST_MISSES", "10"))


@dataclass
class Outcome:
    query: str
    expect: str | None
    cls: str
    note: str
    status: str  # found / ambiguous / none
    got: str | None  # the person found
    score: float | None
    method: str | None
    alias: str | None
    candidates: list[str]

    @property
    def positive(self) -> bool:
        return self.expect is not None and self.expect != AMBIGUOUS_OR_NONE

    @property
    def right(self) -> bool:
        if self.positive:
            return self.status == "found" and self.got == self.expect
        return self.status != "found"

    @property
    def false_positive(self) -> bool:
        return self.status == "found" and self.got != self.expect


@dataclass
class Tally:
    items: int = 0
    positive: bool = True
    right: int = 0
    found: int = 0
    found_right: int = 0
    found_wrong: int = 0
    ambiguous: int = 0
    none: int = 0
    misses: list[Outcome] = field(default_factory=list)

    def add(self, o: Outcome) -> None:
        self.items += 1
        self.right += o.right
        if o.status == "found":
            self.found += 1
            if o.got == o.expect and o.positive:
                self.found_right += 1
            else:
                self.found_wrong += 1
        elif o.status == "ambiguous":
            self.ambiguous += 1
        else:
            self.none += 1
        if not o.right:
            self.misses.append(o)

    @property
    def recall(self) -> float | None:
        return self.found_right / self.items if self.positive and self.items else None

    @property
    def precision(self) -> float | None:
        return self.found_right / self.found if self.found else None


def load_eval(path: Path) -> list[dict[str, Any]]:
    items = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(items, list):
        raise SystemExit(f"{path}: expected a list of {{query, expect, class}}")
    for i in items:
        if "\n" in i["query"] or "\r" in i["query"]:
            raise SystemExit(f"{path}: a query holds a line break: {i['query']!r}")
    return items


def matcher_command(data: Path | None) -> list[str]:
    """The project's `meetings` next to this Python, else `python -m meetings_cli`."""
    script = Path(sys.executable).with_name("meetings")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "meetings_cli"]
    cmd = [*base, "who", "-", "--json"]
    if data is not None:
        cmd += ["--data", str(data)]
    return cmd


def run_matcher(queries: list[str], data: Path | None) -> tuple[list[dict[str, Any]], float]:
    with tempfile.TemporaryDirectory(prefix="bench-names-cache-") as cache:
        env = dict(os.environ, MEETINGS_CACHE_DIR=cache, NO_COLOR="1")
        started = time.perf_counter()
        proc = subprocess.run(
            matcher_command(data),
            input="".join(q + "\n" for q in queries),
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            check=False,
        )
        elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr)
        raise SystemExit(2)
    answers = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(answers) != len(queries):
        sys.stderr.write(proc.stderr[-2000:])
        print(f"bench_names: {len(queries)} queries, {len(answers)} answers", file=sys.stderr)
        raise SystemExit(2)
    return answers, elapsed


def score(items: list[dict[str, Any]], answers: list[dict[str, Any]]) -> list[Outcome]:
    out = []
    for item, answer in zip(items, answers, strict=True):
        if answer.get("query") != item["query"]:
            print(
                f"bench_names: answer out of step: {item['query']!r} -> {answer.get('query')!r}",
                file=sys.stderr,
            )
            raise SystemExit(2)
        match = answer.get("match") or {}
        person = answer.get("person") or {}
        status = match.get("status") or ("found" if person else "none")
        out.append(
            Outcome(
                query=item["query"],
                expect=item["expect"],
                cls=item["class"],
                note=item.get("note", ""),
                status=status,
                got=person.get("id") if status == "found" else None,
                score=answer.get("score"),
                method=match.get("method"),
                alias=match.get("alias"),
                candidates=[c["id"] for c in answer.get("candidates") or []],
            )
        )
    return out


def summarise(outcomes: list[Outcome], elapsed: float) -> dict[str, Any]:
    by_class: dict[str, Tally] = defaultdict(Tally)
    for o in outcomes:
        t = by_class[o.cls]
        if t.items == 0:
            t.positive = o.positive
        t.add(o)
    positives = [o for o in outcomes if o.positive]
    found = [o for o in outcomes if o.status == "found"]
    found_right = sum(1 for o in found if o.positive and o.got == o.expect)
    false_positives = [o for o in outcomes if o.false_positive]
    return {
        "queries": len(outcomes),
        "positives": len(positives),
        "negatives": len(outcomes) - len(positives),
        "recall": found_right / len(positives) if positives else None,
        "precision": found_right / len(found) if found else None,
        "found": len(found),
        "false_positives": len(false_positives),
        "seconds": round(elapsed, 3),
        "ms_per_query": round(1000 * elapsed / max(1, len(outcomes)), 3),
        "classes": {
            cls: {
                "kind": "positive" if t.positive else "negative",
                "items": t.items,
                "right": t.right,
                "found": t.found,
                "found_right": t.found_right,
                "found_wrong": t.found_wrong,
                "ambiguous": t.ambiguous,
                "none": t.none,
                "recall": t.recall,
                "precision": t.precision,
                "misses": [describe(o) for o in t.misses[:LIST_MISSES]] if t.positive else [],
            }
            for cls, t in sorted(by_class.items(), key=lambda kv: (not kv[1].positive, kv[0]))
        },
        "false_positive_list": [describe(o) for o in false_positives[:LIST_FALSE_POSITIVES]],
    }


def describe(o: Outcome) -> dict[str, Any]:
    return {
        "query": o.query,
        "expect": o.expect,
        "class": o.cls,
        "note": o.note,
        "status": o.status,
        "got": o.got,
        "score": o.score,
        "method": o.method,
        "alias": o.alias,
        "candidates": o.candidates,
    }


def pct(x: float | None) -> str:
    return "     -" if x is None else f"{100 * x:6.2f}"


def show(o: dict[str, Any]) -> str:
    if o["status"] == "found":
        answer = f"found {o['got']} ({o['method']} {o['score']}, via {o['alias']!r})"
    elif o["status"] == "ambiguous":
        answer = f"ambiguous {'/'.join(o['candidates'])}"
    else:
        near = f", near {'/'.join(o['candidates'])}" if o["candidates"] else ""
        answer = f"none{near}"
    return f"{o['query']!r} [{o['note']}] expect {o['expect']}: {answer}"


def print_report(s: dict[str, Any]) -> None:
    print(
        f"{s['queries']} queries ({s['positives']} positives, {s['negatives']} negatives) in"
        f" {s['seconds']:.2f} s, {s['ms_per_query']:.2f} ms a query, one process"
    )
    print()
    head = f"{'class':22} {'kind':8} {'items':>6} {'found':>6} {'right':>6} {'wrong':>6}"
    print(f"{head} {'ambig':>6} {'none':>6} {'recall%':>8} {'prec%':>7}")
    for cls, c in s["classes"].items():
        print(
            f"{cls:22} {c['kind']:8} {c['items']:6} {c['found']:6} {c['found_right']:6}"
            f" {c['found_wrong']:6} {c['ambiguous']:6} {c['none']:6}  {pct(c['recall'])}"
            f" {pct(c['precision'])}"
        )
    print()
    print(f"overall recall on positives:          {pct(s['recall'])} %")
    print(f"overall precision, positives+negatives: {pct(s['precision'])} %")
    print(f"false positives: {s['false_positives']} of {s['found']} answers found")
    if s["false_positive_list"]:
        print()
        print(f"False positives (first {LIST_FALSE_POSITIVES}):")
        for o in s["false_positive_list"]:
            print(f"  [{o['class']}] {show(o)}")
    for cls, c in s["classes"].items():
        if c["misses"]:
            print()
            print(f"Misses, {cls} (first {LIST_MISSES} of {c['items'] - c['right']}):")
            for o in c["misses"]:
                print(f"  {show(o)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="evaluation set")
    parser.add_argument("--data", type=Path, default=None, help="dataset folder for meetings")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--min-precision", type=float, default=None, help="exit 1 if below")
    parser.add_argument("--min-recall", type=float, default=None, help="exit 1 if below")
    args = parser.parse_args(argv)

    items = load_eval(args.eval)
    answers, elapsed = run_matcher([i["query"] for i in items], args.data)
    summary = summarise(score(items, answers), elapsed)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print_report(summary)

    failed = []
    precision, recall = summary["precision"] or 0.0, summary["recall"] or 0.0
    if args.min_precision is not None and precision < args.min_precision:
        failed.append(f"precision {precision:.4f} < {args.min_precision}")
    if args.min_recall is not None and recall < args.min_recall:
        failed.append(f"recall {recall:.4f} < {args.min_recall}")
    for f in failed:
        print(f"bench_names: {f}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
