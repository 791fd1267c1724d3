"""Printed plans and exports: PDF (établissement, circonscription, trainer, académie), batch, XLSX, CSV, ICS.

No Qt here: the window and the ``export`` command call the same functions. Each function takes a
:class:`~planner.plan.Plan` (or a :class:`PlanIndex` built once from it) and raises
:class:`ExportError` with a French message for user errors (unknown id, nothing to export).
"""
from __future__ import annotations

from .batch import ExportCancelled, export_batch, merge_pdfs, stderr_progress
from .common import ExportError, PlanIndex
from .excel import export_csv, export_xlsx
from .ics import export_ics
from .pdf import academie_figures, export_academie_pdf, export_trainer_pdf, export_unit_pdf

__all__ = [
    "ExportCancelled",
    "ExportError",
    "PlanIndex",
    "academie_figures",
    "export_academie_pdf",
    "export_batch",
    "export_csv",
    "export_ics",
    "export_trainer_pdf",
    "export_unit_pdf",
    "export_xlsx",
    "merge_pdfs",
    "stderr_progress",
]
