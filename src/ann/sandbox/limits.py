"""The resource limits of one student's grading run, checked when they are set."""

from __future__ import annotations

from dataclasses import dataclass, fields

MEBIBYTE = 1024**2


@dataclass(frozen=True)
class Limits:
    """What one submission may use while it is graded.

    The kernel enforces none of these itself: ``prlimit`` (memory, processes, file size), the
    size of the sandbox's ``tmpfs`` mounts (scratch space) and the grader (time, output) do.

    Parameters
    ----------
    cell_seconds : float
        Wall-clock time of one cell.
    notebook_seconds : float
        Wall-clock time of the whole notebook, kernel start-up included.
    memory_bytes : int
        Address space of each process (``RLIMIT_AS``). TensorFlow needs about 3 GiB.
    processes : int
        Processes and threads the sandbox's user may run at once (``RLIMIT_NPROC``).
    output_bytes : int
        Text, images and tracebacks the notebook may send back, all cells together.
    file_bytes : int
        Size of any one file the submission writes (``RLIMIT_FSIZE``).
    scratch_bytes : int
        Size of each writable folder (working folder, ``/tmp``, ``/dev/shm``).
    notebook_file_bytes : int
        Size of the submitted ``.ipynb`` file; larger files are refused unread.
    """

    cell_seconds: float = 120.0
    notebook_seconds: float = 600.0
    memory_bytes: int = 4096 * MEBIBYTE
    processes: int = 256
    output_bytes: int = 2 * MEBIBYTE
    file_bytes: int = 64 * MEBIBYTE
    scratch_bytes: int = 256 * MEBIBYTE
    notebook_file_bytes: int = 8 * MEBIBYTE

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"Limits.{field.name} must be a number, got {value!r}")
            if field.type == "int" and not isinstance(value, int):
                raise TypeError(f"Limits.{field.name} must be an integer, got {value!r}")
            if value <= 0:
                raise ValueError(f"Limits.{field.name} must be positive, got {value!r}")
        if self.cell_seconds > self.notebook_seconds:
            raise ValueError(
                f"Limits.cell_seconds ({self.cell_seconds}) cannot exceed "
                f"Limits.notebook_seconds ({self.notebook_seconds})"
            )
