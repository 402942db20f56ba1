"""Look-up by name in the package's registries (activations, losses)."""

from collections.abc import Mapping
from typing import TypeVar

Entry = TypeVar("Entry")


def lookup(registry: Mapping[str, Entry], name: str, kind: str) -> Entry:
    """Return ``registry[name]``, or raise a clear error naming the valid choices.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If no entry has that name; the message lists the valid names.
    """
    if not isinstance(name, str):
        raise TypeError(f"{kind} name must be a string, got {type(name).__name__}")
    try:
        return registry[name]
    except KeyError:
        valid = ", ".join(repr(key) for key in registry)
        raise ValueError(f"unknown {kind} {name!r}; expected one of {valid}") from None
