"""Reading a submission: refuse oversized files, then keep only what the student may change.

``SizeLimitedExporter`` refuses a notebook file larger than ``Limits.notebook_file_bytes``
before parsing it (nbgrader then reports that student and grades the rest of the batch).

``RebuildSubmission`` runs first among nbgrader's sanitising steps. It builds the notebook that
will be graded from the instructor's release, and takes from the submission only

- the source of each answer cell (found by its ``grade_id``, first code cell only), and
- the code and markdown cells the student added, stripped of any nbgrader metadata and placed
  after the answer cell they followed.

Test cells, set-up cells, their order, types and metadata, and the notebook's kernelspec all
come from the release (nbgrader's ``OverwriteCells`` then restores the hidden tests from the
gradebook). Deleting, duplicating, editing, retyping or re-flagging a test cell therefore
changes nothing, and a notebook of another assignment simply has no answers. The names the
release's set-up cells define (and the answers do not) are written to ``metadata.sandbox`` for
the guard to protect, with the review flags of :mod:`ann.sandbox.audit`.
"""

from __future__ import annotations

import ast
import copy
import os
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from ann.sandbox.audit import suspicious_constructs
from ann.sandbox.limits import Limits

#: Total size of a submission's answers and added cells (characters of source code).
MAX_ANSWER_CHARACTERS = 1_000_000


class SubmissionRefused(ValueError):
    """A submission that cannot be graded; the message says why."""


class SizeLimitedExporter(NotebookExporter):
    """nbgrader's notebook exporter, refusing files above ``max_bytes`` before reading them."""

    max_bytes = Integer(Limits().notebook_file_bytes).tag(config=True)

    def from_filename(self, filename, resources=None, **kw):
        size = os.path.getsize(filename)
        if size > self.max_bytes:
            raise SubmissionRefused(
                f"{filename} is {size} bytes, more than the {self.max_bytes} bytes allowed: "
                "the submission was not graded"
            )
        if size == 0:
            raise SubmissionRefused(f"{filename} is empty: the submission was not graded")
        return super().from_filename(filename, resources, **kw)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def defined_names(source: str) -> set[str]:
    """Top-level names a cell's code binds (assignments, ``def``, ``class``, ``import``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        else:
            for child in ast.walk(node):
                if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                    names.add(child.id)
    return names


def rebuild(release: nbformat.NotebookNode, submission: nbformat.NotebookNode):
    """The release with the submission's answers and added cells (see the module's doc).

    Raises
    ------
    SubmissionRefused
        If the answers and added cells hold more than ``MAX_ANSWER_CHARACTERS`` characters.
    """
    answer_ids = {
        _meta(cell)["grade_id"]
        for cell in release.cells
        if _meta(cell).get("solution") and cell.cell_type == "code"
    }
    known_ids = {_meta(cell).get("grade_id") for cell in release.cells} - {None}
    unchanged = {(cell.cell_type, cell.source) for cell in release.cells if not _meta(cell)}
    answers: dict[str, str] = {}
    added: dict[str | None, list] = {}
    following = None
    for cell in submission.cells:
        grade_id = _meta(cell).get("grade_id")
        if grade_id in answer_ids and cell.cell_type == "code" and grade_id not in answers:
            answers[grade_id] = cell.source
            following = grade_id
        elif (
            grade_id not in known_ids
            and cell.cell_type in ("code", "markdown")
            and (cell.cell_type, cell.source) not in unchanged
        ):
            make = (
                nbformat.v4.new_code_cell
                if cell.cell_type == "code"
                else nbformat.v4.new_markdown_cell
            )
            added.setdefault(following, []).append(make(cell.source))
    size = sum(map(len, answers.values())) + sum(len(c.source) for cs in added.values() for c in cs)
    if size > MAX_ANSWER_CHARACTERS:
        raise SubmissionRefused(
            f"the answers hold {size} characters, more than {MAX_ANSWER_CHARACTERS}: not graded"
        )
    rebuilt = copy.deepcopy(release)
    cells = []
    for cell in rebuilt.cells:
        grade_id = _meta(cell).get("grade_id")
        if grade_id in answer_ids and not cells_answered(cells, answer_ids):
            cells.extend(added.get(None, []))
        if grade_id in answers:
            cell.source = answers[grade_id]
        cells.append(cell)
        if grade_id in answer_ids:
            cells.extend(added.get(grade_id, []))
    rebuilt.cells = cells
    for index, cell in enumerate(rebuilt.cells):
        cell["id"] = f"cell-{index}"
    return rebuilt


def cells_answered(cells: list, answer_ids: set[str]) -> bool:
    """True once ``cells`` holds an answer cell (added cells before it go just before it)."""
    return any(_meta(cell).get("grade_id") in answer_ids for cell in cells)


def protected_names(release: nbformat.NotebookNode, solution_sources: list[str]) -> list[str]:
    """Names the release's set-up cells define that no answer is meant to define."""
    answers = set().union(*(defined_names(source) for source in solution_sources))
    setup = set()
    for cell in release.cells:
        meta = _meta(cell)
        if cell.cell_type == "code" and meta.get("locked") and not meta.get("grade"):
            setup |= defined_names(cell.source)
    return sorted(setup - answers)


class RebuildSubmission(NbGraderPreprocessor):
    """Sanitising step: grade the release with the student's answers pasted in."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        coursedir = CourseDirectory(config=self.config)
        folder = coursedir.format_path(coursedir.release_directory, ".", info["assignment"])
        release_path = Path(folder) / f"{info['notebook']}.ipynb"
        if not release_path.is_file():
            raise SubmissionRefused(f"no release notebook {release_path} to grade against")
        release = nbformat.read(release_path, as_version=nbformat.NO_CONVERT)
        rebuilt = rebuild(release, nb)
        kept = sum(1 for cell in rebuilt.cells if _meta(cell).get("solution"))
        self.log.info("Rebuilt the submission from the release: %d answer cells", kept)
        solutions = [
            cell.source
            for cell in nbformat.read(self._source_path(coursedir, info), as_version=4).cells
            if _meta(cell).get("solution")
        ]
        student_sources = [
            cell.source
            for cell in rebuilt.cells
            if _meta(cell).get("solution") or not _meta(cell) and cell.cell_type == "code"
        ]
        flags = sorted(set().union(*map(suspicious_constructs, student_sources)))
        if flags:
            self.log.warning("Review this submission: %s", "; ".join(flags))
        rebuilt.metadata["sandbox"] = {
            "protected_names": protected_names(release, solutions),
            "flags": flags,
        }
        return rebuilt, resources

    @staticmethod
    def _source_path(coursedir: CourseDirectory, info: dict) -> Path:
        folder = coursedir.format_path(coursedir.source_directory, ".", info["assignment"])
        return Path(folder) / f"{info['notebook']}.ipynb"
