"""Accent folding, written once: every case- and accent-free comparison of the application goes through here
(territory search in the window, académie names, follow-up and template column headers, annuaire headers,
file names)."""
from __future__ import annotations

import unicodedata


def strip_accents(s: str) -> str:
    """``s`` without its diacritics (compatibility decomposition, combining marks dropped); case kept."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def fold(s: str) -> str:
    """Lower case without accents: ``« Éducation »`` → ``« education »``."""
    return strip_accents(s.lower())


__all__ = ["fold", "strip_accents"]
