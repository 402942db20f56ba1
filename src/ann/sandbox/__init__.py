"""Safe auto-grading: ``nbgrader autograde`` with each submission jailed, bounded and distrusted.

A submission is untrusted code that runs on the instructor's machine. :func:`configure` turns
the course's nbgrader configuration into one where

- the notebook graded is the instructor's release with the student's answers pasted in
  (:mod:`ann.sandbox.intake`), so test cells and their metadata cannot be touched;
- the kernel runs in a bubblewrap sandbox under ``prlimit`` (:mod:`ann.sandbox.jail`): no
  course folder, gradebook, solutions, home folder or network inside; everything read-only but
  size-capped scratch folders; memory, process and file-size limits; a private process tree;
- the run has time and output limits and stops cleanly (:mod:`ann.sandbox.execute`);
- test cells meet pristine modules and built-ins (:mod:`ann.sandbox.kernel`) and compare plain
  data only (:mod:`ann.sandbox.instrument`);
- feedback and CSV exports carry no hidden test and no formula (:mod:`ann.sandbox.reports`).

The threat model and what remains out of scope are in ``docs/grading-security.md``. This module
imports nothing heavy: the kernel (:mod:`ann.sandbox.kernel`) imports it inside the sandbox.
"""

from __future__ import annotations

from typing import Any


def configure(c: Any, **limits: float) -> None:
    """Make nbgrader configuration ``c`` grade in the sandbox.

    Call it at the end of ``nbgrader_config.py``: ``configure(c)`` or, to change limits,
    ``configure(c, notebook_seconds=300, memory_bytes=2 * 1024**3)`` (the keyword arguments of
    :class:`ann.sandbox.limits.Limits`; the per-cell limit is ``Execute.timeout``).

    The other nbgrader commands work anywhere; ``nbgrader autograde`` refuses to grade (each
    submission fails with a message) where ``bwrap``, ``prlimit`` or ``setpriv`` is missing.

    Raises
    ------
    ValueError, TypeError
        If a limit is not a positive number (see :class:`ann.sandbox.limits.Limits`).
    """
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        GetGrades,
        IgnorePattern,
        LimitOutput,
        OverwriteCells,
        OverwriteKernelspec,
        SaveAutoGrades,
    )

    from ann.sandbox.execute import SandboxedExecute
    from ann.sandbox.intake import RebuildSubmission, SizeLimitedExporter
    from ann.sandbox.limits import Limits
    from ann.sandbox.reports import SafeCsvExportPlugin, StrictFeedback

    # Check the limits now, so that a mistake shows when the configuration loads (the per-cell
    # limit, Execute.timeout, is only known when grading starts).
    checked = Limits(**{"cell_seconds": 1.0, **limits})
    c.SandboxedExecute.limits = dict(limits)
    c.SizeLimitedExporter.max_bytes = checked.notebook_file_bytes
    c.Autograde.exporter_class = SizeLimitedExporter
    c.Autograde.sanitize_preprocessors = [
        RebuildSubmission,
        ClearOutput,
        DeduplicateIds,
        OverwriteKernelspec,
        OverwriteCells,
        CheckCellMetadata,
    ]
    c.Autograde.autograde_preprocessors = [
        SandboxedExecute,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    c.GenerateFeedback.preprocessors = [GetGrades, StrictFeedback, CSSHTMLHeaderPreprocessor]
    c.ExportApp.plugin_class = SafeCsvExportPlugin
