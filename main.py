"""Planificateur IA — entry point: no argument opens the window; subcommands run headless."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = {
    # name: (module, function, help)
    "demand": ("planner.cli", "run_demand", "Calcule la demande de formation (sessions à placer)"),
    "solve": ("solvers.pool_start", "run_solve", "Planifie l'étape 1 et la formation de formateurs"),
    "check": ("solvers.pool_start", "run_check", "Vérifie un plan de façon indépendante"),
    "export": ("planner.exports.cli", "run_export", "Exporte un plan (PDF, Excel, ICS)"),
    "compare": ("planner.cli", "run_compare", "Compare des plans côte à côte (dates, couverture, heures, coût)"),
    "import-annuaire": ("planner.sources.annuaire.cli", "run_import", "Importe l'annuaire de l'Éducation nationale (CSV)"),
    "export-modele": ("planner.sources.template.cli", "run_export_template",
                      "Écrit le modèle Excel d'un scénario (effectifs, formateurs, préférences, créneaux fixés)"),
    "import-modele": ("planner.sources.template.cli", "run_import_template",
                      "Applique un modèle Excel rempli à un scénario et écrit le fichier de scénario"),
    "import-calendrier": ("planner.sources.calendar", "run_import_calendrier",
                          "Importe le calendrier scolaire officiel (fr-en-calendrier-scolaire, CSV)"),
    "record": ("planner.cli", "run_record", "Enregistre les sessions tenues ou annulées (suivi de l'année)"),
}


SOLVE_EPILOG = (
    "Codes de sortie : 0 plan écrit et vérifié ; 1 le vérificateur signale des violations ; "
    "2 erreur (scénario, académie, dossier) ; 3 arrêté par Ctrl-C : comme « Arrêter » dans la fenêtre, "
    "le meilleur plan trouvé jusque-là est écrit et vérifié (un second Ctrl-C abandonne sans rien écrire, code 130)."
)


class _PipeSafe:
    """stdout/stderr that survive a closed pipe (``solve | head -1``): once the reader is gone, output goes
    to /dev/null and the command carries on (the plan is still written) and ends quietly."""

    def __init__(self, stream):
        self._s = stream

    def _drop(self) -> None:
        fd = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(fd, self._s.fileno())
        finally:
            os.close(fd)

    def write(self, text):
        try:
            return self._s.write(text)
        except BrokenPipeError:
            self._drop()
            return len(text)

    def flush(self):
        try:
            self._s.flush()
        except BrokenPipeError:
            self._drop()

    def __getattr__(self, name):
        return getattr(self._s, name)


def _guard_pipes() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and stream is getattr(sys, f"__{name}__"):
            try:
                stream.fileno()
            except (OSError, ValueError):
                continue
            setattr(sys, name, _PipeSafe(stream))


def _iso_date(text: str):
    """A date as AAAA-MM-JJ, or as a French user writes it, JJ/MM/AAAA."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"date « {text} » invalide : attendu AAAA-MM-JJ ou JJ/MM/AAAA "
                                         f"(ex. 2026-12-01 ou 01/12/2026)") from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description="Planificateur du déploiement de la formation à l'IA générative (feuille de route IGÉSR 2025). "
        "Sans commande : ouvre la fenêtre.",
    )
    p.add_argument("--screenshot", metavar="FICHIER.png", help="ouvre la fenêtre, enregistre une capture 1400 × 900 et quitte")
    p.add_argument("--academie", help="avec --screenshot : académie à sélectionner (code ou nom)")
    p.add_argument("--solve", action="store_true", help="avec --screenshot : planifie l'académie avant la capture")
    p.add_argument("--scenario", default=None, help="avec --screenshot : scénario à ouvrir")
    sub = p.add_subparsers(dest="command", metavar="COMMANDE")

    d = sub.add_parser("demand", help=COMMANDS["demand"][2])
    d.add_argument("--scenario", default="national", help="« national » (défaut) ou un fichier de scénario")
    d.add_argument("--json", action="store_true", help="sortie JSON")
    d.add_argument("--set", action="append", default=[], metavar="CLÉ=VALEUR", dest="overrides",
                   help="remplace un paramètre du scénario (répétable), ex. --set group_size=20")

    s = sub.add_parser("solve", help=COMMANDS["solve"][2], epilog=SOLVE_EPILOG)
    s.add_argument("--scenario", default="national")
    s.add_argument("--academie", help="code ou nom de l'académie (par défaut : toutes)")
    s.add_argument("--solver", choices=["cpsat", "greedy"], default="cpsat")
    s.add_argument("--time-limit", type=float, default=60.0, help="limite de la recherche CP-SAT par académie, en secondes (défaut 60)")
    s.add_argument("--workers", type=int, default=None, help="processus (défaut : nombre de cœurs)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--objective", choices=["weighted", "lexicographic"], default=None,
                   help="remplace le mode d'objectif du scénario")
    s.add_argument("--school-year", default=None, metavar="AAAA-AAAA",
                   help="année scolaire à planifier (ex. 2027-2028 ; défaut : celle du scénario, sinon l'année en cours)")
    s.add_argument("--from", "--plan-from", dest="plan_from", type=_iso_date, default=None, metavar="DATE",
                   help="AAAA-MM-JJ ou JJ/MM/AAAA : rien n'est placé avant cette date (défaut : aujourd'hui, ou le début "
                        "de l'horizon) ; "
                        "avec un fichier de scénario qui a un plan courant, les sessions tenues restent telles quelles")
    s.add_argument("--calendar", default=None, metavar="FICHIER",
                   help="calendrier scolaire officiel (CSV fr-en-calendrier-scolaire) : Corse et outre-mer")
    s.add_argument("--out", required=True, help="dossier du plan")
    s.add_argument("--quiet", action="store_true")
    s.add_argument("--set", action="append", default=[], metavar="CLÉ=VALEUR", dest="overrides",
                   help="remplace un paramètre du scénario (répétable), ex. --set group_size=20 "
                        "--set budget.rates.step1_2d=30")

    c = sub.add_parser("check", help=COMMANDS["check"][2])
    c.add_argument("plan_dir", metavar="DOSSIER")
    c.add_argument("--scenario", default=None, help="par défaut : celui que report.json désigne")

    e = sub.add_parser("export", help=COMMANDS["export"][2])
    e.add_argument("plan_dir", metavar="DOSSIER")
    e.add_argument("--kind", required=True,
                   choices=["etablissement", "circonscription", "trainer", "academie", "all-etablissements", "all-circonscriptions",
                            "charte", "inscription", "observatoire", "suivi", "bilan"],
                   help="inscription : une ligne par session pour le logiciel de gestion de la formation (csv, xlsx ; "
                        "voir docs/inscription.md) ; observatoire : déclarations pré-remplies (csv pour toutes, "
                        "pdf pour une unité avec --id) ; suivi : fiche de suivi d'une unité ou d'un formateur "
                        "(csv, xlsx) ; bilan : bilan de suivi (pdf, xlsx), depuis un dossier de plan ou un fichier de scénario")
    e.add_argument("--id", default=None)
    e.add_argument("--academie", default=None)
    e.add_argument("--format", choices=["pdf", "xlsx", "ics", "csv"], default="pdf")
    e.add_argument("--merged", action="store_true", help="lot : un PDF unique avec un signet par unité")
    e.add_argument("--workers", type=int, default=None)
    e.add_argument("--out", required=True)
    e.add_argument("--as-of", default=None, type=_iso_date, metavar="DATE",
                   help="bilan : date du bilan, AAAA-MM-JJ ou JJ/MM/AAAA (défaut : aujourd'hui)")

    m = sub.add_parser("compare", help=COMMANDS["compare"][2],
                       description="Compare deux plans ou plus : dossiers écrits par « solve --out », ou FICHIER#NOM "
                                   "pour un plan d'un fichier de scénario. Les sessions déplacées sont listées par "
                                   "identifiant (plans d'un même scénario).")
    m.add_argument("plans", nargs="+", metavar="PLAN")
    m.add_argument("--json", action="store_true", help="sortie JSON")
    m.add_argument("--out", default=None, help="document à écrire : comparaison.pdf ou comparaison.xlsx")
    m.add_argument("--sans-sessions", dest="no_sessions", action="store_true",
                   help="ne compare que les chiffres (plans de scénarios différents)")
    r = sub.add_parser("record", help=COMMANDS["record"][2])
    r.add_argument("scenario", metavar="SCENARIO", help="fichier de scénario (SQLite) avec un plan courant")
    r.add_argument("--from", dest="from_file", metavar="FICHIER",
                   help="CSV ou XLSX : session_id, statut (tenue, annulée, prévue), date, presents, noms (facultatif)")
    r.add_argument("--json", action="store_true", help="résumé JSON (rows, held, cancelled, rejected)")
    r.add_argument("--strict", action="store_true", help="n'enregistre rien si une ligne est refusée")
    r.add_argument("--undo", nargs="?", const="last", default=None, metavar="LOT",
                   help="annule un enregistrement (le dernier par défaut)")
    r.add_argument("--today", default=None, help=argparse.SUPPRESS)

    i = sub.add_parser("import-annuaire", help=COMMANDS["import-annuaire"][2])
    i.add_argument("file", metavar="FICHIER")
    i.add_argument("--academie", default=None)
    i.add_argument("--out", required=True, help="fichier de scénario à écrire")
    i.add_argument("--json", action="store_true")
    i.add_argument("--include-private", action="store_true")

    m = sub.add_parser("export-modele", help=COMMANDS["export-modele"][2])
    m.add_argument("--scenario", default="national", help="« national » (défaut) ou un fichier de scénario")
    m.add_argument("--academie", default=None, help="code ou nom de l'académie (par défaut : tout le scénario)")
    m.add_argument("--out", required=True, help="classeur .xlsx à écrire")

    r = sub.add_parser("import-modele", help=COMMANDS["import-modele"][2])
    r.add_argument("file", metavar="FICHIER.xlsx")
    r.add_argument("--scenario", default="national", help="scénario auquel appliquer le modèle (défaut : national)")
    r.add_argument("--out", required=True, help="fichier de scénario à écrire")
    k = sub.add_parser("import-calendrier", help=COMMANDS["import-calendrier"][2])
    k.add_argument("file", metavar="FICHIER")
    k.add_argument("--scenario", default=None,
                   help="fichier de scénario où enregistrer le calendrier (sans : vérification et résumé seulement)")
    k.add_argument("--json", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # the PyInstaller bundle: worker processes start through this program
        import multiprocessing

        multiprocessing.freeze_support()
    _guard_pipes()
    args = build_parser().parse_args(argv)
    if args.command is None:
        from ui.app import run_gui  # imported late: headless commands never load Qt

        return run_gui(args)
    global _command
    _command = args.command
    # run as the program, solve and check end through _leave: what they hold is then left for the process's end
    args.exit_soon = __name__ == "__main__" and args.command in FAST_EXIT
    module, func, _ = COMMANDS[args.command]
    try:
        handler = getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as exc:
        print(f"Erreur : la commande « {args.command} » n'est pas disponible ({exc}).", file=sys.stderr)
        return 2
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("\nInterrompu (Ctrl-C).", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: a French line and the details in a file, never a bare traceback
        return _internal_error(args.command, exc)


def _internal_error(command: str, exc: BaseException) -> int:
    import tempfile
    import traceback

    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        with tempfile.NamedTemporaryFile("w", prefix=f"planificateur-{command}-", suffix=".log", delete=False,
                                         encoding="utf-8") as f:
            f.write(text)
        where = f"détails techniques dans {f.name}"
    except OSError:
        where = "détails techniques : " + text.strip().splitlines()[-1]
    print(f"Erreur interne de la commande « {command} » : {type(exc).__name__} : {exc}. "
          f"Merci de signaler ce problème ({where}).", file=sys.stderr)
    return 2


_command: str | None = None  # the command main() ran
FAST_EXIT = ("solve", "check")  # commands ended by _leave when main.py is the program


def _leave(code: int) -> None:
    """End the process once a headless command is done, without the interpreter freeing its objects one by one
    (after a national ``solve`` or ``check``: hundreds of thousands of sessions, 0.2 to 0.5 s; the command keeps its
    plan and scenario until then when ``args.exit_soon``, :func:`solvers.cli.kept_until_exit`). The exit handlers
    still run (multiprocessing's included) and the output is flushed; anything else running (a thread left over)
    gets the ordinary exit."""
    import atexit
    import threading

    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    rc = main()
    if _command in FAST_EXIT:
        _leave(rc)
    sys.exit(rc)
