"""Flag answers that reach into the interpreter's machinery, for the instructor to review.

Code that runs in the same interpreter as the tests can, with enough effort, subvert them
(stack frames, the garbage collector, ``ctypes``, IPython's internals). Honest answers to these
exercises never need such tools, so the grader lists where a submission uses them: the log shows
a warning and the autograded notebook's ``metadata.sandbox.flags`` keeps the list. Flags do not
change a score; they tell a person where to look.
"""

from __future__ import annotations

import ast

#: Names whose use in an answer is worth a look, with the reason shown to the instructor.
SUSPICIOUS_NAMES = {
    "get_ipython": "uses IPython's internals",
    "_getframe": "inspects stack frames",
    "f_back": "inspects stack frames",
    "f_globals": "inspects stack frames",
    "f_locals": "inspects stack frames",
    "settrace": "traces execution",
    "setprofile": "traces execution",
    "gc": "walks the garbage collector",
    "ctypes": "accesses memory directly",
    "inspect": "inspects live objects",
    "builtins": "changes built-ins",
    "__builtins__": "changes built-ins",
    "__code__": "rewrites function code",
    "__globals__": "reaches other namespaces",
    "__import__": "imports dynamically",
    "importlib": "imports dynamically",
    "displayhook": "changes how results are shown",
    "excepthook": "changes how errors are shown",
    "modules": "changes loaded modules",
    "globals": "rewrites global names",
    "exec": "runs generated code",
    "eval": "runs generated code",
    "compile": "runs generated code",
}


#: Names flagged only when used as bare names (as attributes they are common: ``model.compile``).
BARE_NAMES_ONLY = frozenset({"exec", "eval", "compile", "globals", "gc", "inspect", "builtins"})


def suspicious_constructs(source: str) -> list[str]:
    """Describe each suspicious name used in ``source`` (one entry per name, sorted).

    Code that Python cannot parse is reported as such: it may hide IPython magics.
    """
    if not isinstance(source, str):
        raise TypeError(f"expected source code as a str, got {type(source)!r}")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ["is not valid Python (IPython magics or shell commands?)"]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute) and node.attr not in BARE_NAMES_ONLY:
            name = node.attr
        elif isinstance(node, ast.alias):
            name = node.name.split(".")[0]
        else:
            continue
        if name in SUSPICIOUS_NAMES or name.startswith("__ann_"):
            found.add(f"{name}: {SUSPICIOUS_NAMES.get(name, 'touches the grader')}")
    return sorted(found)
