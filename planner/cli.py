"""Headless commands of the domain core (no Qt, no solver)."""
from __future__ import annotations

import json
import sys

from .demand import compute_demand, demand_table
from .scenario_io import ScenarioError, load_scenario


def run_demand(args) -> int:
    from .overrides import OverrideError, apply_overrides

    try:
        sc = load_scenario(args.scenario)
        if getattr(args, "overrides", None):
            sc = sc.model_copy(update={"settings": apply_overrides(sc.settings, args.overrides)})
    except (ScenarioError, OverrideError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    dem = compute_demand(sc)
    if args.json:
        out = dem.to_json()
        out["scenario"] = sc.name
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(demand_table(dem, sc.name))
    return 0
