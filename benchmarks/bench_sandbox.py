"""Cost of the grading sandbox: ``nbgrader autograde`` per submission, plain and sandboxed.

One temporary copy of the course receives one solved submission per assignment. It is graded
by plain nbgrader (the course's configuration without the sandbox) and by the sandboxed
configuration (``ann.sandbox.configure``), alternately, twice each; each submission's best time is
read from the log as in ``bench_grading.py``. The target: sandboxed within 1.5 times plain.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import nbformat
from bench_grading import STUDENT, _nbgrader, _seconds_per_submission

from ann.course import assignment_notebooks, fill_in_solutions

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.5
#: Each configuration grades the batch this many times, alternating; the best time counts (the
#: first run of all pays for cold file caches).
ROUNDS = 2
SANDBOX_LINE = re.compile(r"^.*ann\.sandbox.*$|^configure\(c.*$", re.M)


def _plain_config(text: str) -> str:
    """The course's configuration with the sandbox's lines removed."""
    return SANDBOX_LINE.sub("", text)


def _sandboxed_config(text: str) -> str:
    plain = _plain_config(text)
    return plain + "\nfrom ann.sandbox import configure\n\nconfigure(c)\n"


def rows() -> list[dict]:
    """Per assignment: plain and sandboxed seconds per submission, and their ratio."""
    solutions = assignment_notebooks(ROOT / "solutions")
    releases = assignment_notebooks(ROOT / "exercises")
    config = (ROOT / "nbgrader_config.py").read_text()
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder)
        shutil.copytree(ROOT / "solutions", course / "solutions")
        shutil.copytree(ROOT / "exercises", course / "exercises")
        (course / "nbgrader_config.py").write_text(_plain_config(config))
        _nbgrader(course, "generate_assignment", "--force", "*")
        for assignment, solution in solutions.items():
            submitted = course / "var" / "submitted" / STUDENT / assignment
            submitted.mkdir(parents=True)
            nbformat.write(
                fill_in_solutions(releases[assignment], solution), submitted / solution.name
            )
        plain, sandboxed = {}, {}
        for _ in range(ROUNDS):
            for times, make_config in ((plain, _plain_config), (sandboxed, _sandboxed_config)):
                (course / "nbgrader_config.py").write_text(make_config(config))
                log = _nbgrader(course, "autograde", "*", "--force")
                for assignment, seconds in _seconds_per_submission(log, list(solutions)).items():
                    times[assignment] = min(seconds, times.get(assignment, seconds))
    table = []
    for assignment in solutions:
        ratio = sandboxed[assignment] / plain[assignment]
        table += [
            {
                "benchmark": f"autograde {assignment}",
                "measurement": "seconds, plain nbgrader",
                "value": f"{plain[assignment]:.1f}",
                "target": "",
            },
            {
                "benchmark": f"autograde {assignment}",
                "measurement": "seconds, sandboxed",
                "value": f"{sandboxed[assignment]:.1f}",
                "target": "",
            },
            {
                "benchmark": f"autograde {assignment}",
                "measurement": "sandboxed / plain",
                "value": f"{ratio:.2f}",
                "target": f"< {TARGET_RATIO}",
            },
        ]
    return table


if __name__ == "__main__":
    for row in rows():
        print(
            f"{row['benchmark']:<28} {row['measurement']:<26} {row['value']:>8} {row['target']:>6}"
        )
