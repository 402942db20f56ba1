"""Time ``nbgrader autograde`` per submission for each assignment of the course.

A temporary copy of the course (``nbgrader_config.py``, ``solutions/``, ``exercises/``) receives
one solved submission per assignment; one ``nbgrader autograde`` batch grades them all, and the
time of each submission is read from the batch's log: from "Sanitizing" its notebook to writing
its autograded copy (the command's own start-up is not counted).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from ann.course import assignment_notebooks, fill_in_solutions

ROOT = Path(__file__).resolve().parents[1]
NBGRADER = Path(sys.executable).with_name("nbgrader")
STUDENT = "benchmark"
TARGET_SECONDS = {"05_keras_mlps": 60.0}
DEFAULT_TARGET_SECONDS = 10.0
LOG_LINE = re.compile(r"^(\d+\.\d+) (.*)$")


def _nbgrader(course: Path, *args: str) -> str:
    """Run an nbgrader command in ``course`` with time-stamped log lines; return its log."""
    result = subprocess.run(
        [str(NBGRADER), *args, "--Application.log_format=%(created).3f %(message)s"],
        cwd=course,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stderr


def _seconds_per_submission(log: str, assignments: list[str]) -> dict[str, float]:
    """Seconds from sanitizing each submission to writing its autograded notebook."""
    events = [match.groups() for match in map(LOG_LINE.match, log.splitlines()) if match]
    seconds = {}
    for assignment in assignments:
        folder = f"/{STUDENT}/{assignment}/"
        start = next(
            float(t) for t, text in events if text.startswith("Sanitizing") and folder in text
        )
        end = max(
            float(t)
            for t, text in events
            if text.startswith("Writing") and f"autograded{folder}" in text
        )
        seconds[assignment] = end - start
    return seconds


def rows() -> list[dict]:
    """One row per assignment: autograde seconds for one solved submission, and the target."""
    solutions = assignment_notebooks(ROOT / "solutions")
    releases = assignment_notebooks(ROOT / "exercises")
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder)
        shutil.copy(ROOT / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "solutions", course / "solutions")
        shutil.copytree(ROOT / "exercises", course / "exercises")
        _nbgrader(course, "generate_assignment", "--force", "*")
        for assignment, solution in solutions.items():
            submitted = course / "var" / "submitted" / STUDENT / assignment
            submitted.mkdir(parents=True)
            notebook = fill_in_solutions(releases[assignment], solution)
            nbformat.write(notebook, submitted / solution.name)
        log = _nbgrader(course, "autograde", "*")
    seconds = _seconds_per_submission(log, list(solutions))
    return [
        {
            "benchmark": f"autograde {assignment}",
            "measurement": "seconds per submission",
            "value": f"{value:.1f}",
            "target": f"< {TARGET_SECONDS.get(assignment, DEFAULT_TARGET_SECONDS):.0f}",
        }
        for assignment, value in seconds.items()
    ]


if __name__ == "__main__":
    for row in rows():
        print(
            f"{row['benchmark']:<30} {row['measurement']:<24} {row['value']:>8} {row['target']:>6}"
        )
