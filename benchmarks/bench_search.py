"""Score `meetings search` against the relevance set in benchmarks/search_eval.yaml.

    .venv/bin/python benchmarks/bench_search.py                   # table and failures
    .venv/bin/python benchmarks/bench_search.py --json            # machine-readable summary
    .venv/bin/python benchmarks/bench_search.py --min-precision 0.95 --min-recall 0.90
    .venv/bin/python benchmarks/bench_search.py --data DIR --eval FILE

Each question runs, in a fresh process,

    python -m meetings_cli --data DATA search --json --limit 0 --in IN -- WORDS...

(WORDS being `shlex.split(query)`), with one temporary MEETINGS_CACHE_DIR shared by the
whole run. stdout is parsed as the JSON list of hits (empty stdout: no hits) and each
hit's "id" is compared with the question's `relevant` ids:

- precision: relevant returned / returned; 1.0 when nothing was returned and nothing is
  relevant; 0.0 when something was returned for a question whose relevant list is empty,
  and 0.0 when nothing was returned for a question with relevant records (trec_eval's
  convention: recall also drops to 0.0 there);
- recall: relevant returned / relevant; 1.0 when nothing is relevant;
- top hit: the first hit is the question's `top` (only questions that give one);
- exit status: 2 for questions marked `exit: 2`, otherwise 0 when hits were printed and
  1 when none were;
- crash: exit status 3, any status other than 0, 1 or 2, a traceback on stderr, a
  timeout, or stdout that is not a JSON list.

A hard negative is a question whose relevant list is empty (other than the `exit: 2`
ones); it has a false hit when anything is returned. The report gives, by class and
overall, the number of questions, macro-averaged precision and recall and the top-hit
accuracy, then the hard negatives with a false hit, the crashes, and every failing
question (any of: precision or recall below 1, wrong top hit, wrong exit status, crash)
with what it returned against what was expected.

Exit status: 0, or with --min-precision / --min-recall 1 when overall macro precision or
recall is below the bound, when any hard negative has a false hit, or when anything
crashed. 2 on a usage error or an unreadable evaluation file.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO / "data"
DEFAULT_EVAL = Path(__file__).resolve().parent / "search_eval.yaml"
CLASSES = (
    "exact",
    "typo",
    "real-word-negative",
    "absent-topic",
    "abbreviation",
    "case",
    "phrase",
    "stem",
    "hyphen",
    "demonym",
    "name-spelling",
    "prefix",
    "operator",
    "field",
    "paragraph",
    "long-refused",
    "sources",
)
WHERES = ("meetings", "sources")


@dataclass
class Question:
    """One entry of the evaluation file."""

    index: int
    query: str
    where: str
    relevant: list[str]
    cls: str
    why: str
    top: str | None = None
    exit: int | None = None

    @property
    def is_negative(self) -> bool:
        return not self.relevant and self.exit != 2


@dataclass
class Outcome:
    """What one question's search returned, and how it scores."""

    question: Question
    returned: list[str] = field(default_factory=list)
    returncode: int | None = None
    expected_exit: int = 0
    seconds: float = 0.0
    crash: str | None = None
    stderr: str = ""
    precision: float = 0.0
    recall: float = 0.0
    top_ok: bool | None = None

    @property
    def exit_ok(self) -> bool:
        return self.returncode == self.expected_exit

    @property
    def false_hit(self) -> bool:
        return self.question.is_negative and bool(self.returned)

    @property
    def failed(self) -> bool:
        return (
            self.precision < 1.0
            or self.recall < 1.0
            or self.top_ok is False
            or not self.exit_ok
            or self.crash is not None
        )


class EvalError(Exception):
    """The evaluation file is missing or malformed."""


def load_questions(path: Path) -> list[Question]:
    """Read and check the evaluation file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvalError(f"{path}: {exc}") from exc
    if not isinstance(raw, list) or not raw:
        raise EvalError(f"{path}: expected a non-empty list of questions")
    questions: list[Question] = []
    for i, item in enumerate(raw, 1):
        where = f"{path}: question {i}"
        if not isinstance(item, dict):
            raise EvalError(f"{where}: not a mapping")
        unknown = set(item) - {"query", "in", "relevant", "top", "class", "why", "exit"}
        if unknown:
            raise EvalError(f"{where}: unknown keys {sorted(unknown)}")
        query, area, relevant = item.get("query"), item.get("in", "meetings"), item.get("relevant")
        cls, top, exit_ = item.get("class"), item.get("top"), item.get("exit")
        if not isinstance(query, str) or not query.strip():
            raise EvalError(f"{where}: query must be a non-empty string")
        if area not in WHERES:
            raise EvalError(f"{where}: in must be one of {', '.join(WHERES)}")
        if not isinstance(relevant, list) or not all(isinstance(r, str) for r in relevant):
            raise EvalError(f"{where}: relevant must be a list of ids")
        if cls not in CLASSES:
            raise EvalError(f"{where}: class must be one of {', '.join(CLASSES)}")
        if top is not None and top not in relevant:
            raise EvalError(f"{where}: top {top!r} is not among the relevant ids")
        if exit_ not in (None, 2):
            raise EvalError(f"{where}: exit may only be 2")
        try:
            shlex.split(query)
        except ValueError as exc:
            raise EvalError(f"{where}: query does not split as a shell would: {exc}") from exc
        questions.append(
            Question(i, query, area, relevant, cls, str(item.get("why", "")), top, exit_)
        )
    return questions


def run_search(question: Question, data: Path, env: dict[str, str], timeout: float) -> Outcome:
    """Run one search in a fresh process and score it."""
    argv = [
        sys.executable, "-m", "meetings_cli", "--data", str(data),
        "search", "--json", "--limit", "0", "--in", question.where,
        "--", *shlex.split(question.query),
    ]  # fmt: skip
    out = Outcome(question)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        out.seconds = time.perf_counter() - start
        out.crash = f"timed out after {timeout:g} s"
        return score(out)
    out.seconds = time.perf_counter() - start
    out.returncode = proc.returncode
    out.stderr = proc.stderr
    if "Traceback (most recent call last)" in proc.stderr:
        out.crash = "traceback on stderr"
    elif proc.returncode not in (0, 1, 2):
        out.crash = f"exit status {proc.returncode}"
    if proc.stdout.strip():
        try:
            hits = json.loads(proc.stdout)
        except json.JSONDecodeError as exc:
            out.crash = out.crash or f"stdout is not JSON ({exc.msg})"
        else:
            if isinstance(hits, list) and all(isinstance(h, dict) for h in hits):
                out.returned = [str(h.get("id")) for h in hits]
            else:
                out.crash = out.crash or "stdout is not a JSON list of objects"
    return score(out)


def score(out: Outcome) -> Outcome:
    """Fill in precision, recall, top hit and the expected exit status."""
    q = out.question
    returned, relevant = set(out.returned), set(q.relevant)
    if not returned:
        out.precision = 1.0 if not relevant else 0.0
    else:
        out.precision = len(returned & relevant) / len(returned)
    out.recall = len(returned & relevant) / len(relevant) if relevant else 1.0
    if q.top is not None:
        out.top_ok = bool(out.returned) and out.returned[0] == q.top
    if q.exit == 2:
        out.expected_exit = 2
    else:
        out.expected_exit = 0 if out.returned else 1
    return out


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def aggregate(outcomes: list[Outcome]) -> dict[str, Any]:
    """Counts and macro averages over some outcomes."""
    tops = [o.top_ok for o in outcomes if o.top_ok is not None]
    return {
        "questions": len(outcomes),
        "precision": mean([o.precision for o in outcomes]),
        "recall": mean([o.recall for o in outcomes]),
        "top_hit": mean([1.0 if t else 0.0 for t in tops]),
        "top_questions": len(tops),
        "exit_ok": sum(o.exit_ok for o in outcomes),
        "failed": sum(o.failed for o in outcomes),
    }


def clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def describe(out: Outcome) -> dict[str, Any]:
    """A failing question, for the report and the JSON summary."""
    q = out.question
    returned, relevant = set(out.returned), set(q.relevant)
    return {
        "index": q.index,
        "class": q.cls,
        "in": q.where,
        "query": q.query,
        "returned": out.returned,
        "relevant": q.relevant,
        "missing": [r for r in q.relevant if r not in returned],
        "extra": [r for r in out.returned if r not in relevant],
        "top": q.top,
        "first": out.returned[0] if out.returned else None,
        "exit": out.returncode,
        "expected_exit": out.expected_exit,
        "crash": out.crash,
        "stderr": clip(out.stderr, 300) if (out.crash or not out.exit_ok) else "",
        "precision": out.precision,
        "recall": out.recall,
    }


def fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:4.2f}"


def summarise(outcomes: list[Outcome], seconds: float) -> dict[str, Any]:
    by_class = {
        cls: aggregate([o for o in outcomes if o.question.cls == cls])
        for cls in CLASSES
        if any(o.question.cls == cls for o in outcomes)
    }
    negatives = [o for o in outcomes if o.question.is_negative]
    return {
        "by_class": by_class,
        "overall": aggregate(outcomes),
        "hard_negatives": len(negatives),
        "negatives_with_false_hits": sum(o.false_hit for o in negatives),
        "crashes": sum(o.crash is not None for o in outcomes),
        "seconds": round(seconds, 2),
        "failures": [describe(o) for o in outcomes if o.failed],
    }


def print_report(summary: dict[str, Any], outcomes: list[Outcome]) -> None:
    head = f"{'class':<20} {'n':>4} {'prec':>6} {'recall':>6} {'top':>6} {'tops':>5} {'fail':>5}"
    print(head)
    print("-" * len(head))
    rows = [*summary["by_class"].items(), ("overall", summary["overall"])]
    for name, agg in rows:
        if name == "overall":
            print("-" * len(head))
        print(
            f"{name:<20} {agg['questions']:>4} {fmt(agg['precision']):>6} "
            f"{fmt(agg['recall']):>6} {fmt(agg['top_hit']):>6} {agg['top_questions']:>5} "
            f"{agg['failed']:>5}"
        )
    overall = summary["overall"]
    print()
    print(
        f"macro precision {fmt(overall['precision'])}, macro recall {fmt(overall['recall'])}, "
        f"top-hit accuracy {fmt(overall['top_hit'])} ({overall['top_questions']} questions), "
        f"exit status right {overall['exit_ok']}/{overall['questions']}"
    )
    print(
        f"hard negatives with a false hit: {summary['negatives_with_false_hits']}"
        f"/{summary['hard_negatives']}; crashes: {summary['crashes']}; "
        f"{summary['seconds']:.1f} s"
    )
    failures = [o for o in outcomes if o.failed]
    if not failures:
        return
    print(f"\nfailing questions ({len(failures)}):")
    for out in failures:
        d = describe(out)
        print(f"\n#{d['index']} [{d['class']}] in {d['in']}: {clip(d['query'], 90)}")
        if out.crash:
            print(f"  CRASH: {out.crash}")
        top = f", top {d['top']}" if d["top"] else ""
        print(f"  expected: {d['relevant'] or '(nothing)'}{top}")
        print(f"  returned: {clip(str(d['returned'] or '(nothing)'), 300)}")
        if d["missing"] and d["returned"]:
            print(f"  missing:  {d['missing']}")
        if d["extra"] and d["relevant"]:
            print(f"  extra:    {clip(str(d['extra']), 300)}")
        if out.top_ok is False:
            print(f"  first:    {d['first']} (should be {d['top']})")
        if not out.exit_ok:
            print(f"  exit:     {d['exit']} (expected {d['expected_exit']})")
        if d["stderr"]:
            print(f"  stderr:   {d['stderr']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Score `meetings search` against a relevance evaluation set."
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="dataset folder")
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="evaluation YAML")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    parser.add_argument("--min-precision", type=float, default=None, metavar="P")
    parser.add_argument("--min-recall", type=float, default=None, metavar="R")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds per search (default 120)"
    )
    args = parser.parse_args(argv)
    try:
        questions = load_questions(args.eval)
    except EvalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data = args.data.resolve()
    if not data.is_dir():
        print(f"error: {data}: not a folder", file=sys.stderr)
        return 2
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-search-cache-") as cache:
        env = dict(os.environ, MEETINGS_CACHE_DIR=cache, NO_COLOR="1")
        env.pop("MEETINGS_DATA", None)
        outcomes = [run_search(q, data, env, args.timeout) for q in questions]
    summary = summarise(outcomes, time.perf_counter() - start)
    problems: list[str] = []
    overall = summary["overall"]
    if args.min_precision is not None and overall["precision"] < args.min_precision:
        problems.append(f"macro precision {overall['precision']:.3f} < {args.min_precision}")
    if args.min_recall is not None and overall["recall"] < args.min_recall:
        problems.append(f"macro recall {overall['recall']:.3f} < {args.min_recall}")
    gated = args.min_precision is not None or args.min_recall is not None
    if gated and summary["negatives_with_false_hits"]:
        problems.append(f"{summary['negatives_with_false_hits']} hard negatives with a false hit")
    if gated and summary["crashes"]:
        problems.append(f"{summary['crashes']} crashes")
    summary["gate"] = {
        "min_precision": args.min_precision,
        "min_recall": args.min_recall,
        "passed": not problems,
        "problems": problems,
    }
    if args.json:
        json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_report(summary, outcomes)
        if gated:
            print("\ngate: " + ("passed" if not problems else "FAILED: " + "; ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
