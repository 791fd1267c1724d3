"""``--set KEY=VALUE``: change any field of the settings model from the command line, validated.

``KEY`` is a field of :class:`~planner.settings.Settings` (``group_size``), or a dotted path into a
nested field (``budget.rates.step1_2d``, ``windows.pre_rentree.day_count``). ``VALUE`` is read as
JSON when it parses (``20``, ``true``, ``null``, ``[2, 4]``, ``{"16": 900}``), French yes/no words
as booleans, otherwise as text (dates ``2026-09-01``, names). Errors are French sentences naming
the key and the value; nothing is applied unless every override is valid.
"""
from __future__ import annotations

import difflib
import json

from pydantic import BaseModel, ValidationError

from .models import french_errors
from .settings import Settings

_YES = {"oui", "vrai", "yes", "true"}
_NO = {"non", "faux", "no", "false"}


class OverrideError(ValueError):
    """An invalid ``--set`` (French message)."""


def parse_value(text: str) -> object:
    t = text.strip()
    if t.lower() in _YES:
        return True
    if t.lower() in _NO:
        return False
    if t.lower() in ("", "vide", "aucun", "none"):
        return None
    try:
        return json.loads(t)
    except json.JSONDecodeError:
        return t


def _fields_of(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def _suggest(key: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(key, choices, n=1)
    return f" — vouliez-vous dire « {close[0]} » ?" if close else ""


def split_pair(pair: str) -> tuple[str, str]:
    if "=" not in pair:
        raise OverrideError(f"--set « {pair} » : la forme attendue est CLÉ=VALEUR (ex. group_size=20)")
    key, value = pair.split("=", 1)
    key = key.strip()
    if not key:
        raise OverrideError(f"--set « {pair} » : clé vide (ex. group_size=20)")
    return key, value


def apply_overrides(settings: Settings, pairs: list[str] | None) -> Settings:
    """A new Settings with every ``KEY=VALUE`` of ``pairs`` applied (OverrideError otherwise)."""
    if not pairs:
        return settings
    data = settings.model_dump(mode="json")
    for pair in pairs:
        key, raw = split_pair(pair)
        path = key.split(".")
        top = path[0]
        if top not in Settings.model_fields:
            raise OverrideError(f"--set {key} : paramètre inconnu « {top} »{_suggest(top, _fields_of(Settings))} "
                                f"(paramètres : {', '.join(_fields_of(Settings))})")
        node, model = data, Settings
        for depth, part in enumerate(path[:-1]):
            nxt = node.get(part) if isinstance(node, dict) else None
            if not isinstance(nxt, dict):
                raise OverrideError(f"--set {key} : « {'.'.join(path[:depth + 1])} » n'a pas de sous-champ « {path[depth + 1]} »")
            ann = model.model_fields.get(part) if model is not None else None
            sub = ann.annotation if ann is not None else None
            model = sub if isinstance(sub, type) and issubclass(sub, BaseModel) else None
            if model is not None and path[depth + 1] not in model.model_fields:
                raise OverrideError(f"--set {key} : champ inconnu « {path[depth + 1]} » dans « {part} »"
                                    f"{_suggest(path[depth + 1], _fields_of(model))} "
                                    f"(champs : {', '.join(_fields_of(model))})")
            node = nxt
        node[path[-1]] = parse_value(raw)
        try:
            Settings.model_validate(data)
        except ValidationError as exc:
            raise OverrideError(f"--set {key}={raw} : valeur refusée — " + " ; ".join(french_errors(exc)[:3])) from None
    return Settings.model_validate(data)


def describe_overrides(pairs: list[str] | None) -> str:
    return ", ".join(pairs or [])


__all__ = ["OverrideError", "apply_overrides", "describe_overrides", "parse_value", "split_pair"]
