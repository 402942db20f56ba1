"""Tooling of the auto-graded course: book pages, a student self-check and grading helpers.

The instructor's interface is nbgrader itself, run from the repository root where
``nbgrader_config.py`` lives (``solutions/`` is the source, ``exercises/`` the release, ``var/``
the grading workspace). This module adds what nbgrader lacks:

- ``python -m ann.course check NOTEBOOK`` runs a notebook's tests like ``nbgrader validate``
  but exits with status 1 when a test fails (``nbgrader validate`` exits 0 either way).
- ``python -m ann.course pages`` writes the book's "Exercises" and "Solutions" pages into
  ``book/assignments/`` with every hidden test removed.
- ``fill_in_solutions`` makes submissions with known scores, to try the grading.

The hidden tests themselves use ``ann.grading``.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat
from nbgrader.validator import Validator

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"

#: Assignments whose solution page is shown without being executed by the book build
#: (training Keras models would slow every build down).
UNEXECUTED_SOLUTIONS = ("05_keras_mlps",)


# --------------------------------------------------------------------------------------------
# Finding the assignments
# --------------------------------------------------------------------------------------------


def assignment_notebooks(folder: Path) -> dict[str, Path]:
    """Map each assignment of an nbgrader folder (``solutions/`` or ``exercises/``) to its notebook.

    Parameters
    ----------
    folder : Path
        A folder holding one sub-folder per assignment, each with exactly one notebook.

    Returns
    -------
    dict[str, Path]
        Assignment name (the sub-folder's name) to notebook path, sorted by name.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"expected a folder of assignments, got {folder!s} (not a folder)")
    notebooks = {}
    for assignment in sorted(path for path in folder.iterdir() if path.is_dir()):
        found = sorted(assignment.glob("*.ipynb"))
        if len(found) != 1:
            raise ValueError(f"expected one notebook in {assignment!s}, found {len(found)}")
        notebooks[assignment.name] = found[0]
    return notebooks


# --------------------------------------------------------------------------------------------
# Removing hidden tests
# --------------------------------------------------------------------------------------------


def without_region(source: str, begin: str, end: str) -> str:
    """Return ``source`` without the lines from each ``begin`` marker to its ``end`` marker.

    Raises
    ------
    ValueError
        If a region is opened twice or never closed.
    """
    kept, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            if inside:
                raise ValueError(f"nested {begin!r} in:\n{source}")
            inside = True
        elif end in line:
            inside = False
        elif not inside:
            kept.append(line)
    if inside:
        raise ValueError(f"{begin!r} without {end!r} in:\n{source}")
    return "\n".join(kept).strip("\n")


def without_markers(source: str, *markers: str) -> str:
    """Return ``source`` without the lines that hold one of ``markers`` (the text between stays)."""
    lines = source.split("\n")
    return "\n".join(line for line in lines if not any(m in line for m in markers))


def _grade_id(cell: nbformat.NotebookNode) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def fill_in_solutions(
    release: Path, solutions: Path, unsolved: tuple[str, ...] = ()
) -> nbformat.NotebookNode:
    """A student's submission: the release notebook with its answer cells solved.

    Each answer cell of ``release`` takes the code of the ``solutions`` cell with the same
    ``grade_id`` (without the solution markers), except the cells whose ``grade_id`` starts with
    one of ``unsolved``: they keep the release's unsolved stub. Instructors use it to try the
    grading, the tests and benchmarks to make submissions with known scores.
    """
    answers = {
        _grade_id(cell): without_markers(cell.source, BEGIN_SOLUTION, END_SOLUTION)
        for cell in nbformat.read(solutions, as_version=4).cells
        if cell.metadata.get("nbgrader", {}).get("solution")
    }
    submission = nbformat.read(release, as_version=4)
    for cell in submission.cells:
        grade_id = _grade_id(cell)
        if grade_id in answers and not grade_id.startswith(unsolved):
            cell.source = answers[grade_id]
    return submission


# --------------------------------------------------------------------------------------------
# Book pages
# --------------------------------------------------------------------------------------------


def _is_blank(source: str, cell_type: str) -> bool:
    """True for an empty cell, or a code cell holding comments only (a hidden test's title)."""
    lines = [line.strip() for line in source.split("\n") if line.strip()]
    return not lines or (cell_type == "code" and all(line.startswith("#") for line in lines))


def _page_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Cells of ``notebook`` as a book shows them: no nbgrader metadata, outputs or hidden tests."""
    cells = []
    for cell in notebook.cells:
        source = without_region(cell.source, BEGIN_HIDDEN, END_HIDDEN)
        source = without_markers(source, BEGIN_SOLUTION, END_SOLUTION)
        if _is_blank(source, cell.cell_type):
            continue
        new_cell = (
            nbformat.v4.new_code_cell if cell.cell_type == "code" else nbformat.v4.new_markdown_cell
        )
        cells.append(new_cell(source, id=cell.get("id", f"cell-{len(cells)}")))
    return cells


def _page(notebook: Path, note: str, heading_prefix: str, execute: bool) -> nbformat.NotebookNode:
    """Build a book page from an assignment notebook, with ``note`` under its first heading."""
    source = nbformat.read(notebook, as_version=4)
    cells = _page_cells(source)
    title, *rest = cells[0].source.split("\n", 1)
    if not title.startswith("# "):
        raise ValueError(f"{notebook!s} must start with a '# ' heading, found {title!r}")
    cells[0].source = "\n".join([f"# {heading_prefix}{title[2:]}", *rest])
    cells.insert(1, nbformat.v4.new_markdown_cell(note, id="page-note"))
    page = nbformat.v4.new_notebook(cells=cells)
    page.metadata = {
        "kernelspec": copy.deepcopy(source.metadata.get("kernelspec", {})),
        "language_info": {"name": "python"},
    }
    if not execute:
        page.metadata["mystnb"] = {"execution_mode": "off"}
    return page


def write_pages(root: Path) -> list[Path]:
    """Write the book's assignment pages from ``exercises/`` and ``solutions/`` under ``root``.

    Each exercise page shows the student release with a download link to its notebook; it is
    not executed (unsolved cells raise ``NotImplementedError``). Each solution page shows the
    instructor's notebook without hidden tests and solution markers.

    Returns
    -------
    list[Path]
        The pages written.
    """
    root = Path(root)
    written = []
    for kind in ("exercises", "solutions"):
        out_dir = root / "book" / "assignments" / kind
        out_dir.mkdir(parents=True, exist_ok=True)
        for stale in out_dir.glob("*.ipynb"):
            stale.unlink()
        for name, notebook in assignment_notebooks(root / kind).items():
            if kind == "exercises":
                link = f"/exercises/{name}/{notebook.name}"
                note = (
                    f"Download the notebook {{download}}`{notebook.name} <{link}>`, work on it in "
                    "Jupyter, check it with `python -m ann.course check "
                    f"{notebook.name}` and hand in the `.ipynb` file."
                )
                page = _page(notebook, note, "", execute=False)
            else:
                note = "The worked solution. The visible tests are kept; the graded ones are not."
                execute = name not in UNEXECUTED_SOLUTIONS
                page = _page(notebook, note, "Solution: ", execute=execute)
            path = out_dir / f"{name}.ipynb"
            nbformat.write(page, path)
            written.append(path)
    return written


# --------------------------------------------------------------------------------------------
# Student self-check
# --------------------------------------------------------------------------------------------


def check_notebook(notebook: Path) -> int:
    """Run a notebook's tests as ``nbgrader validate`` does; return 0 if all pass, else 1.

    A test cell fails when it raises or writes to stderr (nbgrader then scores it 0), and the
    check also fails when a test cell was edited or a cell's type changed.
    """
    notebook = Path(notebook)
    if notebook.suffix != ".ipynb" or not notebook.is_file():
        raise ValueError(f"expected an existing .ipynb file, got {notebook!s}")
    results = Validator().validate(str(notebook.resolve()))
    problems = {
        "type_changed": "a cell's type was changed",
        "changed": "a test cell was edited (graded tests are restored from the course copy)",
        "failed": "a test cell failed",
    }
    n_problems = 0
    for key, meaning in problems.items():
        for cell in results.get(key, []):
            n_problems += 1
            print(f"--- {meaning}:\n{cell['source']}\n")
            if "raw_error" in cell:
                print(cell["raw_error"], "\n")
    verdict = f"FAILED ({n_problems} problems)" if n_problems else "all tests passed"
    print(f"{notebook.name}: {verdict}")
    return 1 if n_problems else 0


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m ann.course {pages,check NOTEBOOK}``."""
    parser = argparse.ArgumentParser(
        prog="python -m ann.course", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    pages = commands.add_parser("pages", help="write the book pages into book/assignments/")
    pages.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    check = commands.add_parser("check", help="run a notebook's tests; exit 1 if one fails")
    check.add_argument("notebook", type=Path)
    args = parser.parse_args(argv)
    if args.command == "pages":
        for path in write_pages(args.root):
            print(f"wrote {path}")
        return 0
    return check_notebook(args.notebook)


if __name__ == "__main__":
    sys.exit(main())
