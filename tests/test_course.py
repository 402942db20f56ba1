"""Tests of the course tooling: book pages, self-check, feedback and hidden-test helpers."""

from __future__ import annotations

import shutil
import sys
import types
from pathlib import Path

import nbformat
import pytest
from sklearn.linear_model import Perceptron

from ann.course import (
    assignment_notebooks,
    check_notebook,
    fill_in_solutions,
    main,
    without_markers,
    without_region,
    write_pages,
)
from ann.grading import ReferenceUsedError, reference_disabled

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = assignment_notebooks(ROOT / "solutions")
RELEASE = assignment_notebooks(ROOT / "exercises")


# --- removing regions ------------------------------------------------------------------------


def test_without_region_drops_the_marked_lines_only() -> None:
    source = "keep 1\n### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS\nkeep 2"
    assert without_region(source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS") == "keep 1\nkeep 2"


@pytest.mark.parametrize(
    "source",
    ["### BEGIN HIDDEN TESTS\nsecret", "### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n"],
)
def test_without_region_rejects_unbalanced_markers(source: str) -> None:
    with pytest.raises(ValueError, match="BEGIN HIDDEN TESTS"):
        without_region(source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def test_without_markers_keeps_the_code_between_markers() -> None:
    source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    assert without_markers(source, "BEGIN SOLUTION", "END SOLUTION") == "def f():\n    return 1"


def test_assignment_notebooks_needs_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="folder"):
        assignment_notebooks(tmp_path / "missing")
    (tmp_path / "a1").mkdir()
    with pytest.raises(ValueError, match="one notebook"):
        assignment_notebooks(tmp_path)


# --- book pages --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(ROOT / "solutions", root / "solutions")
    shutil.copytree(ROOT / "exercises", root / "exercises")
    written = write_pages(root)
    return {f"{path.parent.name}/{path.stem}": path for path in written}


def test_pages_cover_every_assignment_twice(pages: dict[str, Path]) -> None:
    expected = {f"{kind}/{name}" for kind in ("exercises", "solutions") for name in SOLUTIONS}
    assert set(pages) == expected


def test_pages_hold_no_hidden_test_nor_grading_metadata(pages: dict[str, Path]) -> None:
    for name, page in pages.items():
        text = page.read_text()
        for marker in ("HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION", "nbgrader", "ann.grading"):
            assert marker not in text, (name, marker)


def test_exercise_pages_are_not_executed_and_link_their_notebook(pages: dict[str, Path]) -> None:
    for name in SOLUTIONS:
        page = nbformat.read(pages[f"exercises/{name}"], as_version=4)
        assert page.metadata["mystnb"]["execution_mode"] == "off"
        link = f"</exercises/{name}/{RELEASE[name].name}>"
        assert link in page.cells[1].source
        assert "raise NotImplementedError()" in nbformat.writes(page)


def test_solution_pages_keep_the_solutions_and_visible_tests(pages: dict[str, Path]) -> None:
    for name, solution in SOLUTIONS.items():
        page = nbformat.read(pages[f"solutions/{name}"], as_version=4)
        assert page.cells[0].source.startswith("# Solution: ")
        code = "\n".join(cell.source for cell in page.cells if cell.cell_type == "code")
        assert "NotImplementedError()" not in code
        assert "Visible check" in nbformat.writes(page)
        assert len(page.cells) <= len(nbformat.read(solution, as_version=4).cells) + 1


def test_book_pages_in_the_repository_are_up_to_date(pages: dict[str, Path]) -> None:
    for name, page in pages.items():
        committed = ROOT / "book" / "assignments" / f"{name}.ipynb"
        assert committed.read_text() == page.read_text(), (
            f"{committed} is stale: run `python -m ann.course pages`"
        )


# --- student self-check ------------------------------------------------------------------------


@pytest.mark.slow
def test_check_fails_on_the_release_and_passes_when_solved(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    name = "01_logic_gates"
    unsolved = tmp_path / "unsolved" / RELEASE[name].name
    unsolved.parent.mkdir()
    shutil.copy(RELEASE[name], unsolved)
    assert main(["check", str(unsolved)]) == 1
    assert "FAILED" in capsys.readouterr().out
    solved = tmp_path / "solved.ipynb"
    nbformat.write(fill_in_solutions(RELEASE[name], SOLUTIONS[name]), solved)
    assert check_notebook(solved) == 0
    assert "all tests passed" in capsys.readouterr().out


def test_check_rejects_a_path_that_is_not_a_notebook(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=".ipynb"):
        check_notebook(tmp_path / "missing.ipynb")


def test_fill_in_solutions_leaves_the_named_cells_unsolved() -> None:
    name = "04_backprop"
    notebook = fill_in_solutions(RELEASE[name], SOLUTIONS[name], unsolved=("train",))
    sources = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    assert "NotImplementedError" in sources["train"]
    assert "NotImplementedError" not in sources["forward"]
    assert "BEGIN SOLUTION" not in "".join(sources.values())


# --- disabling the reference implementation ----------------------------------------------------


@pytest.fixture
def reference_module(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A stand-in for a module of the package, with one function and one class."""
    module = types.ModuleType("fake_reference")
    source = (
        "def answer(x, scale=2):\n    return x * scale\n\n"
        "class Model:\n    def __init__(self):\n        self.ready = True\n"
        "    def predict(self):\n        return 1\n"
    )
    exec(compile(source, "fake_reference.py", "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, "fake_reference", module)
    return module


def test_reference_disabled_reaches_names_imported_earlier(reference_module) -> None:
    answer = reference_module.answer  # as after `from fake_reference import answer`
    with reference_disabled("fake_reference"):
        with pytest.raises(ReferenceUsedError, match="fake_reference.answer"):
            answer(3)
        with pytest.raises(ReferenceUsedError, match="Model.__init__"):
            reference_module.Model()
    assert answer(3) == 6 and answer(3, scale=1) == 3
    assert reference_module.Model().predict() == 1


def test_reference_disabled_accepts_classes_and_restores_them_after_errors() -> None:
    with pytest.raises(ZeroDivisionError), reference_disabled(Perceptron):
        with pytest.raises(ReferenceUsedError):
            Perceptron()
        raise ZeroDivisionError
    assert Perceptron(eta0=0.5).eta0 == 0.5


def test_reference_disabled_skips_missing_modules_and_rejects_other_things() -> None:
    with reference_disabled("ann.no_such_module"):
        pass
    with pytest.raises(TypeError, match="module name"), reference_disabled(42):
        pass
    with pytest.raises(TypeError, match="at least one"), reference_disabled():
        pass


# --- grading configuration ---------------------------------------------------------------------


def test_configured_ignore_pattern_drops_tensorflow_logs_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from nbgrader.preprocessors import IgnorePattern
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.chdir(tmp_path)  # loading the configuration creates var/ in the current folder
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    tensorflow_logs = [
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
        "I0000 00:00:1795787857.167454   12454 port.cc:153] oneDNN custom operations are on.\n",
        "E0000 00:00:1795787857.1 77 cuda_dnn.cc:8310] Unable to register cuDNN factory\n",
    ]
    student_output = "UserWarning: the model is not compiled\n"
    cell = nbformat.v4.new_code_cell("train()")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text=text)
        for text in [*tensorflow_logs, student_output]
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    filtered, _ = IgnorePattern(config=config)(notebook, {})
    assert [output.text for output in filtered.cells[0].outputs] == [student_output]
