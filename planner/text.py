"""Text read the same way everywhere, written once:

- accent folding: every case- and accent-free comparison of the application goes through here (territory search
  in the window, académie names, follow-up and template column headers, annuaire headers, file names);
- « HH:MM » times of day (sessions, windows, pins) as minutes after midnight.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache


def strip_accents(s: str) -> str:
    """``s`` without its diacritics (compatibility decomposition, combining marks dropped); case kept."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def fold(s: str) -> str:
    """Lower case without accents: ``« Éducation »`` → ``« education »``."""
    return strip_accents(s.lower())


@lru_cache(maxsize=2048)
def hhmm_minutes(hhmm: str) -> int:
    """« 09:30 » → 570."""
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


__all__ = ["fold", "hhmm_minutes", "strip_accents"]
