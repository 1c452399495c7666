"""`python -m meetings_cli` runs the `meetings` command."""

from .cli import run

run()
