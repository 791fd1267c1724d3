"""Where scenarios come from; each source produces a :class:`planner.models.Scenario`.

- :mod:`planner.sources.reference`: the embedded national default, built from ``data/``;
- :mod:`planner.sources.annuaire`: the official annuaire CSV (``fr-en-annuaire-education``);
- :mod:`planner.sources.template`: the XLSX template, exported then re-imported after editing;
- :mod:`planner.sources.calendar`: the ministry's official school calendar (``fr-en-calendrier-scolaire``),
  giving académies their own holidays and pré-rentrée (Corse and overseas).

The national reference and the annuaire staff their units through one rule,
:mod:`planner.staffing`.
"""
