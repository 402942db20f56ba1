"""Rewrite a test cell so that what it compares is plain data, not the submission's objects.

A submission can return an object whose ``__eq__`` always answers ``True`` (or whose ``__bool__``
does); ``assert answer() == expected`` then passes whatever the answer is. The grader sends each
test cell to the kernel rewritten by :func:`instrument_test`:

- every operand of ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in`` and ``not in`` is wrapped
  in ``__ann_plain__(...)``;
- every argument of the checking functions in :data:`CHECKING_FUNCTIONS` (``np.allclose``,
  ``np.testing.assert_array_equal``, ``math.isclose``, ...) is wrapped the same way;
- the condition of every ``assert`` is wrapped in ``__ann_truth__(...)``.

Both names are put into ``builtins`` by :mod:`ann.sandbox.kernel`. Plain values (built-in
numbers, strings, containers of them, numpy arrays) go through unchanged, other objects are read
with ``numpy.asarray`` or refused, so honest answers keep their scores. The cell stored in the
notebook keeps its original source; only the code sent to the kernel changes.
"""

from __future__ import annotations

import ast

PLAIN, TRUTH = "__ann_plain__", "__ann_truth__"
COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)

#: Last parts of the dotted names of calls whose arguments are compared values.
CHECKING_FUNCTIONS = frozenset(
    {
        "allclose",
        "isclose",
        "array_equal",
        "array_equiv",
        "assert_allclose",
        "assert_almost_equal",
        "assert_approx_equal",
        "assert_array_almost_equal",
        "assert_array_equal",
        "assert_array_less",
        "assert_equal",
        "assert_array_max_ulp",
        "assert_array_almost_equal_nulp",
    }
)


def _wrap(function_name: str, node: ast.expr) -> ast.expr:
    call = ast.Call(func=ast.Name(id=function_name, ctx=ast.Load()), args=[node], keywords=[])
    return ast.copy_location(call, node)


def _called_name(call: ast.Call) -> str | None:
    """The last part of the called name: ``allclose`` for ``np.allclose(...)``."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


class _PlainComparisons(ast.NodeTransformer):
    """Wraps compared values in ``__ann_plain__`` and assert conditions in ``__ann_truth__``."""

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        self.generic_visit(node)
        if not all(isinstance(op, COMPARISONS) for op in node.ops):
            return node
        node.left = _wrap(PLAIN, node.left)
        node.comparators = [_wrap(PLAIN, value) for value in node.comparators]
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if _called_name(node) in CHECKING_FUNCTIONS:
            node.args = [
                arg if isinstance(arg, ast.Starred) else _wrap(PLAIN, arg) for arg in node.args
            ]
            for keyword in node.keywords:
                if keyword.arg is not None:
                    keyword.value = _wrap(PLAIN, keyword.value)
        return node

    def visit_Assert(self, node: ast.Assert) -> ast.stmt:
        self.generic_visit(node)
        node.test = _wrap(TRUTH, node.test)
        return node


def instrument_test(source: str) -> str:
    """Return the code the grader sends for a test cell's ``source`` (see the module's doc).

    IPython magics and shell escapes (lines starting with ``%`` or ``!``) are not Python; a
    cell holding one, or any other code Python cannot parse, is returned unchanged.
    """
    if not isinstance(source, str):
        raise TypeError(f"expected the source of a test cell as a str, got {type(source)!r}")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    tree = ast.fix_missing_locations(_PlainComparisons().visit(tree))
    return ast.unparse(tree)
