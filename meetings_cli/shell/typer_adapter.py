"""The one place that reaches into Typer's private modules.

Typer 0.28 vendors Click as `typer._click` and keeps its completion machinery
in `typer._completion_*`; nothing public offers what is used here (a number
type for options built from the filter table, where an option's value came
from, and bash completion that quotes what it inserts). Typer is pinned below
0.29 in pyproject.toml; if these names move, only this module changes.
"""

from __future__ import annotations

from typing import Any


def whole_number(low: int, high: int, what: str, example: str) -> Any:
    """A Click type for a whole number from low to high, refused in plain words ("'abc' is
    not a year (a whole number, such as 2019)"), where Click's IntRange says "not a valid
    int range" and shows "[1<=x<=9999]" in the help."""
    from typer._click.types import ParamType

    from ..errors import echo

    class WholeNumber(ParamType):
        name = what

        def convert(self, value: Any, param: Any, ctx: Any) -> int:
            try:
                number = value if isinstance(value, int) else int(str(value).strip())
            except ValueError:
                self.fail(
                    f"{echo(value)} is not {what} (a whole number, such as {example})", param, ctx
                )
            if not low <= number <= high:
                self.fail(
                    f"{number} is not {what}: give {_shown(low)} to {_shown(high)}", param, ctx
                )
            return number

    return WholeNumber()


def _shown(number: int) -> str:
    return f"{number:,}" if abs(number) >= 10_000 else str(number)  # 9999 as a year


def given_on_command_line(ctx: Any, name: str) -> bool:
    """True if the parameter name got its value from the command line itself."""
    from typer._click.core import ParameterSource

    return ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE


def quoting_bash_completion() -> None:
    """Register bash completion that quotes what it inserts.

    Bash inserts a completion as typed text: `Sergei Shoigu` unquoted would be
    two arguments (zsh and fish quote what they insert themselves).
    """
    import shlex

    from typer._click.shell_completion import add_completion_class
    from typer._completion_classes import BashComplete, completion_init

    class QuotingBash(BashComplete):
        def format_completion(self, item: Any) -> str:
            return shlex.quote(item.value) if item.type == "plain" else str(item.value)

    completion_init()
    add_completion_class(QuotingBash, "bash")


def completion_script(shell: str) -> str:
    """The Tab completion script of `meetings` for a shell."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(
        prog_name="meetings", complete_var="_MEETINGS_COMPLETE", shell=shell
    )


def install_completion(shell: str) -> tuple[str, Any]:
    """Install Tab completion for a shell: its name and the file written."""
    from typer._completion_shared import install

    name, path = install(shell=shell, prog_name="meetings")
    return name, path


def choice(values: tuple[str, ...]) -> Any:
    """Typer's choice type (Click's Choice, as Typer adapts it), for options built outside
    a function signature."""
    from typer._types import TyperChoice

    # --format JSON as --format json: the values are lower-case words, and --sort ignores case.
    return TyperChoice(values, case_sensitive=False)


def completing_in_any_case(param: Any) -> None:
    """Let Tab complete param's values whatever the case typed (`--country ru` offers Russia).

    Typer keeps only the values that begin with the word exactly as typed; here
    the completion function is asked for all of them and they are kept as the
    completers themselves compare: casefolded.
    """
    complete = getattr(param, "_custom_shell_complete", None)
    if complete is None:
        return

    def in_any_case(ctx: Any, param: Any, incomplete: str) -> list[Any]:
        wanted = incomplete.casefold()
        return [
            item
            for item in complete(ctx, param, "")
            if str(item.value).casefold().startswith(wanted)
        ]

    param._custom_shell_complete = in_any_case
