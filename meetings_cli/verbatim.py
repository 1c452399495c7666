"""Which of many words occur verbatim in a text, found in one pass over it.

`validate` checks that every quote, spelling and description occurs in the
articles it cites (or, for spellings, in any article). A search per word costs
the number of words times the length of the text: 10,000 spellings against a
4 MB article took 15 s. `Needles` finds them all in one pass instead, with an
Aho–Corasick automaton of the words: linear in the text and the words together
(the chain of shorter words ending at a place is walked once per text at most,
so a text that repeats the words costs no more). The automaton is plain Python,
about 60 ns a character of text, so it is made only where a search per word
would cost more (many words, long text): the answer is the same either way.

Standard library only: every layer may use it.
"""

# No `from __future__ import annotations`: no annotation here needs it.

from collections import deque
from collections.abc import Collection, Iterable

#: Rough costs (seconds) of a search per word, per character of text and word, and of
#: one pass, per character of text and per character of the words put in the automaton.
_SEARCH_COST, _PASS_COST, _BUILD_COST = 0.4e-9, 60e-9, 1.5e-6


class Needles:
    """Words to look for in texts: `occurring_in(text)` is those that occur in text.

    The automaton is made the first time a pass costs less than a search per word.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.words = list(dict.fromkeys(words))
        self._automaton: _Automaton | None = None

    def occurring_in(self, text: str, among: Collection[str] | None = None) -> set[str]:
        """Those of the words (or of among, some of them) that occur in text."""
        wanted = self.words if among is None else among
        found = {word for word in wanted if not word}  # the empty word occurs anywhere
        wanted = [word for word in wanted if word]
        searches = len(wanted) * len(text) * _SEARCH_COST
        one_pass = len(text) * _PASS_COST
        if self._automaton is None:
            one_pass += sum(map(len, self.words)) * _BUILD_COST
        if searches <= one_pass:
            return found | {word for word in wanted if word in text}
        if self._automaton is None:
            self._automaton = _Automaton([word for word in self.words if word])
        return found | (self._automaton.found_in(text) & set(wanted))


class _Automaton:
    """An Aho–Corasick automaton of words, none empty."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        # State 0 is the start; a transition is a key state * _SPAN + code point.
        goto: dict[int, int] = {}
        ends: dict[int, int] = {}  # state -> the word that ends there
        count = 1
        for number, word in enumerate(self.words):
            state = 0
            for char in word:
                key = state * _SPAN + ord(char)
                following = goto.get(key)
                if following is None:
                    following = goto[key] = count
                    count += 1
                state = following
            ends[state] = number
        children: list[list[tuple[int, int]]] = [[] for _ in range(count)]
        for key, following in goto.items():
            children[key // _SPAN].append((key % _SPAN, following))
        # Breadth first: a state's fallback is the longest proper suffix of its text that
        # is a state too; `shorter` is the next state down that chain where a word ends.
        fallback = [0] * count
        shorter = [0] * count
        queue = deque(following for _, following in children[0])
        while queue:
            state = queue.popleft()
            for code, following in children[state]:
                back = fallback[state]
                while back and back * _SPAN + code not in goto:
                    back = fallback[back]
                landing = goto.get(back * _SPAN + code, 0)
                fallback[following] = landing
                shorter[following] = landing if landing in ends else shorter[landing]
                queue.append(following)
        self._goto, self._ends, self._fallback, self._shorter = goto, ends, fallback, shorter
        self.size = count

    def found_in(self, text: str) -> set[str]:
        """The words that occur in text."""
        goto, ends, fallback, shorter = self._goto, self._ends, self._fallback, self._shorter
        seen = bytearray(self.size)  # states whose chain of matches is walked already
        found: set[int] = set()
        state = 0
        for char in text:
            code = ord(char)
            following = goto.get(state * _SPAN + code)
            while following is None and state:
                state = fallback[state]
                following = goto.get(state * _SPAN + code)
            state = following or 0
            match = state
            while match and not seen[match]:
                seen[match] = 1
                if match in ends:
                    found.add(ends[match])
                match = shorter[match]
        return {self.words[number] for number in found}


#: More than the largest code point: keys state * _SPAN + code point are all different.
_SPAN = 0x110000
