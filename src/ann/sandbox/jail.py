"""The kernel's jail: a bubblewrap sandbox under ``prlimit``, started by a kernel manager.

:func:`jail_command` wraps the kernel's command line in

- ``prlimit``: address space, file size, no core files;
- ``bwrap`` (Debian's ``bubblewrap``): new mount, PID, network, IPC and UTS namespaces; a
  read-only root file system that holds only the system (``/usr``, ``/etc``), the Python
  installation, the environment and the ``ann`` package, all read-only; size-capped ``tmpfs``
  folders for the home/working folder, ``/tmp`` and ``/dev/shm``; the submission's own files
  bound read-only into the working folder; an empty environment; the sandbox dies with the
  grader;
- ``setpriv`` when the grader runs as root: the kernel then runs as an unprivileged user
  (Linux does not apply ``RLIMIT_NPROC`` to root);
- ``prlimit`` again, inside the sandbox, for the number of processes. ``RLIMIT_NPROC`` counts
  the processes of a user *in a user namespace*: when the instructor grades as a normal user,
  bwrap's user namespace makes the limit count the sandbox's processes only, not the
  instructor's others. (As root, it counts the processes of ``nobody``.)

The kernel itself gives up every write right outside the scratch folders before it starts
(:func:`restrict_kernel_writes`, Linux Landlock): the host folder of its sockets is then closed
to it even when it runs as the instructor's own user.

Nothing of the course folder (solutions, gradebook, other students' files, configuration), the
home folder or the rest of the machine exists inside the sandbox, and there is no network: the
grader talks to the kernel over ZeroMQ ``ipc`` sockets in a private runtime folder that is the
only host folder the kernel can write to while it starts.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from ann.sandbox import landlock
from ann.sandbox.limits import Limits

#: The working folder (and home) of the submission inside the sandbox.
WORKDIR = "/home/student"
#: Folders the kernel may write to: size-capped ``tmpfs`` mounts that vanish after the run.
SCRATCH_FOLDERS = ("/tmp", "/dev/shm", WORKDIR)
#: Unprivileged user the kernel runs as when the grader is root (``nobody`` on Debian).
SANDBOX_UID = 65534
#: Environment of the kernel: nothing of the grader's environment is passed on.
KERNEL_ENVIRONMENT = {
    "HOME": WORKDIR,
    "LANG": "C.UTF-8",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "MPLBACKEND": "Agg",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "JPY_PARENT_PID": "1",  # no parent poller (the sandbox dies with the grader anyway)
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "CUDA_VISIBLE_DEVICES": "-1",
}
REQUIRED_PROGRAMS = ("bwrap", "prlimit", "setpriv")


def missing_programs() -> list[str]:
    """The programs the sandbox needs that are not installed (an empty list when all are)."""
    return [program for program in REQUIRED_PROGRAMS if shutil.which(program) is None]


def readonly_paths() -> list[Path]:
    """Folders the kernel reads: the Python installation, the environment, the ``ann`` package."""
    import ann

    candidates = [
        Path(sys.base_prefix).resolve(),
        Path(sys.prefix),
        Path(sys.prefix).resolve(),
        Path(ann.__file__).resolve().parent,
    ]
    system = (Path("/usr"), Path("/etc"))
    paths: list[Path] = []
    for path in candidates:
        if path not in paths and not any(path.is_relative_to(root) for root in system):
            paths.append(path)
    return paths


def _system_mounts() -> list[str]:
    """``/usr`` and ``/etc`` read-only; ``/bin``, ``/lib``... as on the host (links or binds)."""
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(name):
            args += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            args += ["--ro-bind", name, name]
    return args


def _parents(paths: list[Path]) -> list[Path]:
    """Every ancestor folder of ``paths`` (outermost first), which bwrap must create."""
    parents: list[Path] = []
    for path in paths:
        for parent in reversed(path.parents):
            if parent != Path("/") and parent not in parents:
                parents.append(parent)
    return parents


def jail_command(
    kernel_argv: list[str],
    *,
    runtime_dir: Path,
    files: Mapping[str, Path],
    limits: Limits,
) -> list[str]:
    """The command line that runs ``kernel_argv`` in the sandbox.

    Parameters
    ----------
    kernel_argv : list of str
        The kernel's own command (its connection file must lie in ``runtime_dir``).
    runtime_dir : Path
        Host folder bound at the same path inside: connection file and ``ipc`` sockets.
    files : mapping of str to Path
        Files of the submission: relative path in the working folder to host file, bound
        read-only.
    limits : Limits
        Memory, process, file and scratch sizes.
    """
    if not kernel_argv:
        raise ValueError("expected a kernel command, got an empty list")
    readonly = readonly_paths()
    args = [
        "prlimit",
        f"--as={limits.memory_bytes}",
        f"--fsize={limits.file_bytes}",
        "--core=0",
        "--",
        "bwrap",
        *_system_mounts(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
    ]
    for folder in SCRATCH_FOLDERS:
        args += ["--perms", "1777", "--size", str(limits.scratch_bytes), "--tmpfs", folder]
    # Folders that exist inside already: binds (with their content) and the scratch folders
    # themselves. Folders *below* a scratch folder (an environment under /tmp, say) do not: they
    # are created here, readable by the kernel's user (bwrap would make them 0700 otherwise).
    bound = [*readonly, *map(Path, ("/dev", "/proc", "/usr", "/etc"))]
    scratch = [Path("/tmp"), Path("/dev/shm"), Path(WORKDIR)]
    for parent in _parents([*readonly, runtime_dir]):
        if parent not in scratch and not any(parent.is_relative_to(path) for path in bound):
            args += ["--perms", "0755", "--dir", str(parent)]
    for path in readonly:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--bind", str(runtime_dir), str(runtime_dir)]
    for relative, source in files.items():
        args += ["--ro-bind", str(source), f"{WORKDIR}/{relative}"]
    args += [
        "--remount-ro",
        "/",
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "grading",
        "--die-with-parent",
        "--new-session",
        "--chdir",
        WORKDIR,
        "--clearenv",
    ]
    environment = {**KERNEL_ENVIRONMENT, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    for name, value in environment.items():
        args += ["--setenv", name, value]
    args.append("--")
    if os.geteuid() == 0:
        args += [
            "setpriv",
            f"--reuid={SANDBOX_UID}",
            f"--regid={SANDBOX_UID}",
            "--clear-groups",
            "--no-new-privs",
            "--bounding-set=-all",
            "--inh-caps=-all",
        ]
    return [*args, "prlimit", f"--nproc={limits.processes}", "--", *kernel_argv]


def runtime_parent() -> str | None:
    """The folder in which the grader creates the kernel's socket folder.

    It must not lie under a name that is a scratch folder inside the sandbox: a socket folder
    under ``/tmp`` would be under the kernel's writable ``/tmp`` for Landlock, which follows
    the folder's path. The user's runtime folder (``XDG_RUNTIME_DIR``) comes first, then
    ``~/.cache``; None (the system's temporary folder) if neither fits.
    """
    candidates = [os.environ.get("XDG_RUNTIME_DIR"), os.path.expanduser("~/.cache")]
    for candidate in candidates:
        if not candidate or not os.path.isabs(candidate):
            continue
        path = Path(candidate).resolve()
        if any(path.is_relative_to(folder) for folder in SCRATCH_FOLDERS):
            continue
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            continue
        return str(path)
    return None


def restrict_kernel_writes(runtime_dir: str | Path) -> bool:
    """Called by the kernel, in the sandbox, before it starts: keep only the writes it needs.

    Files of any kind in :data:`SCRATCH_FOLDERS`, writes to existing devices in ``/dev`` and
    its own sockets in ``runtime_dir`` (see :mod:`ann.sandbox.landlock`). Returns False where
    Landlock is not available.
    """
    everything = landlock.write_rights(landlock.abi_version())
    allowed = {folder: everything for folder in SCRATCH_FOLDERS}
    allowed["/dev"] = landlock.WRITE_FILE | landlock.TRUNCATE
    allowed[str(runtime_dir)] = landlock.MAKE_SOCK
    return landlock.restrict_writes(allowed)


class SandboxedKernelManager(AsyncKernelManager):
    """Starts the grading kernel (:mod:`ann.sandbox.kernel`) inside :func:`jail_command`.

    The notebook's kernelspec is not used: the kernel is always this environment's Python.
    ``runtime_dir``, ``files`` and ``limits`` must be set before the kernel starts.
    """

    runtime_dir: Path
    files: Mapping[str, Path] = {}
    limits: Limits = Limits()

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        kernel = [
            sys.executable,
            "-m",
            "ann.sandbox.kernel",
            "-f",
            self.connection_file,
            *(extra_arguments or []),
        ]
        return jail_command(
            kernel, runtime_dir=self.runtime_dir, files=self.files, limits=self.limits
        )

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        kw.pop("cwd", None)  # the sandbox chooses its own working folder
        if os.geteuid() == 0:  # the kernel runs as SANDBOX_UID and must read its connection file
            os.chown(self.connection_file, SANDBOX_UID, SANDBOX_UID)
        await super()._async_launch_kernel(kernel_cmd, **kw)
