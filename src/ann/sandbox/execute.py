"""``SandboxedExecute``: nbgrader's Execute step, with the kernel jailed and the run bounded.

It replaces ``nbgrader.preprocessors.Execute`` in ``Autograde.autograde_preprocessors``:

- the kernel runs in :func:`ann.sandbox.jail.jail_command`, with the submission's own files
  bound read-only in a scratch working folder (nothing is written back);
- each cell gets at most ``Limits.cell_seconds`` and the notebook ``Limits.notebook_seconds``;
  all outputs together at most ``Limits.output_bytes``;
- a time-out, a dead kernel (``os._exit``, a signal, a memory or fork bomb the limits stopped),
  the output limit or a ``MemoryError`` stops the run: the kernel and every process it started
  are killed, and the cell where it happened and every test cell not run yet receive an error
  output naming the reason, so they score 0 while the tests already passed keep their points;
- test cells are sent to the kernel instrumented (:mod:`ann.sandbox.instrument`) after a
  ``test`` command that restores the state the guard (:mod:`ann.sandbox.kernel`) remembered
  before the first student cell; the cell in the notebook keeps its original source;
- a test cell's ``execute_result`` outputs are dropped unless the cell's own last line is an
  expression (nbgrader reads the first numeric result as partial credit, and a submission can
  emit results of its own through ``sys.displayhook``).

What happened is written to the notebook's metadata (``metadata.sandbox``) and to the log.
"""

from __future__ import annotations

import ast
import math
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from time import monotonic

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Dict

from ann.sandbox.instrument import instrument_test
from ann.sandbox.jail import SANDBOX_UID, SandboxedKernelManager, missing_programs, runtime_parent
from ann.sandbox.kernel import COMMAND_PREFIX, SNAPSHOT, TEST
from ann.sandbox.limits import Limits

STOPPED_ERROR = "GradingStopped"


class _Stop(Exception):
    """Ends the run of one notebook; its message is the reason shown to people."""


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_test_cell(cell) -> bool:
    """An auto-graded test cell: a code cell with points that is not an answer cell."""
    meta = _nbgrader(cell)
    return cell.cell_type == "code" and meta.get("grade", False) and not meta.get("solution")


def is_instructor_cell(cell) -> bool:
    """A cell the student cannot change: locked set-up cells and test cells."""
    meta = _nbgrader(cell)
    return bool(meta.get("locked") or is_test_cell(cell)) and not meta.get("solution")


def ends_with_expression(source: str) -> bool:
    """True if the last statement of ``source`` is an expression (its value is displayed)."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and isinstance(body[-1], ast.Expr)


def submission_files(folder: Path) -> dict[str, Path]:
    """Regular files of a submission folder to bind into the sandbox (notebooks excluded).

    Links are skipped: a link could point at the solutions or the gradebook.
    """
    folder = Path(folder).resolve()
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_symlink() or any(part.is_symlink() for part in path.parents if part != folder):
            continue
        if path.is_file() and path.suffix != ".ipynb" and ".ipynb_checkpoints" not in str(relative):
            files[relative.as_posix()] = path
    return files


def stopped_output(reason: str) -> nbformat.NotebookNode:
    """The error output given to cells that did not run to completion."""
    return nbformat.v4.new_output(
        "error",
        ename=STOPPED_ERROR,
        evalue=reason,
        traceback=[f"{STOPPED_ERROR}: {reason}"],
    )


class SandboxedExecute(Execute):
    """Execute step of ``nbgrader autograde`` that runs the notebook in the sandbox.

    ``limits`` holds keyword arguments of :class:`ann.sandbox.limits.Limits`; the per-cell
    limit defaults to ``Execute.timeout``.
    """

    limits = Dict(help="Keyword arguments of ann.sandbox.limits.Limits").tag(config=True)

    def _limits(self) -> Limits:
        settings = {"cell_seconds": float(self.timeout), **self.limits}
        settings.setdefault(
            "notebook_seconds", max(Limits().notebook_seconds, settings["cell_seconds"])
        )
        return Limits(**settings)

    # --- the run of one notebook ------------------------------------------------------------

    def preprocess(self, nb, resources=None, km=None):
        resources = resources if resources is not None else {}
        missing = missing_programs()
        if missing:
            raise RuntimeError(
                f"the grading sandbox needs {', '.join(missing)}: install them "
                "(Debian/Ubuntu: apt-get install bubblewrap util-linux); nothing was graded"
            )
        self.run_limits = self._limits()
        self.interrupt_on_timeout = False
        self.deadline = monotonic() + self.run_limits.notebook_seconds
        self.output_bytes = 0
        self.stop_reason: str | None = None
        self.stopped_at: int | None = None
        self.snapshot_sent = False
        self.runtime_locked = False
        self.kernel_process = None
        folder = resources.get("metadata", {}).get("path") or "."
        self.files = submission_files(Path(folder))
        self.runtime_dir = Path(tempfile.mkdtemp(prefix="ann-sandbox-", dir=runtime_parent()))
        if os.geteuid() == 0:
            os.chown(self.runtime_dir, SANDBOX_UID, SANDBOX_UID)
        started = monotonic()
        try:
            nb, resources = super().preprocess(nb, resources, km)
        except (_Stop, CellTimeoutError, DeadKernelError) as error:
            nb = self.nb
            self._record_stop(error)
        finally:
            self._kill_kernel()
            shutil.rmtree(self.runtime_dir, ignore_errors=True)
        if self.stop_reason is not None:
            self._fail_remaining_tests(nb)
            info = resources.get("nbgrader", {})
            self.log.warning(
                "Grading of %s/%s stopped early by %s",
                info.get("student", "?"),
                info.get("assignment", "?"),
                self.stop_reason,
            )
        nb.metadata.setdefault("sandbox", {}).update(
            stopped=self.stop_reason,
            seconds=round(monotonic() - started, 3),
            output_bytes=self.output_bytes,
        )
        return nb, resources

    def create_kernel_manager(self):
        self.km = SandboxedKernelManager(
            transport="ipc",
            ip=str(self.runtime_dir / "kernel"),
            connection_file=str(self.runtime_dir / "kernel.json"),
        )
        self.km.runtime_dir = self.runtime_dir
        self.km.files = self.files
        self.km.limits = self.run_limits
        return self.km

    def start_new_kernel(self, **kwargs):
        # nbconvert starts kernels through this synchronous method, which nbclient binds to its
        # own asynchronous one: keep the sandbox's process here, to kill it and read its status.
        super().start_new_kernel(**kwargs)
        self.kernel_process = self.km.provisioner.process

    def _lock_runtime_dir(self) -> None:
        """Take the runtime folder back from the kernel once the kernel listens.

        It is the one host folder the kernel can write to, and files there could fill the disk.
        This holds when grading as root (the kernel runs as another user); a kernel running as
        the grader's own user could give itself the right back, but has given up the right to
        create anything there but sockets (:func:`ann.sandbox.jail.restrict_kernel_writes`).
        """
        if os.geteuid() == 0:
            os.chown(self.runtime_dir, 0, 0)
        self.runtime_dir.chmod(0o755)
        self.runtime_locked = True

    def _kill_kernel(self) -> None:
        """Kill the sandbox if it still runs: every process in it dies with it."""
        process = self.kernel_process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def _exit_status(self) -> int | None:
        """The sandbox's exit status once it has ended by itself (None if it still runs)."""
        process = self.kernel_process
        if process is None:
            return None
        try:
            return process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return None

    # --- cells ------------------------------------------------------------------------------

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self.stop_reason is not None:  # the output limit was reached in an earlier cell
            raise _Stop(self.stop_reason)
        remaining = self.deadline - monotonic()
        if remaining <= 0:
            self.stopped_at = index
            raise _Stop(f"the notebook's time limit ({self.run_limits.notebook_seconds:g} s)")
        self.timeout = max(1, math.ceil(min(self.run_limits.cell_seconds, remaining)))
        if not self.runtime_locked:
            self._lock_runtime_dir()
        if not self.snapshot_sent and not is_instructor_cell(cell):
            self._send_command(f"{SNAPSHOT} {' '.join(self._protected_names())}", index)
            self.snapshot_sent = True
        self.stopped_at = index
        if is_test_cell(cell):
            self._run_test_cell(cell, index)
        else:
            cell = self.execute_cell(cell, index, store_history=True)
        self.stopped_at = None
        memory_errors = [o for o in cell.outputs if o.get("ename") == "MemoryError"]
        if memory_errors:
            self.stopped_at = index
            raise _Stop(f"the memory limit ({self.run_limits.memory_bytes // 2**20} MiB)")
        return cell, resources

    def _protected_names(self) -> list[str]:
        return list(self.nb.metadata.get("sandbox", {}).get("protected_names", []))

    def _send_command(self, command: str, index: int) -> None:
        """Run a guard command (a comment line the guard reads) outside the notebook's cells."""
        message_id = self.kc.execute(f"{COMMAND_PREFIX}{command}\npass", store_history=False)
        self.wait_for_reply(message_id)

    def _run_test_cell(self, cell, index: int) -> None:
        original = cell.source
        cell.source = f"{COMMAND_PREFIX}{TEST}\n{instrument_test(original)}"
        try:
            self.execute_cell(cell, index, store_history=True)
        finally:
            cell.source = original
        keep_result = ends_with_expression(original)
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        cell.outputs = [
            o
            for o in cell.outputs
            if o.output_type != "execute_result" or (keep_result and o is results[-1])
        ]

    # --- limits -----------------------------------------------------------------------------

    def output(self, outs, msg, display_id, cell_index):
        self.output_bytes += len(str(msg.get("content", "")))
        if self.output_bytes > self.run_limits.output_bytes:
            if self.stop_reason is None:
                self.stop_reason = f"the output limit ({self.run_limits.output_bytes} bytes)"
                self.stopped_at = cell_index
                self._kill_kernel()
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _record_stop(self, error: Exception) -> None:
        if self.stop_reason is not None:
            return
        if isinstance(error, CellTimeoutError) and monotonic() >= self.deadline:
            self.stop_reason = f"the notebook's time limit ({self.run_limits.notebook_seconds:g} s)"
        elif isinstance(error, CellTimeoutError):
            self.stop_reason = f"the time limit of a cell ({self.timeout} s)"
        elif isinstance(error, DeadKernelError):
            status = self._exit_status()
            if status is None:
                how = "stopped responding"
            elif status > 128:  # bwrap's status for a kernel killed by a signal
                how = f"was killed by signal {status - 128}"
            else:
                how = f"exited with status {status}"
            self.stop_reason = f"the kernel {how}"
        else:
            self.stop_reason = str(error)

    def _fail_remaining_tests(self, nb) -> None:
        """Give the interrupted cell and every later test cell an error naming the reason."""
        start = self.stopped_at if self.stopped_at is not None else 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or index < start:
                continue
            if index == start or is_test_cell(cell):
                cell.outputs = [
                    o for o in cell.get("outputs", []) if o.output_type != "execute_result"
                ]
                cell.outputs.append(stopped_output(f"not graded: stopped by {self.stop_reason}"))
