"""The grading kernel: IPython's kernel with a guard that resets what test cells depend on.

This module runs inside the sandbox (``python -m ann.sandbox.kernel -f CONNECTION_FILE``). It
starts an ordinary ``ipykernel`` whose ``do_execute`` first looks at the code it receives. Code
whose first line is a grader command (:data:`COMMAND_PREFIX`) is handled before it runs:

``snapshot NAME ...``
    sent once, after the instructor's set-up cells and before the first student cell: remember
    the protected modules (:data:`PROTECTED_PACKAGES`), ``builtins``, the interpreter's hooks
    and the named variables the set-up cells defined.
``test``
    sent before each test cell: put everything remembered back, so a submission that replaced
    ``numpy.testing.assert_allclose``, ``math.isclose``, ``builtins.len``, a set-up helper, an
    IPython input transformer or ``sys.excepthook`` meets the originals in the tests.

Test cells are rewritten by the grader (:mod:`ann.sandbox.instrument`) so that every value they
compare passes through :func:`plain` first: an object whose ``==`` always answers ``True`` is
refused instead of compared.

Code running in the same interpreter can always reach these objects too (frames, ``gc``,
``ctypes``): the guard defeats the usual cheats, and :mod:`ann.sandbox.audit` flags submissions
that use such machinery for review. The module imports only the standard library and numpy
(and :func:`main`, the jail's write restriction).
"""

from __future__ import annotations

import builtins
import copy
import sys
import types

COMMAND_PREFIX = "#% ann-sandbox "
SNAPSHOT, TEST = "snapshot", "test"

#: Modules (and their submodules) restored before each test cell.
PROTECTED_PACKAGES = (
    "builtins",
    "math",
    "cmath",
    "operator",
    "itertools",
    "functools",
    "numbers",
    "numpy",
    "ann",
)

#: Interpreter hooks a submission could use to hide failures or rewrite later cells.
SYS_HOOKS = ("displayhook", "excepthook", "stdout", "stderr", "stdin")
SHELL_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")
SHELL_METHODS = (
    "run_cell",
    "run_cell_async",
    "run_ast_nodes",
    "run_code",
    "showtraceback",
    "showsyntaxerror",
    "transform_cell",
    "_showtraceback",
)

#: Plain values: their comparison operators cannot be redefined by a submission.
PLAIN_SCALARS = (type(None), bool, int, float, complex, str, bytes, range, slice, type(...))
PLAIN_CONTAINERS = (tuple, list, set, frozenset)
#: Methods a tuple subclass (a named tuple) must not redefine to be compared as a plain tuple.
TUPLE_METHODS = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__iter__", "__len__")


class NotPlainDataError(AssertionError):
    """A test compared a value that is not plain data (numbers, strings, arrays, containers)."""


def plain(value, _depth: int = 0):
    """Return ``value`` as plain data, so that comparing it runs no code of the submission.

    Built-in scalars, strings, containers of them and numpy arrays and scalars of a non-object
    dtype are returned as they are (exact types only: a subclass of ``int`` may redefine
    ``==``); named tuples become tuples. Anything else is converted with ``numpy.asarray``;
    when that gives an object array (an object numpy cannot read as numbers) the value is
    refused.

    Raises
    ------
    NotPlainDataError
        If the value cannot be read as plain data.
    """
    import numpy

    kind = type(value)
    if kind in PLAIN_SCALARS or kind is type or kind is numpy.dtype:
        return value
    if _depth > 20:
        raise NotPlainDataError("a compared value is nested too deeply")
    if kind in PLAIN_CONTAINERS:
        return kind(plain(item, _depth + 1) for item in value)
    if isinstance(value, tuple) and all(
        getattr(kind, name) is getattr(tuple, name) for name in TUPLE_METHODS
    ):
        return tuple(plain(item, _depth + 1) for item in value)
    if kind is dict:
        return {plain(k, _depth + 1): plain(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, numpy.generic) and type(value).__module__ == "numpy":
        if value.dtype != object:
            return value
    if kind is numpy.ndarray and value.dtype != object:
        return value
    try:
        array = numpy.asarray(value)
    except Exception as error:
        raise NotPlainDataError(f"a test compared a {kind.__name__!s}: not plain data") from error
    if type(array) is not numpy.ndarray or array.dtype == object:
        raise NotPlainDataError(f"a test compared a {kind.__name__!s}: not plain data")
    return array


def truth(value) -> bool:
    """``bool(value)`` for a plain value (the condition of an ``assert`` in a test cell)."""
    return bool(plain(value))


def _protected(name: str) -> bool:
    return name.split(".")[0] in PROTECTED_PACKAGES


def _copy_if_data(value):
    """A deep copy of plain data (so restoring undoes changes made in place), else ``value``."""
    try:
        plain(value)
    except NotPlainDataError:
        return value
    return copy.deepcopy(value)


class Guard:
    """Remembers the state test cells rely on and puts it back before each of them."""

    def __init__(self, kernel) -> None:
        self.kernel = kernel
        self.shell = kernel.shell
        self.modules: dict[str, tuple[types.ModuleType, dict]] = {}
        self.functions: list[tuple[types.FunctionType, tuple]] = []
        self.hooks: dict[str, object] = {}
        self.shell_state: dict[str, object] = {}
        self.variables: dict[str, object] = {}
        self.taken = False

    def install(self) -> None:
        """Wrap the kernel's ``do_execute`` and publish :func:`plain` and :func:`truth`."""
        builtins.__ann_plain__ = plain
        builtins.__ann_truth__ = truth
        original = self.kernel.do_execute

        async def do_execute(code, *args, **kwargs):
            self.handle(code)
            return await original(code, *args, **kwargs)

        self.kernel.do_execute = do_execute

    def handle(self, code: str) -> None:
        """Act on a grader command in the first line of ``code``; ignore other code."""
        first_line = code.split("\n", 1)[0]
        if not first_line.startswith(COMMAND_PREFIX):
            return
        command, *names = first_line[len(COMMAND_PREFIX) :].split()
        if command == SNAPSHOT and not self.taken:
            self.snapshot(names)
        elif command == TEST and self.taken:
            self.restore()

    def snapshot(self, names: list[str]) -> None:
        """Remember protected modules, hooks, shell state and the set-up cells' ``names``."""
        self.taken = True
        for name, module in list(sys.modules.items()):
            if _protected(name) and isinstance(module, types.ModuleType):
                namespace = dict(vars(module))
                self.modules[name] = (module, namespace)
                self.functions += [
                    (value, (value.__code__, value.__defaults__, value.__kwdefaults__))
                    for value in namespace.values()
                    if isinstance(value, types.FunctionType)
                ]
        self.hooks = {name: getattr(sys, name) for name in SYS_HOOKS}
        self.shell_state = {name: list(getattr(self.shell, name)) for name in SHELL_LISTS}
        self.shell_state["custom_exceptions"] = self.shell.custom_exceptions
        self.shell_state["CustomTB"] = self.shell.CustomTB
        self.events = {event: list(cbs) for event, cbs in self.shell.events.callbacks.items()}
        user_ns = self.shell.user_ns
        self.variables = {name: _copy_if_data(user_ns[name]) for name in names if name in user_ns}

    def restore(self) -> None:
        """Put everything :meth:`snapshot` remembered back in place."""
        sys.settrace(None)
        sys.setprofile(None)
        for name, (module, namespace) in self.modules.items():
            sys.modules[name] = module
            current = vars(module)
            for key, value in namespace.items():
                if current.get(key, namespace) is not value:
                    current[key] = value
        for function, (code, defaults, kwdefaults) in self.functions:
            if function.__code__ is not code:
                function.__code__ = code
            function.__defaults__, function.__kwdefaults__ = defaults, kwdefaults
        for name, value in self.hooks.items():
            setattr(sys, name, value)
        for name in SHELL_LISTS:
            getattr(self.shell, name)[:] = self.shell_state[name]
        self.shell.custom_exceptions = self.shell_state["custom_exceptions"]
        self.shell.CustomTB = self.shell_state["CustomTB"]
        for name in SHELL_METHODS:
            vars(self.shell).pop(name, None)
        for event, callbacks in self.events.items():
            self.shell.events.callbacks[event][:] = callbacks
        for name, value in self.variables.items():
            self.shell.user_ns[name] = _copy_if_data(value)


def main() -> None:
    """Start the kernel with the guard installed (the sandbox's kernel command).

    The kernel first gives up the right to write outside its scratch folders (before ipykernel
    starts threads, which would otherwise keep the right).
    """
    import os

    from ann.sandbox.jail import restrict_kernel_writes

    restrict_kernel_writes(os.path.dirname(os.path.abspath(sys.argv[sys.argv.index("-f") + 1])))

    import numpy  # noqa: F401  (imported now so that the snapshot holds the real one)
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(sys.argv[1:])
    Guard(app.kernel).install()
    app.start()


if __name__ == "__main__":
    main()
