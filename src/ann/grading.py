"""Helpers for the hidden tests of the course's notebooks, imported inside the student's kernel.

The hidden tests run a student's function inside ``reference_disabled(...)``: there, the
project's reference implementation (and any other function or class named) raises, so an answer
that only calls the package fails while the student's own code is unaffected. The module uses
the standard library only, so importing it costs the grading nothing.
"""

from __future__ import annotations

import contextlib
import importlib
import types
from collections.abc import Callable, Iterator


class ReferenceUsedError(AssertionError):
    """Raised when a student's code calls a reference implementation it must not use."""


def _refuse(*args, **kwargs):
    """Stand-in body of a forbidden function; its code object carries the forbidden name."""
    # This code runs with the globals of the function it replaces: import what it needs here.
    import sys

    from ann.grading import ReferenceUsedError

    name = sys._getframe().f_code.co_qualname
    raise ReferenceUsedError(f"{name} was called: this exercise asks for your own implementation")


def _forbid_function(function: types.FunctionType) -> Callable[[], None]:
    """Make ``function`` raise, even where it was imported by name; return the undo action."""
    qualified_name = f"{function.__module__}.{function.__qualname__}"
    original = (function.__code__, function.__defaults__, function.__kwdefaults__)
    function.__code__ = _refuse.__code__.replace(co_qualname=qualified_name)
    function.__defaults__ = function.__kwdefaults__ = None

    def restore() -> None:
        function.__code__, function.__defaults__, function.__kwdefaults__ = original

    return restore


def _forbid_class(cls: type) -> Callable[[], None]:
    """Make creating ``cls`` and calling its methods raise; return the undo action."""
    originals = {
        name: value
        for name, value in vars(cls).items()
        if isinstance(value, types.FunctionType)
        and (not name.startswith("__") or name in ("__init__", "__call__"))
    }
    for name in originals:
        refuse = types.FunctionType(
            _refuse.__code__.replace(co_qualname=f"{cls.__module__}.{cls.__qualname__}.{name}"),
            globals(),
        )
        setattr(cls, name, refuse)

    def restore() -> None:
        for name, value in originals.items():
            setattr(cls, name, value)

    return restore


def _targets(target: str | types.ModuleType | type | types.FunctionType) -> list:
    """The functions and classes to forbid for one argument of ``reference_disabled``."""
    if isinstance(target, str):
        try:
            target = importlib.import_module(target)
        except Exception:  # a module that cannot be imported cannot be called either
            return []
    if isinstance(target, types.ModuleType):
        return [
            value
            for value in vars(target).values()
            if isinstance(value, type | types.FunctionType)
            and getattr(value, "__module__", None) == target.__name__
        ]
    if isinstance(target, type | types.FunctionType):
        return [target]
    raise TypeError(f"expected a module name, module, class or function, got {target!r}")


@contextlib.contextmanager
def reference_disabled(*targets: str | types.ModuleType | type | types.FunctionType) -> Iterator:
    """Within the block, calling any of ``targets`` raises ``ReferenceUsedError``.

    Hidden tests run a student's function inside this block, so an answer that merely calls
    the project's reference implementation (or scikit-learn's) fails while the student's own
    code is unaffected. Functions are disabled in place, so names imported earlier with
    ``from module import name`` are disabled too. Modules that cannot be imported are skipped.

    Parameters
    ----------
    *targets : str, module, class or function
        Module names or modules (all functions and classes defined there), classes or
        functions.
    """
    if not targets:
        raise TypeError("reference_disabled() needs at least one module, class or function")
    restores = []
    try:
        for target in targets:
            for item in _targets(target):
                forbid = _forbid_class if isinstance(item, type) else _forbid_function
                restores.append(forbid(item))
        yield
    finally:
        for restore in reversed(restores):
            restore()
