"""Write restrictions the kernel puts on itself before it runs anything (Linux Landlock).

When the instructor grades as a normal user, the kernel runs as that same user inside its
user namespace: it owns the folders bwrap creates and the host folder that holds its sockets,
so file permissions alone cannot keep it from writing there (it could ``chmod`` them back).
Landlock lets an unprivileged process give up rights for good, for itself and every thread and
process it starts later. :func:`restrict_writes` is called first thing in the kernel, before
ipykernel starts its threads and long before any student code: from then on the kernel can

- create, change and delete files only in the scratch folders;
- write to existing device files in ``/dev`` (``/dev/null``...);
- create socket files, and nothing else, in the folder of its sockets.

Landlock exists since Linux 5.13; where it is missing or disabled nothing is restricted and the
sandbox relies on bwrap alone (see ``docs/grading-security.md``).
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Mapping

# Landlock's system calls have the same numbers on every architecture.
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# Access rights (include/uapi/linux/landlock.h), with the ABI version that introduced them.
WRITE_FILE = 1 << 1
REMOVE_DIR, REMOVE_FILE = 1 << 4, 1 << 5
MAKE_CHAR, MAKE_DIR, MAKE_REG, MAKE_SOCK = 1 << 6, 1 << 7, 1 << 8, 1 << 9
MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 10, 1 << 11, 1 << 12
REFER = 1 << 13  # ABI 2
TRUNCATE = 1 << 14  # ABI 3
ALL_WRITES_ABI_1 = (
    WRITE_FILE
    | REMOVE_DIR
    | REMOVE_FILE
    | MAKE_CHAR
    | MAKE_DIR
    | MAKE_REG
    | MAKE_SOCK
    | MAKE_FIFO
    | MAKE_BLOCK
    | MAKE_SYM
)


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """Landlock's ABI version on this machine (0 when Landlock is missing or disabled)."""
    version = _libc().syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION)
    return max(int(version), 0)


def write_rights(abi: int) -> int:
    """Every right that changes the file system that Landlock ABI ``abi`` can take away."""
    rights = ALL_WRITES_ABI_1
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    return rights


def restrict_writes(allowed: Mapping[str, int]) -> bool:
    """Take every write right away from this process, except ``allowed`` (folder to rights).

    Parameters
    ----------
    allowed : mapping of str to int
        Folders and the rights (bits of this module, e.g. ``MAKE_SOCK``) kept beneath each;
        use :func:`write_rights` for "everything". Missing folders are skipped.

    Returns
    -------
    bool
        True if the restriction is in force, False if Landlock is not available.
    """
    abi = abi_version()
    if abi == 0:
        return False
    libc = _libc()
    handled = write_rights(abi)
    ruleset_attr = ctypes.c_uint64(handled)  # struct landlock_ruleset_attr, its first field
    ruleset = libc.syscall(
        _CREATE_RULESET, ctypes.byref(ruleset_attr), ctypes.c_size_t(8), ctypes.c_uint32(0)
    )
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        for folder, rights in allowed.items():
            try:
                descriptor = os.open(folder, os.O_PATH | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                rule = _PathBeneath(rights & handled, descriptor)
                if libc.syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0):
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {folder}")
            finally:
                os.close(descriptor)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0):
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)):
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return True
