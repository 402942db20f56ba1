"""How long the book takes to build: cold, rebuilt without changes, and after editing one page.

Every measurement runs the same strict command as ``make book``, in a fresh copy of the book's
sources (configuration, pages, assets) in a temporary folder, so the real ``_build`` folder is left
alone. The pages import the installed ``ann`` package, as in a normal build.

1. Cold build: no Sphinx environment and an empty execution cache, so every page executes.
2. Rebuild with no change: the execution cache serves every page; nothing executes.
3. Rebuild after editing one page's code: only that page executes again.

Run it alone with ``.venv/bin/python benchmarks/bench_book.py``; ``benchmarks/run.py`` collects
its :func:`rows` with the other benchmarks.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK_SOURCES = ("_config.yml", "_toc.yml", "book")
LEFT_OUT = ("_build", ".git", ".jupyter_cache")
EDITED_PAGE = Path("book") / "02_mcculloch_pitts.md"
BUILD_COMMAND = ("build", ".", "--all", "-n", "-W", "--keep-going")
EXECUTED = re.compile(r"(\S+\.(?:md|ipynb)): Executing notebook")


def copy_book(destination: Path) -> None:
    """Copy the book's sources into ``destination``, and link everything else in the repository.

    The pages are copied, so that editing one does not touch the repository; other files the book
    reads (MathJax in ``node_modules``, the notebooks the assignments offer for download) are
    linked. The previous build output and the git data are left out.
    """
    if not (ROOT / "node_modules" / "mathjax").is_dir():
        raise RuntimeError("node_modules/mathjax is missing: run `make book` (npm ci) first")
    for source in ROOT.iterdir():
        target = destination / source.name
        if source.name in BOOK_SOURCES and source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("locales"))
        elif source.name in BOOK_SOURCES:
            shutil.copy2(source, target)
        elif source.name not in LEFT_OUT:
            target.symlink_to(source, target_is_directory=source.is_dir())


def timed_build(book_root: Path) -> tuple[float, list[str]]:
    """Build the book in ``book_root``; return the seconds taken and the pages that executed."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
    start = time.perf_counter()
    completed = subprocess.run(
        [str(jupyter_book), *BUILD_COMMAND],
        cwd=book_root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    log = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise RuntimeError(f"the book build failed in {book_root}:\n{log[-3000:]}")
    executed = [Path(path).relative_to(book_root).as_posix() for path in EXECUTED.findall(log)]
    return seconds, executed


def edit_code_of(page: Path) -> None:
    """Add a comment at the end of the last code cell of ``page``.

    The comment changes nothing the page computes, but it changes the page's code, so the cached
    execution of this page (and of no other) stops matching.
    """
    text = page.read_text(encoding="utf-8")
    cell_start = text.rindex("```{code-cell}")
    cell_end = text.index("\n```", cell_start + 1) + 1
    page.write_text(text[:cell_end] + "# edited\n" + text[cell_end:], encoding="utf-8")


def describe(seconds: float, executed: list[str]) -> str:
    pages = "page" if len(executed) == 1 else "pages"
    names = f": {', '.join(executed)}" if 0 < len(executed) <= 3 else ""
    return f"{seconds:.1f} s ({len(executed)} {pages} executed{names})"


def rows() -> list[dict[str, str]]:
    """Time a cold build, a no-change rebuild and a rebuild after editing one page."""
    with tempfile.TemporaryDirectory(prefix="bench-book-") as folder:
        book_root = Path(folder)
        copy_book(book_root)
        cold = timed_build(book_root)
        unchanged = timed_build(book_root)
        edit_code_of(book_root / EDITED_PAGE)
        edited = timed_build(book_root)
    measurements = [
        ("cold build (fresh copy, empty execution cache)", cold, "< 5 min"),
        ("rebuild, no change", unchanged, "< 15 s"),
        (f"rebuild after editing the code of {EDITED_PAGE.as_posix()}", edited, "< 15 s"),
    ]
    return [
        {
            "benchmark": "book build (make book)",
            "measurement": measurement,
            "value": describe(*result),
            "target": target,
        }
        for measurement, result, target in measurements
    ]


if __name__ == "__main__":
    for row in rows():
        print(f"{row['measurement']:<65} {row['value']:<55} target {row['target']}")
