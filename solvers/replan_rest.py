"""Re-plan the rest of the year from a plan and what was recorded (:mod:`planner.followup`).

(Over 600 lines: one académie's re-plan — kept and held sessions, the FdF pool, pins, each unit's step 1, heads
first, later steps — works on one shared state, :class:`_Academie`; the seat matching, times and records it
shares live in planner.heads_first, planner.text and solvers.records.)

- Held sessions stay exactly as they are (same id, date, time, trainer, participants).
- Nothing new is placed before ``plan_from``: cancelled sessions and sessions planned before
  ``plan_from`` but not recorded (late) are placed again from ``plan_from`` on, under the same id.
- Announced sessions (planned, from ``plan_from`` on) stay where they are unless they must move (their
  trainer's train-the-trainer session moved after them, their slot is no longer open), or everything
  planned is re-placed when ``keep_announced`` is off.
- With ``absentees_to_train``, people absent from held step-1 sessions are still to train: make-up
  groups (« Rattrapage (absents) ») are added when at least ``makeup_min_absent`` are missing.
- A unit whose headcount changed gets groups added or removed (never a held one).
- Pins (``scenario.pins``, added before or after recording) apply to sessions not yet held: the pinned
  group is placed at its pinned slot; a pin on a held session, before ``plan_from`` or on a closed slot
  is not applied and is said in French among the unplaced records (rule ``pin``).

(Over 600 lines: every kind of session — train-the-trainer, cadres, local units, later steps — is
re-planned here around the same held sessions and FdF pool; splitting by kind is the next step.)

Units share no local trainers, so each unit is placed on its own (:func:`solvers.units.place_unit`)
once its trainers' train-the-trainer dates are known; FdF-led sessions (train-the-trainer, cadres)
share the académie's FdF pool, into which every kept session is booked first.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from planner.calendar import audience_slots, calendar_key
from planner.demand import compute_demand
from planner.followup import MAKEUP_TITLE, SessionStatus, makeup_groups
from planner.heads_first import cadre_seats, first_teacher_sessions, match_heads
from planner.report import PAST_RULE
from planner.models import Scenario
from planner.plan import Plan, Session
from planner.school_year import today
from planner.text import hhmm_minutes
from planner.venues import session_place

from .pool import _common_slots, _FdfPool, _penalties
from .heads import head_units
from .records import Unplaced
from .venues import FdfPlaces, tot_travel_margins
from .units import NEVER, Caps, SlotTable, place_unit

FDF_AUDIENCES = ("perdir", "inspectors")


@dataclass
class FollowupOptions:
    plan_from: dt.date
    keep_announced: bool = True
    absentees_to_train: bool = False
    makeup_min_absent: int = 8

    @classmethod
    def from_settings(cls, settings, plan_from: dt.date | None = None) -> "FollowupOptions":
        pf = plan_from or getattr(settings, "plan_from", None) or today()
        return cls(pf, getattr(settings, "keep_announced_sessions", True),
                   getattr(settings, "absentees_to_train", False), getattr(settings, "makeup_min_absent", 8))


@dataclass
class _Counts:
    held: int = 0
    kept: int = 0
    moved: int = 0
    cancelled_replaced: int = 0
    late_replaced: int = 0
    added: int = 0
    removed: int = 0
    makeup: int = 0
    unplaced: int = 0

    def add(self, o: "_Counts") -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(o, f.name))


PRESUMED_KINDS = ("step2", "step3", "step4", "step6")  # no sign-in sheet to record: past ones presumed held


def _t(d: dt.date, hhmm: str) -> int:
    return d.toordinal() * 1440 + hhmm_minutes(hhmm)


def _occupy(pool: _FdfPool, f: str, x: Session) -> None:
    if f not in pool.busy:
        return
    day = x.date.toordinal()
    pool.busy[f].append((_t(x.date, x.start), _t(x.date, x.end), session_place(x)))  # (start, end, travel place)
    pool.day_load[f][day] = pool.day_load[f].get(day, 0) + 1
    pool.load[f] += 1


def _unit_names(sc: Scenario) -> dict[tuple[str, str], str]:
    """(unit_type, unit_id) → the name the solve's records give it (:func:`planner.demand.compute_demand`)."""
    names = {("etablissement", e.uai): e.name for e in sc.etablissements}
    names.update({("circonscription", c.id): c.name for c in sc.circonscriptions})
    names.update({("bassin", b.id): b.name for b in sc.bassins})
    names.update({("departement", d.code): d.name for d in sc.departements})
    names.update({("academie", a.code): f"Académie {a.name}" for a in sc.academies})
    return names


def _split(people: int, n: int) -> list[int]:
    if n <= 0:
        return []
    q, r = divmod(max(people, n), n)
    return [q + 1] * r + [q] * (n - r)


class _Academie:
    def __init__(self, sc: Scenario, sessions: list[Session], statuses: dict[str, SessionStatus],
                 opts: FollowupOptions, trainer_rows) -> None:
        self.sc, self.s, self.opts = sc, sc.settings, opts
        self.acad = sc.academies[0]
        self.zone = calendar_key(self.acad, self.s)  # the académie's own calendar (Corse, outre-mer), as the solve
        self.sessions = sessions
        self.statuses = statuses
        self.rows = {r.trainer_id: r for r in trainer_rows}
        self.pf = opts.plan_from
        self.pf_t = self.pf.toordinal() * 1440
        self.counts = _Counts()
        self.unplaced: list[Unplaced] = []
        self.step1_units: set[tuple[str, str]] = set()  # units whose step 1 was re-planned here
        self.redone: set[tuple[str, str]] = set()  # units whose later steps were planned again
        self.tables: dict[tuple, SlotTable] = {}
        self.indexes: dict[int, dict[tuple, int]] = {}  # id(table) → {(date, start minute): slot index}
        self.local_trainers: dict[tuple[str, str], list] = defaultdict(list)  # a unit's trainers, by id
        for t in sorted((t for t in sc.trainers if t.is_local), key=lambda t: t.id):
            self.local_trainers[(t.unit_type, t.unit_id)].append(t)
        self.pins: dict[tuple[str, str], dict] = defaultdict(dict)  # a unit's pins by group (solvers.academie)
        for p in sc.pins:
            self.pins[(p.unit_type, p.unit_id)].setdefault(p.group, p)
        self.tot_taken: set[str] = set()
        self.inferred_held: list[str] = []
        self.presumed_held: list[str] = []  # steps 2–6 dated before plan_from, never recorded
        self.head_of = head_units(sc) if getattr(self.s, "heads_first", False) else {}
        self.names = _unit_names(sc)  # the unplaced records name units as the solve does (Unplaced.of)
        self.deps = {("etablissement", e.uai): e.departement for e in sc.etablissements}
        self.deps.update({("circonscription", c.id): c.departement for c in sc.circonscriptions})
        self.wait: dict[tuple[str, str], int] | None = None
        fdfs = sorted((t for t in sc.trainers if t.role == "fdf"), key=lambda t: t.id)
        # travel between venues as the solve and the checker count it (a session keeps its venue when it moves)
        self.pool = _FdfPool(fdfs, self.s.max_per_fdf_per_day, FdfPlaces(sc).travel)
        self.margin = tot_travel_margins(sc)  # a trainer delivers once back from the training site

    def pool_release(self, x: Session) -> None:
        """Free the FdF booked for a kept session that has to move after all."""
        f = x.trainer_id
        booked = (_t(x.date, x.start), _t(x.date, x.end), session_place(x))  # as _occupy books it
        if f in self.pool.busy and booked in self.pool.busy[f]:
            day = x.date.toordinal()
            self.pool.busy[f].remove(booked)
            self.pool.day_load[f][day] -= 1
            self.pool.load[f] -= 1

    # -- classification
    def state(self, x: Session) -> str:
        st = self.statuses.get(x.session_id)
        return st.status if st else "planned"

    def must_replace(self, x: Session) -> bool:
        st = self.state(x)
        if st == "held":
            return False
        if st == "planned" and x.kind == "tot" and x.date < self.pf and x.session_id in self.tot_taken:
            return False  # not recorded, but its trainees have held sessions since: it took place
        if st == "planned" and x.kind in PRESUMED_KINDS and x.date < self.pf:
            return False  # no sign-in sheet (steps 2, 3, 4, 6): a past one not said cancelled took place
        return st == "cancelled" or x.date < self.pf or not self.opts.keep_announced

    def _count_replaced(self, x: Session, new: Session | None = None) -> None:
        st = self.state(x)
        if st == "cancelled":
            self.counts.cancelled_replaced += 1
        elif x.date < self.pf:
            self.counts.late_replaced += 1
        elif new is not None and (new.date, new.start, new.trainer_id) == (x.date, x.start, x.trainer_id):
            self.counts.kept += 1  # placed again where it was
        else:
            self.counts.moved += 1

    def table(self, audience: str, dep: str, unit_id: str = "", minutes: int | None = None) -> SlotTable:
        key = (audience, dep, unit_id)
        if key not in self.tables:
            dur = minutes or self.s.step1_minutes
            slots = [sl for sl in audience_slots(audience, self.s, self.zone, dep, dur, unit_id, self.acad.code)
                     if sl.date >= self.pf]
            self.tables[key] = SlotTable(slots)
        return self.tables[key]

    def index(self, tb: SlotTable) -> dict[tuple, int]:
        if id(tb) not in self.indexes:
            self.indexes[id(tb)] = {(sl.date, sl.start): i for i, sl in enumerate(tb.slots)}
        return self.indexes[id(tb)]

    def name(self, unit_type: str, unit_id: str) -> str:
        return self.names.get((unit_type, unit_id), unit_id)

    def _pin_ignored(self, x: Session, p, why: str) -> None:
        name = self.name(x.unit_type, x.unit_id)
        self.unplaced.append(Unplaced(x.unit_type, x.unit_id, name, x.academie, x.departement, "step1", x.audience,
                                      0, "pin", f"{name} : créneau épinglé du groupe {p.group} "
                                                f"({p.date.isoformat()} {p.start}) non appliqué à la replanification : "
                                                f"{why}."))

    def _pinned(self, key, every: list[Session], tb: SlotTable, index, trainers, k_of, ready
                ) -> tuple[list[Session], list[Session], list[tuple[int, int]], bool]:
        """The unit's pins (``scenario.pins``, as a solve honours them) on sessions not yet held: each
        pinned group is placed at its pinned slot, from ``plan_from`` on; a pin that cannot apply (session
        already held, slot before ``plan_from`` or closed, no trainer trained and free) is reported.
        Returns (pinned sessions, the others, their (slot, trainer) pairs, whether a session moved)."""
        pins = self.pins.get(key)
        if not pins:
            return [], every, [], False
        claimed = {(index.get((x.date, _t(x.date, x.start) % 1440)), k_of.get(x.trainer_id))
                   for x in every if self.state(x) == "held"}
        done, rest, pairs, moved = [], [], [], False
        for x in every:
            p = pins.get(x.group) if x.title != MAKEUP_TITLE else None
            if p is None:
                rest.append(x)
                continue
            if self.state(x) == "held":
                if (x.date, x.start) != (p.date, p.start):
                    self._pin_ignored(x, p, f"la session {x.session_id} est déjà tenue (le "
                                            f"{(x.held_date or x.date).strftime('%d/%m/%Y')})")
                rest.append(x)
                continue
            i = index.get((p.date, hhmm_minutes(p.start)))
            if i is None:
                self._pin_ignored(x, p, f"rien n'est placé avant le {self.pf.strftime('%d/%m/%Y')} (planifier à partir du)"
                                  if p.date < self.pf else "créneau hors des fenêtres autorisées pour ce public")
                rest.append(x)
                continue
            here = (x.date, x.start) == (p.date, p.start) and x.date != dt.date.min
            order = ([k_of[x.trainer_id]] if here and x.trainer_id in k_of else []) + list(range(len(trainers)))
            k = next((k for k in order if ready[k] <= tb.times[i] and (i, k) not in claimed), None)
            if k is None:
                self._pin_ignored(x, p, "aucun formateur de l'unité formé et libre à ce créneau")
                rest.append(x)
                continue
            claimed.add((i, k))
            pairs.append((i, k))
            y = dataclasses.replace(self._moved(x, tb.slots[i], trainers[k].id), pinned=True)
            if x.date == dt.date.min:
                pass  # a new group: counted as added
            elif (y.date, y.start, y.trainer_id) == (x.date, x.start, x.trainer_id) and not self.must_replace(x):
                self.counts.kept += 1
            else:
                self._count_replaced(x, y)
                moved = True
            done.append(y)
        return done, rest, pairs, moved

    def _moved(self, x: Session, sl, trainer: str) -> Session:
        return dataclasses.replace(x, date=sl.date, start=sl.start_hhmm, end=sl.end_hhmm, window=sl.window,
                                   trainer_id=trainer, status="planned", present=None, held_date=None, pinned=False)

    def _unplaced(self, x: Session, n: int, rule: str, reason: str, kind: str | None = None) -> None:
        self.counts.unplaced += n
        self.unplaced.append(Unplaced(x.unit_type, x.unit_id, self.name(x.unit_type, x.unit_id), x.academie,
                                      x.departement, kind or x.kind, x.audience, n, rule, reason))

    # -- the académie
    def run(self) -> list[Session]:
        by_kind: dict[str, list[Session]] = defaultdict(list)
        for x in self.sessions:
            by_kind["tot" if x.kind == "tot" else "cadre" if x.kind == "step1" and x.audience in FDF_AUDIENCES
                    else "local" if x.kind == "step1" else "roadmap"].append(x)
        out: list[Session] = []
        self.tot_taken = {self.rows[x.trainer_id].tot_session_id for x in self.sessions
                          if x.kind != "tot" and x.trainer_id in self.rows and self.state(x) == "held"}
        # book the FdF of every kept FdF-led session first
        for x in by_kind["tot"] + by_kind["cadre"]:
            if not self.must_replace(x):
                _occupy(self.pool, x.trainer_id, x)
        tots = self._tot(by_kind["tot"])
        out += tots
        trained_at = {}
        tot_end = {x.session_id: _t(x.date, x.end) for x in tots}
        for tid, r in self.rows.items():
            if r.tot_session_id:
                trained_at[tid] = tot_end.get(r.tot_session_id, 10**12) + self.margin.get(tid, 0)
        dem = {(u.unit_type, u.unit_id): u for u in compute_demand(self.sc).units}
        units: dict[tuple[str, str], list[Session]] = defaultdict(list)
        for x in by_kind["cadre"] + by_kind["local"]:
            units[(x.unit_type, x.unit_id)].append(x)
        changed_units: set[tuple[str, str]] = set()
        self.step1_units = set(units)
        cadre_keys = sorted(k for k in units if units[k][0].audience in FDF_AUDIENCES)
        for key in cadre_keys + sorted(k for k in units if k not in set(cadre_keys)):
            if key not in cadre_keys and self.wait is None:
                self.wait = self._seat_heads(out, units)  # heads first: cadre sessions are now all placed
            new, changed = self._unit(key, units[key], dem.get(key), trained_at)
            out += new
            if changed:
                changed_units.add(key)
        out += self._roadmap(by_kind["roadmap"], out, changed_units)
        self._heads_report(out)
        return out

    # -- heads first (solvers.heads): teachers wait for their head's cadre session
    # times in minutes (_t); the matching is the checker's (planner.heads_first)
    def _teacher_first(self, xs) -> dict[tuple[str, str], int]:
        return first_teacher_sessions(xs, start=lambda x: _t(x.date, x.start))

    def _seats(self, xs) -> dict[tuple[str, str], list]:
        return cadre_seats(xs, end=lambda x: _t(x.date, x.end))

    def _match(self, seats, first: dict[tuple[str, str], int]) -> dict[tuple[str, str], int | None]:
        return match_heads(seats, first, self.head_of)

    def _seat_heads(self, placed, units) -> dict[tuple[str, str], int]:
        """The time each unit's teachers wait for (their head's seat); units whose teachers already had a
        held session take their seats first (as the checker matches them)."""
        if not self.head_of:
            return {}
        held_first = self._teacher_first(x for x in self.sessions if self.state(x) == "held")
        others = {k: 10**13 - len(xs) for k, xs in units.items() if k in self.head_of and k not in held_first}
        seat = self._match(self._seats(placed), {**held_first, **others})
        return {k: v for k, v in seat.items() if v is not None and k not in held_first}

    def _heads_report(self, xs) -> None:
        """Units whose head can no longer be trained before their teachers: said, not hidden."""
        if not self.head_of:
            return
        seat = self._match(self._seats(xs), self._teacher_first(xs))
        who = {"etablissement": "le chef d'établissement", "circonscription": "l'IEN de la circonscription"}
        for k, v in sorted(seat.items(), key=lambda kv: kv[0]):
            if v is not None:
                continue
            name = self.name(*k)
            dep = self.deps.get(k, "")
            self.unplaced.append(Unplaced(k[0], k[1], name, self.acad.code, dep, "step1",
                                          "perdir" if k[0] == "etablissement" else "inspectors", 0, "heads_first",
                                          f"{name} : cadres d'abord impossible au suivi : {who[k[0]]} n'a pas de place "
                                          f"dans une session de cadres terminée avant la première session de ses "
                                          f"enseignants (déjà tenue, ou sessions de cadres annulées)."))

    def _tot(self, tots: list[Session]) -> list[Session]:
        deps = sorted(d.code for d in self.sc.departements)
        table = None
        out = []
        for x in sorted(tots, key=lambda x: (x.date, x.start, x.session_id)):
            if self.state(x) == "held":
                self.counts.held += 1
            if not self.must_replace(x):
                if self.state(x) != "held" and x.date < self.pf:  # its trainees held sessions: it took place
                    x = dataclasses.replace(x, status="held", present=x.participants, held_date=x.date)
                    self.inferred_held.append(x.session_id)
                else:
                    self.counts.kept += self.state(x) != "held"
                out.append(x)
                continue
            if table is None:
                slots = _common_slots([audience_slots("trainers", self.s, self.zone, d, self.s.tot_minutes) for d in deps])
                table = SlotTable([sl for sl in slots if sl.date >= self.pf])
            placed = None
            for k in range(len(table)):
                f = self.pool.take(table.days[k], table.times[k], table.ends[k], place=session_place(x))
                if f is not None:
                    placed = self._moved(x, table.slots[k], f)
                    break
            if placed is None:
                self._unplaced(x, 1, "fdf_capacity", f"Formation de formateurs {x.session_id} : aucun créneau avec un "
                                                     f"formateur de formateurs libre après le {self.pf.isoformat()}.")
                continue
            self._count_replaced(x, placed)
            out.append(placed)
        return out

    def _unit(self, key, xs: list[Session], ud, trained_at) -> tuple[list[Session], bool]:
        s, gs = self.s, self.s.group_size
        held = [x for x in xs if self.state(x) == "held"]
        self.counts.held += len(held)
        main = sorted((x for x in xs if x.title != MAKEUP_TITLE), key=lambda x: (x.group, x.session_id))
        makeups = sorted((x for x in xs if x.title == MAKEUP_TITLE), key=lambda x: x.session_id)
        tmpl = xs[0]
        changed = False
        # groups: follow the scenario's headcount (never dropping a held group)
        if ud is not None and ud.sessions != len(main):
            if ud.sessions > len(main):
                top = max((x.group for x in main), default=0)
                for g in range(top + 1, top + 1 + ud.sessions - len(main)):
                    main.append(dataclasses.replace(tmpl, session_id=f"S1-{tmpl.unit_id}-{g:02d}", group=g, pinned=False,
                                                    date=dt.date.min, title="", status="planned", present=None,
                                                    held_date=None))
                    self.counts.added += 1
            else:
                extra = len(main) - ud.sessions
                for x in sorted((x for x in main if self.state(x) != "held"), key=lambda x: -x.group)[:extra]:
                    main.remove(x)
                    self.counts.removed += 1
            changed = True
        if ud is not None and sum(x.participants for x in main) != ud.people and main:
            free = [x for x in main if self.state(x) != "held"]
            sizes = _split(ud.people - sum(x.participants for x in main if self.state(x) == "held"), len(free))
            repl = {id(x): dataclasses.replace(x, participants=min(n, gs)) for x, n in zip(free, sizes)}
            main = [repl.get(id(x), x) for x in main]
        # make-up groups for the absent
        want = 0
        absent = 0
        if self.opts.absentees_to_train:
            absent = sum(max(0, x.participants - (self.statuses[x.session_id].present or 0)) for x in held)
            want = makeup_groups(absent, gs, self.opts.makeup_min_absent)
        if want != len(makeups):
            changed = True
            if want > len(makeups):
                n0 = len(makeups)
                for n in range(n0 + 1, want + 1):
                    makeups.append(dataclasses.replace(tmpl, session_id=f"S1-{tmpl.unit_id}-R{n:02d}", group=0,
                                                       pinned=False, date=dt.date.min, title=MAKEUP_TITLE,
                                                       status="planned", present=None, held_date=None))
                    self.counts.makeup += 1
            else:
                for x in [x for x in makeups if self.state(x) != "held"][::-1][:len(makeups) - want]:
                    makeups.remove(x)
                    self.counts.removed += 1
        if makeups:
            free = [x for x in makeups if self.state(x) != "held"]
            sizes = _split(absent - sum(x.participants for x in makeups if self.state(x) == "held"), len(free))
            repl = {id(x): dataclasses.replace(x, participants=min(n, gs)) for x, n in zip(free, sizes)}
            makeups = [repl.get(id(x), x) for x in makeups]
        every = main + makeups
        if tmpl.audience in FDF_AUDIENCES:
            return self._cadre(every), changed
        # local unit: trainers and their readiness
        trainers = self.local_trainers.get(key, [])
        k_of = {t.id: k for k, t in enumerate(trainers)}
        ready = [NEVER if t.qualified else trained_at.get(t.id, 10**12) for t in trainers]
        head_seat = (self.wait or {}).get(key)
        if head_seat is not None:  # heads first: the teachers wait for their head's session
            ready = [max(r, head_seat) for r in ready]
        tb = self.table(tmpl.audience, tmpl.departement)
        index = self.index(tb)
        pinned, every, fixed, pin_moved = self._pinned(key, every, tb, index, trainers, k_of, ready)
        changed = changed or pin_moved
        taken = set(fixed)
        kept, to_place = [], []
        for x in every:
            if self.state(x) == "held":
                kept.append(x)
                i, k = index.get((x.date, _t(x.date, x.start) % 1440)), k_of.get(x.trainer_id)
                if i is not None and k is not None:
                    fixed.append((i, k))
                continue
            if x.date == dt.date.min or self.must_replace(x):
                to_place.append(x)
                continue
            i, k = index.get((x.date, _t(x.date, x.start) % 1440)), k_of.get(x.trainer_id)
            if i is None or k is None or ready[k] > tb.times[i] or (i, k) in taken:
                to_place.append(x)  # must move: slot closed, trainer gone or not trained in time, or a pin took it
                continue
            kept.append(x)
            fixed.append((i, k))
        if not to_place:
            self.counts.kept += len(kept) - len(held)
            return kept + pinned, changed
        if not trainers:
            for x in to_place:
                self._unplaced(x, 1, "no_trainer", f"{self.name(x.unit_type, x.unit_id)} : aucun formateur local "
                                                   f"pour replacer {x.session_id}.",
                               kind="makeup" if x.title == MAKEUP_TITLE else None)
            return kept + pinned, True
        caps = Caps(s.max_per_local_trainer_per_day, s.max_per_local_trainer_per_week,
                    s.wednesday_mornings_per_term_1d if tmpl.audience == "teachers_1d" else None)
        prefs = [p for p in self.sc.preferences if (p.unit_type, p.unit_id) == key]
        pen = _penalties(tb, prefs, s, tmpl.audience)
        assigned, left, _ = place_unit(tb, len(fixed) + len(to_place), ready, caps, fixed=fixed, penalties=pen,
                                       w_completion=s.weight_completion, origin=self.pf.toordinal())
        fixed_set = set(fixed)
        new = sorted((a for a in assigned if a not in fixed_set), key=lambda a: (tb.times[a[0]], a[1]))
        to_place.sort(key=lambda x: (x.title == MAKEUP_TITLE, x.group, x.session_id))
        out = kept + pinned
        self.counts.kept += len(kept) - len(held)
        for x, (i, k) in zip(to_place, new):
            y = self._moved(x, tb.slots[i], trainers[k].id)
            if x.date != dt.date.min:
                self._count_replaced(x, y)
            out.append(y)
        for x in to_place[len(new):]:
            self._unplaced(x, 1, "capacity", f"{self.name(x.unit_type, x.unit_id)} : pas de créneau libre après le "
                                             f"{self.pf.isoformat()} pour {x.session_id}.",
                           kind="makeup" if x.title == MAKEUP_TITLE else None)
        return out, True

    def _cadre(self, every: list[Session]) -> list[Session]:
        kept, to_place = [], []
        tmpl = every[0]
        tb = self.table(tmpl.audience, tmpl.departement, tmpl.unit_id)
        open_ = {(sl.date, sl.start) for sl in tb.slots}
        for x in every:
            if self.state(x) == "held":
                kept.append(x)
            elif x.date == dt.date.min or self.must_replace(x):
                to_place.append(x)
            elif (x.date, _t(x.date, x.start) % 1440) not in open_:
                to_place.append(x)  # its meeting is no longer open: it must move
                self.pool_release(x)
            else:
                kept.append(x)
                self.counts.kept += 1
        if not to_place:
            return kept
        out = list(kept)
        queue = sorted(to_place, key=lambda x: (x.title == MAKEUP_TITLE, x.group, x.session_id))
        for i in range(len(tb)):
            while queue:
                f = self.pool.take(tb.days[i], tb.times[i], tb.ends[i], pack=True, place=session_place(queue[0]))
                if f is None:
                    break
                x = queue.pop(0)
                y = self._moved(x, tb.slots[i], f)
                if x.date != dt.date.min:
                    self._count_replaced(x, y)
                out.append(y)
            if not queue:
                break
        for x in queue:
            self._unplaced(x, 1, "fdf_capacity", f"{self.name(x.unit_type, x.unit_id)} : aucune réunion avec un "
                                                 f"formateur de formateurs libre après le {self.pf.isoformat()} "
                                                 f"pour {x.session_id}.",
                           kind="makeup" if x.title == MAKEUP_TITLE else None)
        return out

    def _held(self, x: Session) -> bool:
        """Recorded held, or presumed held by this re-plan."""
        return self.state(x) == "held" or x.status == "held"

    def _presumed(self, x: Session) -> Session:
        """A past session of a step without sign-in sheet, not recorded: presumed held (said in the report,
        then recorded as held)."""
        if self.state(x) != "planned" or x.kind not in PRESUMED_KINDS or x.date >= self.pf:
            return x
        self.presumed_held.append(x.session_id)
        return dataclasses.replace(x, status="held", present=x.participants, held_date=x.date)

    def _roadmap(self, later: list[Session], placed: list[Session], changed: set[tuple[str, str]]) -> list[Session]:
        """Steps 2 to 6: kept as they are, except in units whose step 1 changed or that have a later-step
        session to place again; those units' later steps are planned again from ``plan_from``."""
        by_unit: dict[tuple[str, str], list[Session]] = defaultdict(list)
        for x in later:
            by_unit[(x.unit_type, x.unit_id)].append(x)
        out = []
        redo = []
        for key, xs in by_unit.items():
            if key not in changed:  # unless the unit's step 1 moves (its later steps then follow it again)
                xs[:] = [self._presumed(x) for x in xs]
            held = sum(map(self._held, xs))
            self.counts.held += held
            if key in changed or any(self.must_replace(x) or (x.date < self.pf and not self._held(x)) for x in xs):
                redo.append(key)
            else:
                out += xs
                self.counts.kept += len(xs) - held
        self.redone = set(redo)
        if not redo:
            return out
        try:
            from .roadmap import plan_roadmap
        except ImportError:
            return out + [x for k in redo for x in by_unit[k]]
        sc_pf = self.sc.model_copy(update={"settings": self.s.model_copy(update={"start_date": self.pf})})
        keys = set(redo)
        sc_pf = sc_pf.model_copy(update={
            "circonscriptions": [u for u in self.sc.circonscriptions if ("circonscription", u.id) in keys],
            "etablissements": [u for u in self.sc.etablissements if ("etablissement", u.uai) in keys],
        })
        step1 = [x for x in placed if x.kind in ("tot", "step1") and x.title != MAKEUP_TITLE]
        res = plan_roadmap(sc_pf, Plan(sessions=step1, trainers=list(self.rows.values()), units=[]))
        fresh, unplaced = res if isinstance(res, tuple) else (res, [])
        fresh_by: dict[tuple[str, str], list[Session]] = defaultdict(list)
        for x in fresh:
            fresh_by[(x.unit_type, x.unit_id)].append(x)
        for key in redo:
            old = {x.session_id: x for x in by_unit[key]}
            held = [x for x in by_unit[key] if self._held(x)]
            held_ids = {x.session_id for x in held}
            out += held
            for x in fresh_by.get(key, []):
                if x.session_id in held_ids:
                    continue
                o = old.get(x.session_id)
                if o is None:
                    self.counts.added += 1
                else:
                    self._count_replaced(o, x)
                out.append(x)
        met = {(x.unit_type, x.unit_id) for x in out if x.window == "rentree_meeting" and x.status == "held"}
        records = (u if isinstance(u, Unplaced) else Unplaced.from_dict(u) for u in unplaced)
        self.unplaced += [u for u in records if (u.unit_type, u.unit_id) in keys
                          and not (u.rule == PAST_RULE and (u.unit_type, u.unit_id) in met)]
        return out


def replan_rest(sc: Scenario, plan: Plan, statuses: dict[str, SessionStatus], opts: FollowupOptions) -> Plan:
    """A new plan: held sessions unchanged, the rest re-planned from ``opts.plan_from`` (see the module)."""
    from .summary import kpis

    if getattr(sc.settings, "plan_from", None) != opts.plan_from:  # slot tables and later steps start there too
        sc = sc.model_copy(update={"settings": sc.settings.model_copy(update={"plan_from": opts.plan_from})})
    by_code: dict[str, list[Session]] = defaultdict(list)  # one pass over the nation's sessions
    for x in plan.sessions:
        by_code[x.academie].append(x)
    rows_of: dict[str, list] = defaultdict(list)
    for r in plan.trainers:
        rows_of[r.academie].append(r)
    codes = sorted(by_code)
    known = {a.code for a in sc.academies}
    sessions: list[Session] = []
    unplaced: list[Unplaced] = []
    counts = _Counts()
    step1_units: set[tuple[str, str]] = set()
    redone: set[tuple[str, str]] = set()
    inferred: list[str] = []
    presumed: list[str] = []
    for code in codes:
        xs = by_code[code]
        if code not in known:
            sessions += xs
            continue
        sub = sc.restricted_to(code) if len(sc.academies) > 1 else sc
        a = _Academie(sub, xs, statuses, opts, rows_of[code])
        sessions += a.run()
        unplaced += a.unplaced
        counts.add(a.counts)
        step1_units |= a.step1_units
        redone |= a.redone
        inferred += a.inferred_held
        presumed += a.presumed_held

    def still(u: dict) -> bool:  # the old plan's unplaced entries that this re-plan did not revisit
        key = (u.get("unit_type"), u.get("unit_id"))
        kind = u.get("kind", "step1")
        if kind in ("step1", "makeup"):
            return key not in step1_units
        if kind == "tot":
            return True
        return key not in redone

    kept_unplaced = [u for u in plan.report.get("unplaced", []) if isinstance(u, dict) and still(u)]
    sessions.sort(key=lambda x: (x.date, x.start, x.session_id))
    report = dict(plan.report)
    report["unplaced"] = [u.as_dict() for u in unplaced] + kept_unplaced
    report["kpis"] = {**plan.report.get("kpis", {}), **kpis(sc, sessions)}
    pf = opts.plan_from.isoformat()  # the checker reads the plan's dates from its report
    # the settings this re-plan used, plan_from included (the window says a plan stale when they differ from the
    # scenario's), and what the first solve added beside them (each académie's pré-rentrée)
    report["settings"] = {**(report.get("settings") or {}), **sc.settings.model_dump(mode="json")}
    if isinstance(report.get("calendar"), dict):
        report["calendar"] = {**report["calendar"], "plan_from": pf}
    report["followup"] = {"plan_from": opts.plan_from.isoformat(), "inferred_held": inferred,
                          "presumed_held": presumed, "keep_announced": opts.keep_announced,
                          "absentees_to_train": opts.absentees_to_train, "makeup_min_absent": opts.makeup_min_absent,
                          **dataclasses.asdict(counts)}
    report["generated_at"] = dt.datetime.now().replace(microsecond=0).isoformat()
    from .venues import fill_missing_venues  # new sessions get their venue and attendees

    fill_missing_venues(sc, sessions, plan.trainers)
    return Plan(sessions=sessions, trainers=plan.trainers, units=plan.units, report=report)


__all__ = ["FollowupOptions", "replan_rest"]
