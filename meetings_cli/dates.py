"""Reading the dates people type on the command line. Standard library only."""

from __future__ import annotations

import calendar
from datetime import date


def parse_partial_date(text: str, *, end: bool = False) -> date:
    """YYYY, YYYY-MM or YYYY-MM-DD as a date: a partial date's first day, or last if end."""
    parts = text.strip().split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(text)
    if len(parts) == 3:
        return date.fromisoformat(text.strip())
    year = int(parts[0])
    month = int(parts[1]) if len(parts) == 2 else (12 if end else 1)
    if not 1 <= month <= 12:
        raise ValueError(text)
    day = calendar.monthrange(year, month)[1] if end else 1
    return date(year, month, day)
