"""Run every benchmark of the project and print one table.

Each ``benchmarks/bench_*.py`` module exposes ``rows()``, a list of dictionaries with the keys
``benchmark``, ``measurement``, ``value`` and ``target`` (all strings). This script imports them in
name order, calls ``rows()`` and prints the union as a single table. A benchmark that fails prints
its error in the table instead of stopping the others.

Usage: ``make bench`` (or ``python benchmarks/run.py [NAME ...]`` to run only some modules, e.g.
``python benchmarks/run.py mlp``).
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path

COLUMNS = ("benchmark", "measurement", "value", "target")
HERE = Path(__file__).resolve().parent


def load_module(path: Path):
    """Import a benchmark script from its file path."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def collect_rows(paths: list[Path]) -> list[dict[str, str]]:
    """Call ``rows()`` of each benchmark module, turning a failure into an error row."""
    table = []
    for path in paths:
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        try:
            table.extend(load_module(path).rows())
        except Exception as error:  # a broken benchmark must not hide the others
            traceback.print_exc()
            table.append(
                {"benchmark": path.stem, "measurement": "error", "value": repr(error), "target": ""}
            )
    return table


def format_table(table: list[dict[str, str]]) -> str:
    """Render rows as a plain-text table with aligned columns."""
    cells = [list(COLUMNS)] + [[str(row.get(column, "")) for column in COLUMNS] for row in table]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = [
        " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in cells
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def main(selected: list[str]) -> None:
    paths = sorted(HERE.glob("bench_*.py"))
    if selected:
        paths = [path for path in paths if path.stem.removeprefix("bench_") in selected]
        if not paths:
            sys.exit(f"no benchmark named {selected}; available: {sorted(HERE.glob('bench_*.py'))}")
    print(format_table(collect_rows(paths)))


if __name__ == "__main__":
    main(sys.argv[1:])
