"""Who met whom, made in order as text without holding every pair: `pairs` and graph edges.

A meeting of n people holds n(n-1)/2 pairs: one of 2,000 people, two million.
Only the participants are read into memory (one row each); the pairs are made
from them in the order they are written, and each is written as text joined
from pieces made once per person and per meeting (a `PairFormat`), never as a
dict of its own. The order is the number of meetings the two shared, most first,
then the people in a given order (`Ranking`: `pairs` by name, `graph` from the
most connected person):

- a pair that met more than once is of two people at two chosen meetings or
  more: SQLite groups and sorts those pairs, from those people's seats alone (its
  sorter spills to a file, so memory stays bounded however many there are);
- every pair that met once follows, person by person in order, each with the
  people after it in order: the members of each meeting are kept in that order,
  so nothing is sorted.
"""

# No `from __future__ import annotations`: NamedTuple would compile every string
# annotation into a ForwardRef at start-up.

import heapq
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple, Protocol

from .query import MEETING_ORDER, Selection


class Person(NamedTuple):
    """One end of a pair."""

    id: str
    name: str
    country: str


class PairFormat(Protocol):
    """How a pair is written: the text of a pair is left(a) + right(b) + rest(...), or
    left(a) + rest(...) + right(b) when rest_first. a is the pair's first person."""

    rest_first: bool

    def left(self, person: Person) -> str: ...

    def right(self, person: Person) -> str: ...

    def rest(
        self, count: int, years: Sequence[int], meetings: Sequence[str], disputed: bool
    ) -> str:
        """The rest of a pair: how many meetings, their years (in order), the meetings'
        ids (in date order), and whether either person is disputed at one of them."""
        ...


class Ranking(NamedTuple):
    """An order of people: person id -> (tie, rank). Pairs are ordered by their people's
    ties (the first's, then the second's), then by their ranks; ranks are all different,
    and a person of a lower tie has a lower rank."""

    of: dict[str, tuple[int, int]]


#: A chunk of written pairs: how many meetings each of them shared, and their texts.
Chunk = tuple[int, list[str]]


class _Seat(NamedTuple):
    rank: int
    person: str
    disputed: bool
    seat: str | None


class Met:
    """The participants of the selected meetings, from which their pairs are made."""

    def __init__(self, db: sqlite3.Connection, selection: Selection) -> None:
        where, params = selection
        self.db = db
        chosen = db.execute(
            f"""
            SELECT m.rowid, m.id, (SELECT group_concat(year) FROM meeting_years
              WHERE meeting = m.rowid)
            FROM meetings m WHERE {where} ORDER BY {MEETING_ORDER}
            """,
            params,
        ).fetchall()
        index = {rowid: k for k, (rowid, _, _) in enumerate(chosen)}
        #: The chosen meetings in date order: id and years.
        self.meetings = [
            (mid, sorted({int(y) for y in (years or "").split(",") if y}))
            for _, mid, years in chosen
        ]
        #: Everyone at the chosen meetings who is in people.
        self.people = {
            row[0]: Person(*row)
            for row in db.execute(
                f"""
                SELECT id, name, country FROM people WHERE id IN (SELECT person FROM
                  participants WHERE meeting IN (SELECT m.rowid FROM meetings m WHERE {where}))
                """,
                params,
            )
        }
        #: Each meeting's seats as (meeting index, person, disputed, seat), in no order.
        self.seats: list[tuple[int, str, bool, str | None]] = [
            (index[meeting], person, bool(disputed), seat)
            for meeting, person, disputed, seat in db.execute(
                f"""
                SELECT meeting, person, disputed, seat FROM participants
                WHERE meeting IN (SELECT m.rowid FROM meetings m WHERE {where})
                """,
                params,
            )
            if person in self.people
        ]

    def any(self) -> bool:
        """True if two people met: two at one meeting, not alternative readings of a seat."""
        firsts: dict[int, tuple[str, str | None]] = {}
        for k, person, _, seat in self.seats:
            first = firsts.setdefault(k, (person, seat))
            if first[0] != person and (seat is None or seat != first[1]):
                return True
        return False

    def degrees(self) -> dict[str, int]:
        """How many pairs each person is in, counted once per meeting shared."""
        sizes: dict[int, int] = {}
        seated: dict[tuple[int, str], int] = {}
        for k, _, _, seat in self.seats:
            sizes[k] = sizes.get(k, 0) + 1
            if seat is not None:
                seated[k, seat] = seated.get((k, seat), 0) + 1
        degree: dict[str, int] = {}
        for k, person, _, seat in self.seats:
            others = sizes[k] - (1 if seat is None else seated[k, seat])
            degree[person] = degree.get(person, 0) + others
        return degree

    def pairs(self, ranking: Ranking, fmt: PairFormat, batch: int = 1_000) -> Iterator[Chunk]:
        """Every pair as fmt writes it, in order (see the module): chunks of texts."""
        return _Pairing(self, ranking, fmt).chunks(batch)


def name_ranking(people: Iterable[Person]) -> Ranking:
    """People by name (then id), tied by name."""
    ranked: dict[str, tuple[int, int]] = {}
    tie, last = -1, None
    for rank, person in enumerate(sorted(people, key=lambda p: (p.name, p.id))):
        if rank == 0 or person.name != last:
            tie, last = tie + 1, person.name
        ranked[person.id] = (tie, rank)
    return Ranking(ranked)


def plain_ranking(ids: Iterable[str]) -> Ranking:
    """People in the order given, with no ties."""
    return Ranking({pid: (rank, rank) for rank, pid in enumerate(ids)})


class _Pairing:
    """The pairs of one Met in one order, written by one format."""

    def __init__(self, met: Met, ranking: Ranking, fmt: PairFormat) -> None:
        self.met, self.fmt, self.ranks = met, fmt, ranking.of
        members: dict[int, list[_Seat]] = {}
        mine: dict[str, list[tuple[int, _Seat]]] = {}
        for k, person, disputed, seat in met.seats:
            place = _Seat(self.ranks[person][1], person, disputed, seat)
            members.setdefault(k, []).append(place)
            mine.setdefault(person, []).append((k, place))
        for each in members.values():
            each.sort()
        self.members = members
        #: Each person's seats (meeting index, seat), people in order.
        self.mine = sorted(mine.items(), key=lambda item: self.ranks[item[0]][1])
        self.right = {person: fmt.right(met.people[person]) for person in mine}
        self._rest: dict[tuple[int, bool], str] = {}

    def chunks(self, batch: int) -> Iterator[Chunk]:
        yield from self._repeated(batch)
        group: list[tuple[str, list[tuple[int, _Seat]]]] = []
        for person, seats in self.mine:
            if group and self.ranks[group[0][0]][0] != self.ranks[person][0]:
                yield from self._once(group, batch)
                group = []
            group.append((person, seats))
        if group:
            yield from self._once(group, batch)

    def _repeated(self, batch: int) -> Iterator[Chunk]:
        """The pairs that met more than once, most first: grouped and sorted by SQLite."""
        many = [(k, place) for _, seats in self.mine if len(seats) > 1 for k, place in seats]
        if len(many) < 2:
            return
        rows = [[k, s.rank, self.ranks[s.person][0], s.seat, int(s.disputed)] for k, s in many]
        # A pair, and its people's ties, as one number each: SQLite sorts those fastest.
        found = self.met.db.execute(
            """
            WITH s(k, r, tie, seat, disputed) AS MATERIALIZED (
              SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
                json_extract(value, '$[2]'), json_extract(value, '$[3]'),
                json_extract(value, '$[4]')
              FROM json_each(?1))
            SELECT a.r * ?2 + b.r AS pair, count(*) AS n, max(a.disputed OR b.disputed),
              group_concat(a.k), a.tie * ?2 + b.tie AS ties
            FROM s a JOIN s b ON b.k = a.k AND b.r > a.r
              AND (a.seat IS NULL OR a.seat IS NOT b.seat)
            GROUP BY pair HAVING n > 1
            ORDER BY n DESC, ties, pair
            """,
            (json.dumps(rows), len(self.ranks) + 1),
        )
        people = {s.rank: s.person for _, s in many}
        lefts: dict[int, str] = {}
        rests: dict[tuple[str, int], str] = {}  # the last few sets of meetings: often one
        texts: list[str] = []
        last = 0
        for pair, count, disputed, shared, _ in found:
            first, second = divmod(pair, len(self.ranks) + 1)
            left = lefts.get(first)
            if left is None:
                left = lefts[first] = self.fmt.left(self.met.people[people[first]])
            rest = rests.get((shared, disputed))
            if rest is None:
                if len(rests) > 1_000:
                    rests.clear()
                rest = rests[shared, disputed] = self._rest_of_many(shared, bool(disputed))
            right = self.right[people[second]]
            if texts and (count != last or len(texts) == batch):
                yield last, texts
                texts = []
            texts.append(left + rest + right if self.fmt.rest_first else left + right + rest)
            last = count
        if texts:
            yield last, texts

    def _rest_of_many(self, shared: str, disputed: bool) -> str:
        meetings = self.met.meetings
        ks = sorted(int(k) for k in shared.split(","))
        years = sorted({y for k in ks for y in meetings[k][1]})
        return self.fmt.rest(len(ks), years, [meetings[k][0] for k in ks], disputed)

    def _rest_of(self, k: int, disputed: bool) -> str:
        rest = self._rest.get((k, disputed))
        if rest is None:
            mid, years = self.met.meetings[k]
            rest = self._rest[k, disputed] = self.fmt.rest(1, years, [mid], disputed)
        return rest

    def _once(
        self, group: list[tuple[str, list[tuple[int, _Seat]]]], batch: int
    ) -> Iterator[Chunk]:
        """The pairs that met once whose first person is one of a group of tied people."""
        if len(group) > 1:
            # Tied people: by the second person's tie, then the first's rank, then the
            # second's. Each one's partners come in that order: a heap of them takes a
            # run of one tie from one person at a time (a crowd of one name is one run each).
            heap = []
            for person, seats in group:
                partners = self._partners(person, seats)
                head = next(partners, None)
                if head is not None:
                    heap.append((head[0], head[1], head, partners))
            heapq.heapify(heap)
            texts: list[str] = []
            while heap:
                tie, mine, head, partners = heapq.heappop(heap)
                texts.append(head[3])
                for head in partners:
                    if head[0] != tie:
                        heapq.heappush(heap, (head[0], mine, head, partners))
                        break
                    texts.append(head[3])
                if len(texts) >= batch:
                    yield 1, texts
                    texts = []
            if texts:
                yield 1, texts
            return
        person, seats = group[0]
        if len(seats) > 1:
            texts = [text for _, _, _, text in self._partners(person, seats)]
        else:
            # The usual case, and the one of a crowd: the people after this one at its
            # one meeting, already in order. Two joins a pair.
            ((k, me),) = seats
            after = self.members[k]
            after = after[_after(after, me.rank) :]
            if me.seat is not None:
                after = [other for other in after if other.seat != me.seat]
            left, right = self.fmt.left(self.met.people[person]), self.right
            yes, no = self._rest_of(k, True), self._rest_of(k, me.disputed)
            if self.fmt.rest_first:
                texts = [left + (yes if o.disputed else no) + right[o.person] for o in after]
            else:
                texts = [left + right[o.person] + (yes if o.disputed else no) for o in after]
        for start in range(0, len(texts), batch):
            yield 1, texts[start : start + batch]

    def _partners(
        self, person: str, seats: list[tuple[int, _Seat]]
    ) -> Iterator[tuple[int, int, int, str]]:
        """(second's tie, first's rank, second's rank, text) of each pair that met once of
        person and someone after it, in order of the second person."""
        left, mine = self.fmt.left(self.met.people[person]), seats[0][1].rank
        if len(seats) == 1:  # made as they are taken: tied people are many at one meeting
            ((k, me),) = seats
            after = self.members[k]
            for i in range(_after(after, me.rank), len(after)):
                other = after[i]
                if me.seat is None or other.seat != me.seat:
                    rest = self._rest_of(k, me.disputed or other.disputed)
                    right = self.right[other.person]
                    text = left + rest + right if self.fmt.rest_first else left + right + rest
                    yield self.ranks[other.person][0], mine, other.rank, text
            return
        met: dict[int, list[tuple[int, _Seat, bool]]] = {}
        for k, me in seats:
            after = self.members[k]
            for other in after[_after(after, me.rank) :]:
                if me.seat is None or other.seat != me.seat:
                    met.setdefault(other.rank, []).append((k, other, me.disputed))
        for rank in sorted(met):
            shared = met[rank]
            if len(shared) == 1:
                ((k, other, disputed),) = shared
                rest, right = self._rest_of(k, disputed or other.disputed), self.right[other.person]
                text = left + rest + right if self.fmt.rest_first else left + right + rest
                yield self.ranks[other.person][0], mine, rank, text


def _after(members: list[_Seat], rank: int) -> int:
    """The index of the first member ranked after rank (members are in rank order)."""
    low, high = 0, len(members)
    while low < high:
        middle = (low + high) // 2
        if members[middle].rank <= rank:
            low = middle + 1
        else:
            high = middle
    return low


# --------------------------------------------------------------------------- what commands use


def meeting_pairs(db: sqlite3.Connection, selection: Selection) -> "Pairs":
    """Every pair of people who met in the selected meetings, most meetings first (see
    `Pairs`)."""
    met = Met(db, selection)
    return Pairs(met, name_ranking(met.people.values()))


class Pairs(NamedTuple):
    """The pairs of people who met, ready to be written: each is {person_a, name_a,
    country_a, person_b, name_b, country_b, count, years, meetings, disputed}; the two are
    in name order, and disputed is true when either is a disputed participant of one of
    the meetings. In order: most meetings first, then by the names, then by the ids."""

    met: Met
    ranking: Ranking

    def chunks(self, fmt: PairFormat) -> Iterator[Chunk]:
        return self.met.pairs(self.ranking, fmt)

    def total(self) -> int:
        """How many pairs there are (made, and written as nothing)."""
        return sum(len(texts) for _, texts in self.met.pairs(self.ranking, _Blank()))


class _Blank:
    """Writes nothing."""

    rest_first = False

    def left(self, person: Person) -> str:
        return ""

    def right(self, person: Person) -> str:
        return ""

    def rest(
        self, count: int, years: Sequence[int], meetings: Sequence[str], disputed: bool
    ) -> str:
        return ""


class Graph(NamedTuple):
    """Who met whom: people as nodes ({id, name, country, meetings}, the most connected
    first), and an edge per pair ({source, target, weight, years, meetings, disputed}),
    each from its better-connected end, the heaviest first."""

    nodes: list[dict[str, Any]]
    met: Met
    ranking: Ranking

    def chunks(self, fmt: PairFormat) -> Iterator[Chunk]:
        return self.met.pairs(self.ranking, fmt)


def meeting_graph(db: sqlite3.Connection, selection: Selection) -> Graph:
    """Who met whom in the selected meetings (see `Graph`)."""
    where, params = selection
    met = Met(db, selection)
    # Laid out from the most connected person: nodes by meetings in the graph, each
    # edge from its better-connected end (layout tools place sources first).
    degree = met.degrees()
    nodes = db.execute(
        f"""
        SELECT p.id, p.name, p.country, (SELECT count(*) FROM participants WHERE person = p.id)
        FROM people p WHERE p.id IN (SELECT person FROM participants WHERE meeting IN
          (SELECT m.rowid FROM meetings m WHERE {where}))
        ORDER BY p.rowid
        """,
        params,
    ).fetchall()
    nodes.sort(key=lambda row: -degree.get(row[0], 0))
    return Graph(
        [{"id": i, "name": n, "country": c, "meetings": k} for i, n, c, k in nodes],
        met,
        plain_ranking(row[0] for row in nodes),
    )
