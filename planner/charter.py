"""Charter skeleton (step 3): a PDF with the unit's name, headings and prompts only.

The structure is the one French institutions converged on: a short charter (about four pages)
stating principles (curiosité, transparence, précaution, sobriété), recommendations, obligations
and prohibitions; a good-practice guide for users; a governance guide (cadrer, réussir, évaluer et
améliorer); a bibliography; a revision date. The unit fills it in with its working groups'
conclusions (step 2) and its pupils' delegation (CVC, CVL, conseil d'école).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .paths import resource_path
from xml.sax.saxutils import escape

FONT_DIR = resource_path("fonts")

TITLE = "Charte de l'intelligence artificielle"

# (heading, [(subheading or "", [prompts])])
SECTIONS: list[tuple[str, list[tuple[str, list[str]]]]] = [
    ("Préambule", [
        ("", [
            "Pourquoi cette charte : les usages de l'IA générative constatés dans l'unité, les attentes des "
            "enseignants, des élèves et des familles.",
            "Sur quoi elle s'appuie : le cadre d'usage de l'IA en éducation publié par le ministère, le RGPD, "
            "le règlement européen sur l'IA, les conclusions des groupes de travail.",
            "Qui l'a rédigée : groupes de travail, délégation d'élèves, instance qui l'a adoptée (date).",
        ]),
    ]),
    ("1. Principes", [
        ("Curiosité", ["Encourager l'exploration raisonnée des outils d'IA : dans quels cadres, avec quel "
                       "accompagnement ?"]),
        ("Transparence", ["Signaler tout usage de l'IA dans un travail, un document ou une communication : "
                          "comment, et sous quelle forme ?"]),
        ("Précaution", ["Vérifier les contenus produits, protéger les personnes et leurs données : quelles "
                        "vérifications sont attendues ?"]),
        ("Sobriété et parcimonie", ["Utiliser l'IA quand elle apporte une valeur réelle, en tenant compte de son "
                                    "coût environnemental : quels usages privilégier, lesquels éviter ?"]),
    ]),
    ("2. Recommandations", [
        ("Pour les enseignants", ["Usages recommandés pour préparer, différencier, adapter, évaluer (à compléter "
                                  "avec les conclusions des groupes de travail)."]),
        ("Pour les élèves", ["Usages recommandés pour apprendre sans court-circuiter la réflexion : recherche, "
                             "entraînement, reformulation…"]),
        ("Pour les personnels", ["Usages recommandés pour la communication et la gestion administrative."]),
    ]),
    ("3. Obligations et interdictions", [
        ("Protection des données (RGPD)", ["Aucune donnée personnelle d'élève ou de personnel dans un outil non "
                                           "autorisé ; outils validés par l'institution ; rôle du délégué à la "
                                           "protection des données."]),
        ("Paternité et responsabilité des contenus générés", ["Chacun reste l'auteur et le responsable de ce qu'il "
                                                              "produit ou diffuse avec l'IA : citer l'outil, vérifier, "
                                                              "assumer."]),
        ("Pas de substitution sans contrôle d'un acte de l'enseignant", ["Aucune note, appréciation ou décision "
                                                                         "concernant un élève n'est déléguée à une IA "
                                                                         "sans contrôle humain."]),
        ("Ce qui est interdit", ["Liste des usages interdits dans l'unité (à compléter) et conséquences prévues "
                                 "par le règlement intérieur."]),
    ]),
    ("4. Guide des bonnes pratiques pour les utilisateurs", [
        ("", [
            "Bien formuler une requête ; croiser et vérifier les réponses ; citer l'usage de l'IA.",
            "Protéger ses données et celles des autres ; choisir les outils autorisés.",
            "Exemples concrets issus des groupes de travail (devoirs, documents, adaptation, évaluation).",
            "À qui s'adresser en cas de doute (référent numérique, formateur, direction).",
        ]),
    ]),
    ("5. Guide pour la gouvernance", [
        ("Cadrer", ["Qui pilote ; quelles instances (conseil pédagogique, CVC/CVL, conseil d'administration ou "
                    "conseil d'école) ; calendrier des points d'étape."]),
        ("Réussir", ["Formation des personnels (briques), accompagnement des élèves, information des familles "
                     "(réunion de rentrée, cafés IA)."]),
        ("Évaluer et améliorer", ["Indicateurs de suivi, retours des utilisateurs, incidents ; révision annuelle "
                                  "de la charte."]),
    ]),
    ("6. Bibliographie", [
        ("", [
            "Inspection générale de l'éducation, du sport et de la recherche (IGÉSR), « L'IA dans les "
            "établissements scolaires », 2025.",
            "Ministère de l'Éducation nationale, cadre d'usage de l'intelligence artificielle en éducation.",
            "Règlement général sur la protection des données (RGPD) ; règlement européen sur l'IA (2024).",
            "Ressources choisies par l'unité (à compléter).",
        ]),
    ]),
]


def _fonts() -> tuple[str, str, str]:
    """Register DejaVu (full French glyphs) when the fonts are shipped; else Helvetica."""
    try:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        files = {"CharterSans": "DejaVuSans.ttf", "CharterSans-Bold": "DejaVuSans-Bold.ttf",
                 "CharterSans-Oblique": "DejaVuSans-Oblique.ttf"}
        if all((FONT_DIR / f).exists() for f in files.values()):
            for name, f in files.items():
                if name not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f)))
            return "CharterSans", "CharterSans-Bold", "CharterSans-Oblique"
    except Exception:  # a broken font file: fall back to the built-in fonts
        pass
    return "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"


def write_charter_skeleton(unit_name: str, uai_or_id: str, out_path: str | Path,
                           revision: dt.date | None = None) -> Path:
    """Write the charter skeleton of one unit to ``out_path`` (PDF, A4) and return the path."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    regular, bold, italic = _fonts()
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    if revision is None:  # next 30 June: the end of the school year in which it is adopted
        today = dt.date.today()
        revision = dt.date(today.year, 6, 30)
        if revision <= today:
            revision = dt.date(today.year + 1, 6, 30)
    title_st = ParagraphStyle("t", fontName=bold, fontSize=20, leading=25, spaceAfter=8)
    sub_st = ParagraphStyle("s", fontName=regular, fontSize=13, leading=17, spaceAfter=14)
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=14, leading=18, spaceBefore=12, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=11, leading=14, spaceBefore=6, spaceAfter=3)
    body = ParagraphStyle("b", fontName=regular, fontSize=10, leading=13.5, spaceAfter=4)
    prompt = ParagraphStyle("p", fontName=italic, fontSize=10, leading=13.5, leftIndent=12, spaceAfter=3,
                            textColor="#444444")
    lines = ParagraphStyle("l", fontName=regular, fontSize=10, leading=16, leftIndent=12, textColor="#999999")

    name, uid = escape(unit_name), escape(uai_or_id)
    story = [
        Paragraph(escape(TITLE), title_st),
        Paragraph(f"{name} — {uid}", sub_st),
        Paragraph("Trame à compléter par l'unité avec les conclusions de ses groupes de travail et sa délégation "
                  "d'élèves, puis à faire adopter en instance (conseil d'administration ou conseil d'école). "
                  "Charte courte : environ quatre pages une fois complétée.", body),
        Paragraph(f"Adoptée le : ……………… par : ……………………………… — Date de révision : {revision.strftime('%d/%m/%Y')}", body),
        Spacer(1, 0.4 * cm),
    ]
    for k, (heading, parts) in enumerate(SECTIONS):
        if heading.startswith("4."):  # the guides after the charter itself
            story.append(PageBreak())
        story.append(Paragraph(escape(heading), h1))
        for sub, prompts in parts:
            if sub:
                story.append(Paragraph(escape(sub), h2))
            for p in prompts:
                story.append(Paragraph("▸ " + escape(p) if regular != "Helvetica" else "- " + escape(p), prompt))
            story.append(Paragraph("…………………………………………………………………………………………………………<br/>"
                                   "…………………………………………………………………………………………………………", lines))
    story += [
        Spacer(1, 0.5 * cm),
        Paragraph("Date de révision", h1),
        Paragraph(f"Prochaine révision prévue le {revision.strftime('%d/%m/%Y')} (revue annuelle en conseil "
                  "pédagogique et en instance).", body),
    ]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawString(2 * cm, 1.2 * cm, f"{TITLE} — {unit_name} ({uai_or_id})")
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"page {doc.page}")
        canvas.restoreState()

    tmp = out.with_name(out.name + ".tmp")
    doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=f"{TITLE} — {unit_name}", author="Planificateur IA",
                            subject=f"Trame de charte IA — {uai_or_id}")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    tmp.replace(out)
    return out
