"""The course's nbgrader pipeline, run for real in a temporary copy of the course.

One module-scoped batch does what an instructor does at the end of an assignment: regenerate the
release, collect submissions, ``nbgrader autograde``, ``nbgrader generate_feedback`` and
``nbgrader export``. The students of the batch have known scores: the full solutions, the
untouched release, partly solved notebooks (submitted three times to check that grading repeats)
and one malformed notebook. The tests below then read the gradebook, the feedback and the export.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from ann.course import (
    BEGIN_HIDDEN,
    END_HIDDEN,
    assignment_notebooks,
    fill_in_solutions,
    without_region,
)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NBGRADER = Path(sys.executable).with_name("nbgrader")
SOLUTIONS = assignment_notebooks(ROOT / "solutions")
RELEASE = assignment_notebooks(ROOT / "exercises")

#: The answer cells each partly solved submission leaves unsolved (grade_id prefixes). Nothing
#: else depends on them, so exactly the test cells named ``test_<prefix>...`` must fail.
UNSOLVED = {
    "01_logic_gates": ("circuits",),
    "02_xor_network": ("tlu_search", "two_layers"),
    "03_perceptron_rule": ("boundary",),
    "04_backprop": ("numgrad", "train"),
    "05_keras_mlps": ("wide_deep", "early_stopping"),
}
REPEATS = ("partly", "partly_again", "partly_third")

#: Answers that only call the package's reference implementation (``ann.tlu``, ``ann.xor``):
#: they pass the visible tests, and the hidden tests must refuse them.
CHEATED_ASSIGNMENT = "02_xor_network"
CHEATS = {
    "heaviside": "from ann.tlu import heaviside as reference_heaviside\n\n\n"
    "def heaviside(z):\n    return reference_heaviside(z)",
    "step_layer": "from ann.tlu import dense_layer\n\n\n"
    "def step_layer(X, W, b):\n    return dense_layer(X, W, b)",
    "xor_network": "from ann.xor import xor_network_output\n\n"
    "W_hidden = np.array([[1.0, 1.0], [1.0, 1.0]])\nb_hidden = np.array([-0.5, -1.5])\n"
    "W_output = np.array([[1.0], [-1.0]])\nb_output = np.array([-0.5])\n\n\n"
    "def xor_network(X):\n    return xor_network_output(X)",
}
MALFORMED_STUDENT, MALFORMED_ASSIGNMENT = "malformed", "01_logic_gates"


def run_nbgrader(course: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run one nbgrader command of the environment in ``course``."""
    return subprocess.run(
        [str(NBGRADER), *args], cwd=course, capture_output=True, text=True, timeout=timeout
    )


def submit(course: Path, student: str, assignment: str, notebook: nbformat.NotebookNode) -> None:
    """Place a notebook where ``nbgrader autograde`` looks for submissions."""
    folder = course / "var" / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / SOLUTIONS[assignment].name)


@dataclass
class GradedCourse:
    path: Path
    generate: subprocess.CompletedProcess
    autograde: subprocess.CompletedProcess
    feedback: subprocess.CompletedProcess
    export: subprocess.CompletedProcess

    def grades(self, student: str, assignment: str) -> dict[str, tuple[float, float]]:
        """Score and maximum score of every graded cell of one submission."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.path / 'var' / 'gradebook.db'}") as gradebook:
            notebook = gradebook.find_submission_notebook(
                SOLUTIONS[assignment].stem, assignment, student
            )
            return {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    path = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", path)
    shutil.copytree(ROOT / "solutions", path / "solutions")
    shutil.copytree(ROOT / "exercises", path / "exercises")
    generate = run_nbgrader(path, "generate_assignment", "--force", "*")
    assert generate.returncode == 0, generate.stderr
    for assignment, solution in SOLUTIONS.items():
        release = RELEASE[assignment]
        submit(path, "solved", assignment, fill_in_solutions(release, solution))
        submit(path, "untouched", assignment, nbformat.read(release, as_version=4))
        for student in REPEATS:
            partly = fill_in_solutions(release, solution, unsolved=UNSOLVED[assignment])
            submit(path, student, assignment, partly)
    cheated = fill_in_solutions(RELEASE[CHEATED_ASSIGNMENT], SOLUTIONS[CHEATED_ASSIGNMENT])
    for cell in cheated.cells:
        cell.source = CHEATS.get(cell.metadata.get("nbgrader", {}).get("grade_id"), cell.source)
    # This student's file comes the way a learning platform's download does: zipped.
    archive = path / "var" / "downloaded" / CHEATED_ASSIGNMENT / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "download.zip", "w") as download:
        download.writestr(f"cheater_{SOLUTIONS[CHEATED_ASSIGNMENT].name}", nbformat.writes(cheated))
    collect = run_nbgrader(path, "zip_collect", CHEATED_ASSIGNMENT)
    assert collect.returncode == 0, collect.stderr
    malformed = path / "var" / "submitted" / MALFORMED_STUDENT / MALFORMED_ASSIGNMENT
    malformed.mkdir(parents=True)
    (malformed / SOLUTIONS[MALFORMED_ASSIGNMENT].name).write_text('{"cells": [ not json')
    autograde = run_nbgrader(path, "autograde", "*")
    feedback = run_nbgrader(path, "generate_feedback", "*")
    export = run_nbgrader(path, "export", "--to", "var/grades.csv")
    return GradedCourse(path, generate, autograde, feedback, export)


def comparable(notebook: Path) -> list[tuple]:
    """What a release notebook says: cell types, sources and nbgrader metadata (checksums too)."""
    cells = nbformat.read(notebook, as_version=4).cells
    return [(cell.cell_type, cell.source, cell.metadata.get("nbgrader")) for cell in cells]


def test_release_is_what_generate_assignment_makes(course: GradedCourse) -> None:
    regenerated = assignment_notebooks(course.path / "exercises")
    assert regenerated.keys() == RELEASE.keys() == SOLUTIONS.keys()
    for assignment, notebook in RELEASE.items():
        assert comparable(notebook) == comparable(regenerated[assignment]), (
            f"exercises/{assignment} differs from `nbgrader generate_assignment` output: "
            "run `nbgrader generate_assignment --force '*'` from the repository root"
        )


def test_release_has_no_solutions_or_hidden_tests() -> None:
    for notebook in RELEASE.values():
        text = notebook.read_text()
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text


def test_each_assignment_is_worth_ten_points(course: GradedCourse) -> None:
    for assignment in SOLUTIONS:
        grades = course.grades("solved", assignment)
        assert sum(maximum for _, maximum in grades.values()) == 10
        assert any(name.endswith("_hidden") for name in grades)


@pytest.mark.parametrize("assignment", list(SOLUTIONS))
def test_solutions_get_full_marks(course: GradedCourse, assignment: str) -> None:
    grades = course.grades("solved", assignment)
    failed = {name: score for name, score in grades.items() if score[0] != score[1]}
    assert not failed, f"cells below full marks: {failed}"


@pytest.mark.parametrize("assignment", list(SOLUTIONS))
def test_untouched_release_gets_zero(course: GradedCourse, assignment: str) -> None:
    grades = course.grades("untouched", assignment)
    passed = [name for name, (score, _) in grades.items() if score != 0]
    assert not passed, f"tests passing without any work: {passed}"


@pytest.mark.parametrize("assignment", list(SOLUTIONS))
def test_partly_solved_gets_the_points_of_its_solved_parts(
    course: GradedCourse, assignment: str
) -> None:
    grades = course.grades("partly", assignment)
    unsolved_tests = tuple(f"test_{prefix}" for prefix in UNSOLVED[assignment])
    expected = {
        name: 0.0 if name.startswith(unsolved_tests) else maximum
        for name, (_, maximum) in grades.items()
    }
    assert {name: score for name, (score, _) in grades.items()} == expected
    assert 0 < sum(expected.values()) < 10


@pytest.mark.parametrize("assignment", list(SOLUTIONS))
def test_grading_the_same_submission_repeats_its_scores(
    course: GradedCourse, assignment: str
) -> None:
    first, *others = (course.grades(student, assignment) for student in REPEATS)
    assert all(other == first for other in others)


def test_answers_calling_the_package_lose_the_hidden_points(course: GradedCourse) -> None:
    grades = course.grades("cheater", CHEATED_ASSIGNMENT)
    for answer in CHEATS:
        assert grades[f"test_{answer}"][0] == grades[f"test_{answer}"][1], answer
        assert grades[f"test_{answer}_hidden"][0] == 0, answer
    honest = {name for name in grades if not name.startswith(tuple(f"test_{a}" for a in CHEATS))}
    assert honest and all(grades[name][0] == grades[name][1] for name in honest)


def test_malformed_notebook_is_reported_and_the_batch_goes_on(course: GradedCourse) -> None:
    log = course.autograde.stderr + course.autograde.stdout
    assert course.autograde.returncode != 0
    assert f"'{MALFORMED_ASSIGNMENT}' for student '{MALFORMED_STUDENT}'" in log
    assert "Notebook does not appear to be JSON" in log
    assert not (course.path / "var" / "autograded" / MALFORMED_STUDENT).exists()
    for student in ("solved", "untouched", *REPEATS):
        for assignment in SOLUTIONS:
            assert course.grades(student, assignment), (student, assignment)


def visible_text(html_page: str) -> str:
    """The text a reader sees in an HTML page (tags removed), whitespace collapsed."""
    without_code = re.sub(r"<(script|style)\b.*?</\1>", " ", html_page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", without_code)).split())


def hidden_lines(assignment: str) -> list[str]:
    """The substantial lines of an assignment's hidden tests that the release does not show."""
    release = nbformat.read(RELEASE[assignment], as_version=4)
    shown = {" ".join(line.split()) for cell in release.cells for line in cell.source.split("\n")}
    lines = []
    for cell in nbformat.read(SOLUTIONS[assignment], as_version=4).cells:
        hidden = set(cell.source.split("\n")) - set(
            without_region(cell.source, BEGIN_HIDDEN, END_HIDDEN).split("\n")
        )
        for line in hidden:
            text = " ".join(line.split())
            if len(text) > 25 and "###" not in text and text not in shown:
                lines.append(text)
    return lines


def test_feedback_shows_visible_tests_but_no_hidden_test(course: GradedCourse) -> None:
    assert course.feedback.returncode == 0, course.feedback.stderr
    for assignment, solution in SOLUTIONS.items():
        secrets = hidden_lines(assignment)
        assert secrets
        for student in ("solved", "untouched", "partly"):
            page = course.path / "var" / "feedback" / student / assignment
            text = visible_text((page / f"{solution.stem}.html").read_text())
            assert "Visible check" in text
            leaked = [line for line in secrets if line in text]
            assert not leaked, f"{student}/{assignment} feedback shows hidden tests: {leaked}"


def test_export_lists_every_graded_submission(course: GradedCourse) -> None:
    assert course.export.returncode == 0, course.export.stderr
    with open(course.path / "var" / "grades.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    scores = {(row["student_id"], row["assignment"]): float(row["score"]) for row in rows}
    for assignment in SOLUTIONS:
        assert scores[("solved", assignment)] == 10
        assert scores[("untouched", assignment)] == 0
        assert scores[("partly", assignment)] == scores[("partly_again", assignment)]


def test_grading_runs_in_the_sandbox(course: GradedCourse) -> None:
    """``nbgrader_config.py`` turns on ``ann.sandbox``: each autograded notebook records its run."""
    for assignment, solution in SOLUTIONS.items():
        path = course.path / "var" / "autograded" / "solved" / assignment / solution.name
        run = nbformat.read(path, as_version=4).metadata["sandbox"]
        assert run["stopped"] is None and run["flags"] == [], (assignment, run)
