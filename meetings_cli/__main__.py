"""`python -m meetings_cli` runs the `meetings` command."""

from .main import run

run()
