"""`python -m meetings_cli` runs the `meetings` command."""

from .app import run

run()
