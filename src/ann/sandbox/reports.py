"""What leaves the grading: feedback that cannot carry hidden tests, and a safe CSV export.

``StrictFeedback`` (a ``GenerateFeedback`` preprocessor, after ``GetGrades``) removes the hidden
region of every test cell and replaces the outputs of every code cell: a test cell shows one line
(passed, or failed with the name of a built-in exception), an answer cell shows nothing. A
submission can copy hidden test code into anything it prints (IPython keeps the source of
executed cells) or into an exception's message or class name; none of that reaches the student.

``SafeCsvExportPlugin`` (``ExportApp.plugin_class``) writes nbgrader's CSV columns with proper
quoting, and prefixes text that a spreadsheet would read as a formula (``=``, ``+``, ``-``,
``@``, tab, carriage return) with an apostrophe.
"""

from __future__ import annotations

import builtins
import csv

import nbformat
from nbgrader.api import MissingEntry
from nbgrader.plugins import CsvExportPlugin
from nbgrader.preprocessors import ClearHiddenTests

BUILTIN_ERRORS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
)


def error_name(output) -> str:
    """The name of an error output's exception if it is a built-in one, else ``"Error"``."""
    name = output.get("ename", "")
    return name if name in BUILTIN_ERRORS or name == "GradingStopped" else "Error"


class StrictFeedback(ClearHiddenTests):
    """Feedback preprocessor: no hidden test code and no output the submission controls."""

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type != "code":
            return cell, resources
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            errors = [error_name(o) for o in cell.outputs if o.output_type == "error"]
            stderr = any(o.get("name") == "stderr" for o in cell.outputs)
            if errors:
                message = f"Failed ({', '.join(errors)})."
            elif stderr:
                message = "Failed (the cell wrote to the error stream)."
            else:
                message = "Passed."
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=message + "\n")]
        else:
            cell.outputs = []
        return cell, resources


def spreadsheet_safe(value) -> str:
    """``value`` as CSV text that no spreadsheet evaluates as a formula."""
    text = "" if value is None else str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SafeCsvExportPlugin(CsvExportPlugin):
    """nbgrader's CSV export, quoted and without spreadsheet formulas."""

    def export(self, gradebook) -> None:
        destination = self.to or "grades.csv"
        self.log.info("Exporting grades to %s", destination)
        with open(destination, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file, quoting=csv.QUOTE_ALL)
            writer.writerow(COLUMNS)
            for assignment in gradebook.assignments:
                if self.assignment and assignment.name not in map(str, self.assignment):
                    continue
                for student in gradebook.students:
                    if self.student and student.id not in map(str, self.student):
                        continue
                    row = self._row(gradebook, assignment, student)
                    writer.writerow([spreadsheet_safe(row[column]) for column in COLUMNS])

    @staticmethod
    def _row(gradebook, assignment, student) -> dict:
        row = {
            "assignment": assignment.name,
            "duedate": assignment.duedate,
            "student_id": student.id,
            "last_name": student.last_name,
            "first_name": student.first_name,
            "email": student.email,
            "max_score": assignment.max_score,
            "timestamp": None,
            "raw_score": 0.0,
            "late_submission_penalty": 0.0,
            "score": 0.0,
        }
        try:
            submission = gradebook.find_submission(assignment.name, student.id)
        except MissingEntry:
            return row
        penalty = submission.late_submission_penalty
        row.update(
            timestamp=submission.timestamp,
            raw_score=submission.score,
            late_submission_penalty=penalty,
            score=max(0.0, submission.score - penalty),
        )
        return row
