"""Who attends each session and where it happens (after the timetable is fixed).

Run once per académie after step 1 (:func:`assign_step1`) and again after steps 2–6
(:func:`assign_roadmap`). Nothing here moves a session in time; it decides:

- **who attends** (``Session.attendees``, ``id:count`` pairs summing to ``participants``):
  a 2nd-degré group its établissement; a 1er-degré group its écoles (imported annuaires) or its
  circonscription (national reference); a bassin's cadre sessions the établissements whose
  heads sit in them (établissements whose teachers start earliest take the earliest sessions, so
  heads come first); a collège d'inspecteurs the circonscriptions (their IEN) and the département
  (IA-IPR and others); a train-the-trainer session its trainers;
- **1er-degré groups by école**: the circonscription's écoles are chained by proximity and cut into
  the unit's groups in order; an école goes whole into a group when it fits, so an école of at
  most ``group_size`` teachers sits in at most two groups, and only when the count of groups
  leaves no choice; a group meets at its largest école, and a trainer's groups of one day meet at
  one école when moving between them would not leave the travel time;
- **where**: the établissement; the host école; the bassin's host établissement (nearest the
  bassin's centre); the DSDEN for inspectors; the académie's training site nearest the trainees;
- **travel**: the académie's formateurs de formateurs are re-dealt chronologically so that none
  has two sessions on one day closer than the travel time between their venues; a brique trainer
  who cannot reach the venue in time is replaced by « formateur à désigner ».
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from planner.models import Scenario
from planner.sources.annuaire.proximity import proximity_chain  # one nearest-neighbour chain
from planner.plan import Session, TrainerRow
from planner.venues import (
    Place,
    Venue,
    place_of,
    place_travel_minutes,
    format_attendees,
    haversine_km,
    load_training_sites,
    seat_of_departement,
    session_travel_minutes,
    travel_minutes,
)


def _venue_of(name: str, address: str, postcode: str, commune: str, lat, lon) -> Venue:
    return Venue(name, address, postcode, commune, lat, lon)


def _centre(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def fill_groups(items: list[tuple[str, int]], n_groups: int, total: int, group_size: int) -> list[list[tuple[str, int]]]:
    """Cut ordered ``items`` (id, people) into ``n_groups`` groups of at most ``group_size``,
    ``total`` people in all. An item that fits whole in the next group is not split unless the
    groups left could not hold the rest."""
    groups: list[list[tuple[str, int]]] = []
    queue = [[i, n] for i, n in items if n > 0]
    q = 0
    remaining = min(total, sum(n for _, n in queue))
    for j in range(n_groups):
        need_min = max(remaining - (n_groups - j - 1) * group_size, 1)
        target = -(-remaining // max(n_groups - j, 1))  # even groups when items allow
        fill, members = 0, []
        while q < len(queue) and fill < group_size and remaining - fill > 0:
            if fill >= target and fill >= need_min:
                break
            uid, left = queue[q]
            room = min(group_size - fill, remaining - fill)
            if left <= room:
                members.append((uid, left))
                fill += left
                q += 1
                continue
            if fill >= need_min and left <= group_size:
                break  # a small item goes whole into the next group
            take = min(room, max(target - fill, need_min - fill, 1))
            members.append((uid, take))
            queue[q][1] -= take
            fill += take
        remaining -= fill
        groups.append(members)
    return groups


class VenueBook:
    """Every place a scenario knows: établissements, écoles, circonscription seats, bassin hosts,
    DSDEN, training sites."""

    def __init__(self, sc: Scenario, sites: dict[str, list[Venue]] | None = None) -> None:
        self.sc = sc
        self.sites = sites if sites is not None else load_training_sites()
        self.etab = {e.uai: _venue_of(e.name, e.address, e.postcode, e.commune, e.latitude, e.longitude)
                     for e in sc.etablissements}
        self.ecole = {e.uai: _venue_of(e.name if not e.commune or e.commune.lower() in e.name.lower() else f"{e.name} ({e.commune})",
                                       e.address, e.postcode, e.commune, e.latitude, e.longitude)
                      for e in sc.ecoles}
        self.ecoles_of: dict[str, list] = defaultdict(list)
        for e in sc.in_scope_ecoles():
            if e.teachers > 0:
                self.ecoles_of[e.circonscription].append(e)
        self.dep_name = {d.code: d.name for d in sc.departements}
        self.unit_dep = {e.uai: e.departement for e in sc.etablissements}
        self.unit_dep.update({c.id: c.departement for c in sc.circonscriptions})
        self._seat: dict[str, Venue] = {}
        self._host: dict[str, Venue] = {}
        self._bassin_etabs: dict[str, list] | None = None

    def bassin_etabs(self, bassin_id: str) -> list:
        """The bassin's in-scope établissements (else all of them), in the scenario's order."""
        if self._bassin_etabs is None:
            in_scope: dict[str, list] = defaultdict(list)
            every: dict[str, list] = defaultdict(list)
            for e in self.sc.in_scope_etablissements():
                in_scope[e.bassin].append(e)
            for e in self.sc.etablissements:
                every[e.bassin].append(e)
            self._bassin_etabs = {b: in_scope.get(b) or xs for b, xs in every.items()}
        return self._bassin_etabs.get(bassin_id, [])

    def seat(self, circ_id: str) -> Venue:
        v = self._seat.get(circ_id)
        if v is None:
            c = next(c for c in self.sc.circonscriptions if c.id == circ_id)
            if c.seat or c.address or c.latitude is not None:
                v = Venue(c.seat or f"Circonscription {c.name}", c.address, c.postcode, c.commune, c.latitude, c.longitude)
            else:
                ecoles = [e for e in self.ecoles_of.get(circ_id, []) if e.latitude is not None]
                centre = _centre([(e.latitude, e.longitude) for e in ecoles])
                if centre:
                    e = min(ecoles, key=lambda e: (haversine_km(e.latitude, e.longitude, *centre), e.uai))
                    v = self.ecole[e.uai]
                else:
                    v = Venue(f"Siège de la circonscription {c.name}")
            self._seat[circ_id] = v
        return v

    def bassin_host(self, bassin_id: str) -> Venue:
        v = self._host.get(bassin_id)
        if v is None:
            b = next(b for b in self.sc.bassins if b.id == bassin_id)
            etabs = self.bassin_etabs(bassin_id)
            located = [e for e in etabs if e.latitude is not None]
            centre = _centre([(e.latitude, e.longitude) for e in located])
            if centre:
                e = min(located, key=lambda e: (haversine_km(e.latitude, e.longitude, *centre), e.uai))
            elif etabs:
                e = max(etabs, key=lambda e: (e.teachers, e.uai))
            else:
                e = None
            v = self.etab[e.uai] if e is not None else Venue(f"Bassin {b.name}")
            self._host[bassin_id] = v
        return v

    def dsden(self, dep: str) -> Venue:
        return Venue(f"DSDEN — {self.dep_name.get(dep, dep)}")

    def site(self, academie: str, points: list[tuple[float, float]]) -> Venue:
        sites = self.sites.get(academie) or []
        if not sites:
            name = next((a.name for a in self.sc.academies if a.code == academie), academie)
            return Venue(f"Académie de {name} (site à préciser)")
        centre = _centre(points)
        if centre is None or len(sites) == 1:
            return sites[0]
        return min(sites, key=lambda v: haversine_km(v.lat, v.lon, *centre))

    def tot_site(self, academie: str, trainees) -> Venue:
        """The training site of a train-the-trainer group (objects with ``unit_type``, ``unit_id``)."""
        dep = self.unit_dep
        pts = [p for t in trainees if (p := self.unit_point(t.unit_type, t.unit_id, dep.get(t.unit_id, ""))) is not None]
        return self.site(academie, pts)

    def cadre_venue(self, unit_type: str, unit_id: str) -> Venue:
        return self.bassin_host(unit_id) if unit_type == "bassin" else self.dsden(unit_id)

    def unit_point(self, unit_type: str, unit_id: str, departement: str) -> tuple[float, float] | None:
        v = self.etab.get(unit_id) if unit_type == "etablissement" else (
            self.seat(unit_id) if unit_type == "circonscription" else None)
        if v is not None and v.located:
            return v.lat, v.lon
        return seat_of_departement(departement)


class FdfPlaces:
    """Travel places of the sessions an FdF leads, for the solver's FdF pool (same rule as the
    checker: the venue's coordinates, else the session's département seat)."""

    def __init__(self, sc: Scenario) -> None:
        self.book = VenueBook(sc)
        self.speed = sc.settings.travel_speed_kmh
        self.fixed = sc.settings.travel_fixed_minutes
        self._cache: dict = {}

    def cadre(self, ud) -> Place:
        key = (ud.unit_type, ud.unit_id)
        p = self._cache.get(key)
        if p is None:
            p = self._cache[key] = place_of(self.book.cadre_venue(ud.unit_type, ud.unit_id), ud.departement)
        return p

    def tot(self, departement: str, trainees) -> Place:
        academie = trainees[0].academie if trainees else ""
        key = (departement, academie, tuple([(t.unit_type, t.unit_id) for t in trainees]))  # what the site depends on
        p = self._cache.get(key)
        if p is None:
            p = self._cache[key] = place_of(self.book.tot_site(academie, trainees), departement)
        return p

    def travel(self, p: Place, q: Place) -> int:
        return place_travel_minutes(p, q, self.speed, self.fixed)


def _set_venue(s: Session, v: Venue) -> None:
    s.venue, s.venue_address, s.venue_lat, s.venue_lon = v.name, v.address, v.lat, v.lon


class _OneUnit(dict):
    """(unit id, head count) → :func:`format_attendees` of that one unit, each text made once (a national plan
    gives 300,000 sessions such a list)."""

    __slots__ = ()

    def __missing__(self, key: tuple[str, int]) -> str:
        text = self[key] = format_attendees([key])
        return text


def _at_unit(xs: list[Session], v: Venue, uid: str) -> None:
    """Sessions ``xs`` of one unit, all held at ``v``, the unit their attendees."""
    place = (v.name, v.address, v.lat, v.lon)
    one = _OneUnit()
    for x in xs:
        x.venue, x.venue_address, x.venue_lat, x.venue_lon = place
        x.attendees = one[uid, x.participants]


def tot_travel_margins(sc: Scenario, sites: dict[str, list[Venue]] | None = None) -> dict[str, int]:
    """Per local trainer: minutes from the farthest training site of the académie to the farthest
    place the trainer delivers (their établissement, or any école of their circonscription):
    the trainer may deliver that long after the end of their train-the-trainer session."""
    book = VenueBook(sc, sites)
    s = sc.settings
    out: dict[str, int] = {}
    cache: dict[tuple[str, str], int] = {}
    dep_of: dict[str, str] = {}  # unit id → département (one pass, not one scan of every unit per unit)
    for u in sc.etablissements:
        dep_of.setdefault(u.uai, u.departement)
    for u in sc.circonscriptions:
        dep_of.setdefault(u.id, u.departement)
    for t in sc.trainers:
        if not t.is_local:
            continue
        key = (t.unit_type, t.unit_id)
        if key not in cache:
            sites_ = book.sites.get(t.academie) or [book.site(t.academie, [])]
            if t.unit_type == "etablissement":
                places = [book.etab.get(t.unit_id) or Venue(t.unit_id)]
            else:
                places = [book.ecole[e.uai] for e in book.ecoles_of.get(t.unit_id, [])] or [book.seat(t.unit_id)]
            dep = dep_of.get(t.unit_id, "")
            seat = seat_of_departement(dep)
            worst = 0
            for site in sites_:
                for p in places:
                    if not p.located and seat is not None:
                        p = Venue(p.name, p.street, p.postcode, p.commune, *seat)
                    worst = max(worst, travel_minutes(site, p, s.travel_speed_kmh, s.travel_fixed_minutes))
            cache[key] = worst
        out[t.id] = cache[key]
    return out


# --------------------------------------------------------------------------- step 1 and ToT
def assign_step1(sc: Scenario, sessions: list[Session], trainer_rows: list[TrainerRow],
                 book: VenueBook | None = None, refit: bool = True) -> dict:
    """Attendees and venues of the step-1 and train-the-trainer sessions (in place); the FdF are
    re-dealt for travel. Returns figures for the report."""
    book = book or VenueBook(sc)
    gs = sc.settings.group_size
    by_unit: dict[tuple[str, str], list[Session]] = defaultdict(list)
    first_teachers: dict[tuple[str, str], dt.datetime] = {}
    starts: dict[tuple[dt.date, str], dt.datetime] = {}  # Session.start_dt, once per (date, start)
    for x in sessions:
        if x.kind == "step1":
            by_unit[(x.unit_type, x.unit_id)].append(x)
            if x.audience in ("teachers_1d", "teachers_2d"):
                k = (x.unit_type, x.unit_id)
                st = starts.get((x.date, x.start))
                if st is None:
                    st = starts[(x.date, x.start)] = x.start_dt
                if k not in first_teachers or st < first_teachers[k]:
                    first_teachers[k] = st
    never = dt.datetime.max
    circs = {c.id: c for c in sc.circonscriptions}
    stats = {"ecole_groups": 0, "host_unified_days": 0}
    for (ut, uid), xs in by_unit.items():
        if ut == "etablissement":
            _at_unit(xs, book.etab.get(uid) or Venue(uid), uid)
        elif ut == "circonscription":
            _circonscription_groups(book, circs[uid], xs, gs, stats)
        elif ut == "bassin":
            etabs = book.bassin_etabs(uid)
            total = sum(x.participants for x in xs)
            counts = _apportion_heads(total, sorted(etabs, key=lambda e: (-e.teachers, e.uai)))
            heads = [(first_teachers.get(("etablissement", i), never), i) for i, _ in counts]
            extras = [(i, n - 1) for i, n in counts if n > 1]
            _seat(xs, heads, extras if counts else [(uid, total)], book.cadre_venue(ut, uid))
        elif ut == "departement":
            dep_circs = sorted((c for c in sc.circonscriptions if c.departement == uid),
                               key=lambda c: (first_teachers.get(("circonscription", c.id), never), c.id))
            total = sum(x.participants for x in xs)
            heads = [(first_teachers.get(("circonscription", c.id), never), c.id) for c in dep_circs[:total]]
            _seat(xs, heads, [(uid, total - len(heads))] if total > len(heads) else [], book.cadre_venue(ut, uid))
    # train-the-trainer sessions: their trainees, at the académie's site nearest to them
    trainees: dict[str, list[TrainerRow]] = defaultdict(list)
    for r in trainer_rows:
        if r.tot_session_id:
            trainees[r.tot_session_id].append(r)
    for x in sessions:
        if x.kind != "tot":
            continue
        rows = sorted(trainees.get(x.session_id, []), key=lambda r: r.trainer_id)
        _set_venue(x, book.tot_site(x.academie, rows))
        x.attendees = format_attendees([(r.trainer_id, 1) for r in rows])
    if refit:
        stats.update(refit_fdf(sc, sessions))
    return stats


def _apportion_heads(total: int, etabs: list) -> list[tuple[str, int]]:
    """The bassin's personnels de direction per établissement: as even as possible, the larger
    établissements (listed first) taking the remainder (an adjoint)."""
    n = len(etabs)
    if n == 0 or total <= 0:
        return []
    q, r = divmod(total, n)
    return [(e.uai, q + (1 if i < r else 0)) for i, e in enumerate(etabs) if q + (1 if i < r else 0) > 0]


def _seat(xs: list[Session], heads: list[tuple], extras: list[tuple[str, int]], venue: Venue) -> None:
    """Cadre sessions: each head (one seat, a deadline: their teachers' first session) in the earliest
    session with room, earliest deadlines first — so a head is trained before their teachers whenever
    the sessions allow it; then the other cadres (adjoints, IA-IPR) with their head, else where there
    is room. Counts sum to the sessions' participants."""
    xs.sort(key=lambda x: (x.date, x.start, x.session_id))
    room = [x.participants for x in xs]
    seated: list[dict[str, int]] = [{} for _ in xs]
    where: dict[str, int] = {}
    i = 0
    for _, uid in sorted(heads):
        while i < len(xs) and room[i] <= 0:
            i += 1
        if i == len(xs):
            break
        seated[i][uid] = seated[i].get(uid, 0) + 1
        room[i] -= 1
        where[uid] = i
    for uid, n in extras:
        start = where.get(uid, 0)
        for j in list(range(start, len(xs))) + list(range(start)):
            if n <= 0:
                break
            k = min(n, room[j])
            if k > 0:
                seated[j][uid] = seated[j].get(uid, 0) + k
                room[j] -= k
                n -= k
    for x, members in zip(xs, seated):
        _set_venue(x, venue)
        x.participants = sum(members.values())
        x.attendees = format_attendees(members.items())


def _circonscription_groups(book: VenueBook, c, xs: list[Session], gs: int, stats: dict) -> None:
    ecoles = book.ecoles_of.get(c.id, [])
    if not ecoles:
        _at_unit(xs, book.seat(c.id), c.id)
        return
    chain = proximity_chain(sorted(ecoles, key=lambda e: e.uai),
                            lambda e: (e.latitude, e.longitude) if e.latitude is not None else None)
    counts = _scale([e.teachers for e in chain], c.teachers)
    items = [(e.uai, n) for e, n in zip(chain, counts)]
    # a trainer's sessions of one day follow each other in the chain
    xs.sort(key=lambda x: (x.date, x.trainer_id, x.start, x.session_id))
    total = sum(x.participants for x in xs)
    groups = fill_groups(items, len(xs), total, gs)
    for x, members in zip(xs, groups):
        x.participants = sum(n for _, n in members)
        x.attendees = format_attendees(members)
        host = max(members, key=lambda m: m[1])[0] if members else None
        _set_venue(x, book.ecole[host] if host else book.seat(c.id))
        stats["ecole_groups"] += 1
    s = book.sc.settings
    bundle: dict[tuple, list[Session]] = defaultdict(list)
    for x in xs:
        bundle[(x.date, x.trainer_id)].append(x)
    for day in bundle.values():
        day.sort(key=lambda x: x.start)
        tight = any(_gap(a, b) < session_travel_minutes(a, b, s.travel_speed_kmh, s.travel_fixed_minutes)
                    for a, b in zip(day, day[1:]))
        if tight:  # the trainer stays at the day's main école; the other groups come to it
            weight: dict[str, int] = defaultdict(int)
            for x in day:
                for uid, n in x.attendee_counts:
                    weight[uid] += n
            main = max(sorted(weight), key=lambda u: weight[u])
            for x in day:
                _set_venue(x, book.ecole[main])
            stats["host_unified_days"] += 1


def _scale(values: list[int], total: int) -> list[int]:
    """``values`` rescaled to sum to ``total`` (largest remainders)."""
    s = sum(values)
    if s == total or s == 0:
        return list(values)
    quotas = [v * total / s for v in values]
    out = [int(q) for q in quotas]
    for i in sorted(range(len(values)), key=lambda i: -(quotas[i] - out[i]))[: total - sum(out)]:
        out[i] += 1
    return out


def _gap(a: Session, b: Session) -> int:
    return int((b.start_dt - a.end_dt).total_seconds() // 60)


def refit_fdf(sc: Scenario, sessions: list[Session]) -> dict:
    """Deal the FdF-led sessions of each académie again, chronologically, each to its FdF when that
    one can reach it (travel) and has room that day, else to another FdF who can. Returns
    ``{"fdf_moved": n, "travel_conflicts": n}``."""
    s = sc.settings
    fdf_ids = defaultdict(list)
    for t in sc.trainers:
        if t.role == "fdf":
            fdf_ids[t.academie].append(t.id)
    moved = conflicts = 0
    by_acad: dict[str, list[Session]] = defaultdict(list)
    for x in sessions:
        if x.trainer_id and (x.kind == "tot" or x.audience in ("perdir", "inspectors")):
            by_acad[x.academie].append(x)
    for acad, xs in by_acad.items():
        ids = sorted(fdf_ids.get(acad, []))
        xs.sort(key=lambda x: (x.date, x.start, x.session_id))
        day_of: dict[tuple[str, dt.date], list[Session]] = defaultdict(list)
        load: dict[str, int] = defaultdict(int)

        def fits(f: str, x: Session) -> bool:
            day = day_of[(f, x.date)]
            if len(day) >= s.max_per_fdf_per_day:
                return False
            for o in day:
                a, b = (o, x) if o.start_dt <= x.start_dt else (x, o)
                if _gap(a, b) < session_travel_minutes(a, b, s.travel_speed_kmh, s.travel_fixed_minutes):
                    return False
            return True

        for x in xs:
            choice = x.trainer_id if x.trainer_id in ids and fits(x.trainer_id, x) else None
            if choice is None:
                free = [f for f in ids if fits(f, x)]
                if free:
                    choice = min(free, key=lambda f: (load[f], f))
                    moved += 1
                else:
                    choice = x.trainer_id
                    conflicts += 1
            x.trainer_id = choice
            day_of[(choice, x.date)].append(x)
            load[choice] += 1
    return {"fdf_moved": moved, "travel_conflicts": conflicts}


# --------------------------------------------------------------------------- steps 2 to 6
_ROADMAP_KINDS = frozenset(("step2", "step3", "step4", "step5", "step6"))


def assign_roadmap(sc: Scenario, sessions: list[Session], book: VenueBook | None = None) -> dict:
    """Venues and attendees of steps 2–6 (in place): the unit's own place (établissement,
    circonscription seat); a brique of a circonscription meets where its trainer is that day.
    A brique trainer who could not travel in time is left « à désigner »."""
    book = book or VenueBook(sc)
    s = sc.settings
    day_venue: dict[tuple[str, dt.date], list[Session]] = defaultdict(list)
    for x in sessions:
        if x.kind == "step1" and x.trainer_id:
            day_venue[(x.trainer_id, x.date)].append(x)
    cleared = 0
    places: dict[tuple[str, str], tuple] = {}  # each unit's own place (name, address, lat, lon), found once
    one = _OneUnit()
    for x in sessions:
        if x.kind not in _ROADMAP_KINDS:
            continue
        key = (x.unit_type, x.unit_id)
        place = places.get(key)
        if place is None:
            if x.unit_type == "etablissement":
                v = book.etab.get(x.unit_id) or Venue(x.unit_id)
            else:
                v = book.seat(x.unit_id)
            place = places[key] = (v.name, v.address, v.lat, v.lon)
        x.venue, x.venue_address, x.venue_lat, x.venue_lon = place
        if x.unit_type == "etablissement":
            x.attendees = one[x.unit_id, x.participants]
            continue
        ecoles = book.ecoles_of.get(x.unit_id, [])
        if x.kind == "step4" and ecoles and x.participants:
            x.attendees = format_attendees(zip([e.uai for e in ecoles],
                                               _scale([e.teachers for e in ecoles], x.participants)))
            x.venue, x.venue_address, x.venue_lat, x.venue_lon = "Dans chaque école", "", None, None
        else:
            x.attendees = one[x.unit_id, x.participants]
        if x.kind == "step5" and x.trainer_id:
            same_day = day_venue.get((x.trainer_id, x.date), [])
            if same_day:
                near = min(same_day, key=lambda o: abs((o.start_dt - x.start_dt).total_seconds()))
                x.venue, x.venue_address, x.venue_lat, x.venue_lon = near.venue, near.venue_address, near.venue_lat, near.venue_lon
            for o in same_day:
                a, b = (o, x) if o.start_dt <= x.start_dt else (x, o)
                if _gap(a, b) < session_travel_minutes(a, b, s.travel_speed_kmh, s.travel_fixed_minutes):
                    x.trainer_id = ""
                    if "formateur à désigner" not in x.title:
                        x.title += " — formateur à désigner"
                    cleared += 1
                    break
            if x.trainer_id:
                day_venue[(x.trainer_id, x.date)].append(x)
    return {"brique_trainers_cleared": cleared}


def assign_unit(sc: Scenario, step1: list[Session], later: list[Session], kept: list[Session] = ()) -> None:
    """Venues and attendees of one re-planned unit: its new step-1 sessions, then its steps 2–6
    (``kept``: its step-1 sessions left in place)."""
    if not step1 and not later:
        return
    x0 = (step1 or later)[0]
    own = sc.restricted_to(x0.academie) if len(sc.academies) > 1 else sc
    book = VenueBook(own)
    if step1 and x0.unit_type == "circonscription":
        c = next(c for c in own.circonscriptions if c.id == x0.unit_id)
        _circonscription_groups(book, c, list(step1), own.settings.group_size, {"ecole_groups": 0, "host_unified_days": 0})
    elif step1:
        _at_unit(step1, book.etab.get(x0.unit_id) or Venue(x0.unit_id), x0.unit_id)
    assign_roadmap(own, list(step1) + list(kept) + list(later), book)


def fill_missing_venues(sc: Scenario, sessions: list[Session], trainer_rows: list[TrainerRow]) -> None:
    """After a re-plan that kept some sessions and made others (follow-up): venues and attendees again,
    trainers kept as they are."""
    if all(x.venue and (x.attendees or not x.participants) for x in sessions):
        return
    book = VenueBook(sc)
    assign_step1(sc, [x for x in sessions if x.kind in ("tot", "step1")], trainer_rows, book, refit=False)
    assign_roadmap(sc, sessions, book)
