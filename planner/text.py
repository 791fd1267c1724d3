"""Text read the same way everywhere, written once:

- accent folding: every case- and accent-free comparison of the application goes through here (territory search
  in the window, académie names, follow-up and template column headers, annuaire headers, file names);
- « HH:MM » times of day (sessions, windows, pins) as minutes after midnight;
- dates in words, as French writes them (« mercredi 19 mai 2027 »).
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from functools import lru_cache


class _Marks(dict):
    """``str.translate`` table dropping the combining marks: each code point is looked up once, then in C."""

    def __missing__(self, cp: int):
        v = None if unicodedata.combining(chr(cp)) else cp
        self[cp] = v
        return v


_MARKS = _Marks()


def strip_accents(s: str) -> str:
    """``s`` without its diacritics (compatibility decomposition, combining marks dropped); case kept."""
    if s.isascii():  # nothing to decompose (the window's tree folds 20,000 names when a scenario opens)
        return s
    return unicodedata.normalize("NFKD", s).translate(_MARKS)


@lru_cache(maxsize=1 << 16)
def fold(s: str) -> str:
    """Lower case without accents: ``« Éducation »`` → ``« education »``. Kept per text: the window folds the names
    of the territory's 20,000 units for its tree and its search at each scenario it opens, the same names mostly
    (the national reference at start, then a file of the same académies)."""
    return strip_accents(s.lower())


@lru_cache(maxsize=2048)
def hhmm_minutes(hhmm: str) -> int:
    """« 09:30 » → 570."""
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


# Babel's French names (format_date with patterns « EEEE », « MMMM »), written out: the formats below need no locale
# data, which Babel takes a third of a second to load in a fresh process (an export, the command line's solve)
FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")


@lru_cache(maxsize=2048)
def fr_date(d: dt.date) -> str:
    """« lundi 31 août 2026 » (Babel's « EEEE d MMMM y »)."""
    return f"{FR_DAYS[d.weekday()]} {d.day} {FR_MONTHS[d.month - 1]} {d.year}"


@lru_cache(maxsize=2048)
def fr_date_short(d: dt.date) -> str:
    """« 31 août 2026 » (Babel's « d MMMM y »)."""
    return f"{d.day} {FR_MONTHS[d.month - 1]} {d.year}"


__all__ = ["FR_DAYS", "FR_MONTHS", "fold", "fr_date", "fr_date_short", "hhmm_minutes", "strip_accents"]
