"""Hints for usage errors: what a slip on the command line was probably meant as.

Click says what is wrong (an unknown command, an extra argument, an option
without its value); a hint says what to type instead, from the words given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import ECHO_LIMIT, capped, echo, option_taken

#: What to give a command that lacks its argument, by command (then by argument).
_MISSING = {
    "source": "give a source id as `meetings sources` lists it: meetings source mehr-mcis2018",
    "ID": "give an id as `list`, `context`, `events`, `sources` or `people --json` show it:"
    " meetings show mcis2018-russia",
    "QUERY": "give words to look for: meetings search refugees",
    "NAME": "give a name in any spelling or script: meetings who Shoigu",
}

#: Options people reach for that are spelt otherwise here: what to give instead.
_OPTION_SLIPS = {
    "--csv": "--format csv (or -f csv)",
    "--jsonl": "--format jsonl",
    "--type": "--kind (meetings list --kind talks)",
    "--speaker": "quotes --speaker NAME (the quotes of a person)",
    "--limit": "search --limit N, or | head -n N",
    "--name": "meetings who NAME",
    "--id": "meetings show ID",
    "--query": "meetings search WORDS",
}

#: Commands that take no filter options, and what they take.
_TAKES = {
    "validate": "one dataset folder",
    "export": "one file name",
    "schema": "no argument",
    "path": "no argument",
    "clear": "no argument",
}


def usage_hint(message: str, words: Sequence[str], commands: frozenset[str]) -> str | None:
    """A hint for a common slip in a usage error's message (None if none applies); words are
    the command line's, commands every command's name."""
    command = next((w for w in words if w in commands), "")
    after = list(words[words.index(command) + 1 :]) if command else []
    if command == "cache" and after and after[0] in ("path", "clear"):
        command = after[0]
    found = re.match(r"No such command '(.*?)'\.( Did you mean '.*'\?)?$", message, re.DOTALL)
    if found is not None:
        return _unknown_command(found.group(1), bool(found.group(2)), words, commands)
    if (option := re.match(r"No such option: (--?[\w-]+)", message)) is not None:
        return _unknown_option(option.group(1), command, words)
    if (lacking := re.match(r"Option '(-[-\w]+)' requires an argument", message)) is not None:
        asked = command or "COMMAND"
        return f"{lacking.group(1)} needs a value after it (meetings {asked} --help says which)"
    single = next((w for w in words if re.fullmatch(r"-[a-z]{2,}", w)), None)
    if single and re.search(rf"for '--{single[1:]}'", message):  # -year: -y with 'ear'
        return f"a long option takes two dashes: --{single[1:]}"
    if (taken := re.search(r"for '(--[\w-]+)'.*: '(-[-\w]+)' is not ", message)) is not None:
        return option_taken(taken.group(1), taken.group(2))
    if (missing := re.match(r"Missing argument '(\w+)'", message)) is not None:
        return _MISSING.get(command) or _MISSING.get(missing.group(1), "")
    if (found := re.match(r"Got unexpected extra argument\S* \((.*)\)", message)) is not None:
        return _extra_argument(found.group(1), command, words)
    if "'--year'" in message and any(re.fullmatch(r"\d{4}(?:[-–/,:]|\.\.)\d{4}", w) for w in words):
        return "give --year once per year (--year 2018 --year 2019), or --from 2018 --to 2019"
    return None


def shortened(line: str, words: Sequence[str], *, hinted: bool = False) -> str:
    """A line of Click's with every long argument it quotes cut, as echo cuts ours; when a
    hint follows, without Click's guesses at the option meant ("Possible options")."""
    if hinted:
        line = re.sub(r" \(Possible options?: [^)]*\)$", "", line)
    for word in sorted(words, key=len, reverse=True):
        if len(word) > ECHO_LIMIT:
            line = line.replace(f"'{word}'", echo(word)).replace(word, capped(word, ECHO_LIMIT))
    return line


def _unknown_command(
    word: str, suggested: bool, words: Sequence[str], commands: frozenset[str]
) -> str | None:
    if suggested:  # Click names the command meant: that is the hint
        return None
    if word.lower() in commands:
        return f"commands are written in lower case: meetings {word.lower()}"
    if word in ("help", "h", "?"):
        return "meetings --help lists the commands; meetings COMMAND --help explains one"
    if word == "version":
        return "meetings --version"
    rest = words[words.index(word) + 1 :] if word in words else []
    if word == "meetings" and rest:
        return f"the program's name is written once: meetings {' '.join(rest)}"
    if "cache" in words[: words.index(word) if word in words else 0]:
        return "cache has two commands: meetings cache path, meetings cache clear"
    asked = " ".join(w for w in rest if not w.startswith("-")) or word
    return (
        f"to look up a person: meetings who {echo(asked)}; to search the records:"
        f" meetings search {echo(' '.join([word, *rest]) if rest else word)}"
    )


def _unknown_option(option: str, command: str, words: Sequence[str]) -> str | None:
    given = list(words)
    if option in given and (not command or given.index(option) < given.index(command)):
        # Before the command: the filters are the command's.
        return f"a command's options go after it: meetings {command or 'list'} {option} …"
    if option in ("--svg", "--html") and command == "graph":
        return (
            "graph writes Graphviz DOT: meetings graph | dot -Tsvg -o graph.svg draws it"
            " (or --format mermaid, for a Markdown page)"
        )
    if option == "--person" and command == "people":
        return "--with NAME lists the people who met NAME"
    if command == "who" and option in ("--year", "--from", "--to", "--country", "--event"):
        given = [w for w in words[words.index("who") + 1 :] if not w.startswith("-")]
        named = next((w for w in reversed(given) if not w.isdigit()), "NAME")
        return f"who lists every year; for some: meetings list --with {echo(named)} {option} …"
    if option in ("--event", "--kind") and command in ("events", "context"):
        return f"{command} takes no {option}: meetings list {option} … lists the meetings"
    slip = _OPTION_SLIPS.get(option)
    return (
        f"did you mean {slip}?"
        if slip and not (option == "--speaker" and command == "quotes")
        else None
    )


def _extra_argument(extra: str, command: str, words: Sequence[str]) -> str:
    """What an argument a command does not take was probably meant as."""
    from ..filters import COUNTRY_NAMES

    if not extra.strip():
        return "an empty argument was given (a shell variable that is not set?): leave it out"
    first_extra = extra.split()[0]
    if first_extra in words:  # `--person --year 2019`: --person took --year as its value
        at = list(words).index(first_extra)
        if at >= 2 and words[at - 1].startswith("-") and words[at - 2].startswith("-"):
            return option_taken(words[at - 2], words[at - 1])
    first = (extra.split() or [extra])[0]
    countries = {
        n.casefold() for country, names in COUNTRY_NAMES.items() for n in (country, *names)
    }
    if command in _TAKES:
        return f"{command} takes {_TAKES[command]}"
    if re.fullmatch(r"\d{4}", extra):
        return f"a year is an option: --year {extra}"
    if extra.casefold() in countries:
        return f"a country is an option: --country {echo(extra)}"
    if extra == "help":
        return f"meetings {command} --help explains {command}"
    if command == "people":
        return (
            f"to look up a person: meetings who {echo(extra)}; --country COUNTRY lists the"
            " people of a country"
        )
    if command in ("show", "source"):
        given = [w for w in words[words.index(command) + 1 :] if not w.startswith("-")] or [extra]
        return (
            f"{command} takes one id at a time (meetings {command} {echo(given[0])}); words that"
            f" go together are quoted: meetings {command} {echo(' '.join(given))}"
        )
    if command in ("events", "sources") or re.fullmatch(
        r"[a-z]+\d{4}(?:-[a-z0-9]+)+|\d{4}(?:-[a-z0-9]+)+", first
    ):
        return f"to read one record: meetings show {echo(first)}"
    if command == "quotes":
        return f"--speaker {echo(extra)} keeps what a person said; --person, the meetings with them"
    if command == "context":
        return (
            f"--person {echo(extra)} keeps the items that name a person; meetings search"
            f" {echo(extra)} looks for words"
        )
    return (
        f"filters are options: --person {echo(extra)} keeps the meetings with a person;"
        f" meetings search {echo(extra)} looks for words"
    )
