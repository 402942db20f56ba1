"""Hostile and broken submissions, each with the outcome the sandboxed grading must give.

A case starts from the release (``base="release"``: nothing solved, so every honest point is
0) or from the full solution (``base="solved"``: 10 points) of assignment 1 or 2, replaces some
answer cells with ``answers`` (grade_id to code), may reshape the notebook with ``reshape`` or
replace the whole file with ``raw`` bytes, and states what must come out:

- ``score``: the total the gradebook records;
- ``stopped``: text of the reason the run was stopped (``metadata.sandbox.stopped``), or a
  tuple of texts, any of which may appear;
- ``log``: text ``nbgrader autograde`` must print about this student, whose notebook is then
  refused (no autograded copy; the gradebook keeps 0 points).

Code may use the placeholders ``{course}`` (the course folder), ``{port}`` (a TCP port the
test listens on) and ``{venv}`` (the environment); it prints ``LEAKED ...`` when an attack worked,
and no autograded notebook may contain that word.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

import nbformat

LOGIC, XOR = "01_logic_gates", "02_xor_network"


@dataclass(frozen=True)
class Case:
    student: str
    assignment: str
    attack: str
    base: str = "release"
    answers: dict[str, str] = field(default_factory=dict)
    reshape: Callable[[nbformat.NotebookNode], nbformat.NotebookNode] | None = None
    raw: bytes | None = None
    file_name: str | None = None
    score: float = 0.0
    stopped: str | tuple[str, ...] | None = None
    log: str | None = None


# --- code used by several cases -----------------------------------------------------------------

ALWAYS_EQUAL = """
class Anything(int):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __bool__(self): return True
    __hash__ = int.__hash__


def mp_neuron(excitatory, inhibitory=(), threshold=2):
    return Anything(0)
"""

GATES_RETURNING_ANYTHING = """
def AND(a, b): return Anything(0)
def OR(a, b): return Anything(0)
def AND_NOT(a, b): return Anything(0)
def NOT(a): return Anything(0)
"""

WRONG_NEURON = "def mp_neuron(excitatory, inhibitory=(), threshold=2):\n    return 0\n"


def _probe(label: str, action: str) -> str:
    """Code that prints ``LEAKED label`` if ``action`` succeeds."""
    return (
        f"try:\n    {action}\n    print('LEAKED {label}')\n"
        f"except Exception as error:\n    print('blocked {label}:', type(error).__name__)\n"
    )


def _grade_cells(notebook):
    return [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]


def _edit_tests(notebook):
    for cell in _grade_cells(notebook):
        if not cell.metadata["nbgrader"].get("solution"):
            cell.source = "pass"
            cell.metadata["nbgrader"]["points"] = 100
    return notebook


def _delete_tests(notebook):
    notebook.cells = [c for c in notebook.cells if c not in _grade_cells(notebook)]
    return notebook


def _duplicate_and_retype(notebook):
    for cell in _grade_cells(notebook):
        cell.cell_type = "markdown"
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    answer = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    fake = copy.deepcopy(answer)
    fake.metadata["nbgrader"].update(grade=True, points=50, grade_id="bonus", solution=False)
    fake.source = "1 + 1"
    twin = copy.deepcopy(fake)
    fake["id"], twin["id"] = "fake-test", "fake-test-twin"
    notebook.cells.insert(2, fake)
    notebook.cells.insert(3, twin)
    return notebook


def _old_schema(notebook):
    for cell in notebook.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata["nbgrader"]["schema_version"] = 1
    return notebook


def _as_nbformat_3(notebook):
    return nbformat.v3.convert.downgrade(copy.deepcopy(notebook))


CASES = [
    # 1. Cheats earn nothing ------------------------------------------------------------------
    Case(
        "always_equal",
        LOGIC,
        "answers return an int subclass whose == and bool are always true",
        answers={
            "neuron": ALWAYS_EQUAL,
            "gates": GATES_RETURNING_ANYTHING,
            "xor": "def XOR(a, b): return Anything(0)",
            "circuits": "def half_adder(a, b): return Anything(0)\n"
            "def majority(a, b, c): return Anything(0)",
        },
    ),
    Case(
        "patched_checkers",
        XOR,
        "replaces numpy.testing, numpy.allclose, numpy.isclose, math.isclose by no-ops",
        answers={
            "heaviside": "import math\nimport numpy as np\n\n"
            "def passes(*args, **kwargs): return True\n"
            "np.testing.assert_array_equal = np.testing.assert_allclose = passes\n"
            "np.allclose = np.isclose = np.array_equal = math.isclose = passes\n"
            "np.testing.assert_array_equal.__code__ = passes.__code__\n"
            "def heaviside(z): return np.zeros(np.shape(z), dtype=int)",
        },
    ),
    Case(
        "patched_builtins_and_helpers",
        LOGIC,
        "replaces builtins (all, any) and fakes the set-up helpers raises/truth_table",
        answers={
            "neuron": "import builtins\n"
            "builtins.all = builtins.any = lambda *args: True\n"
            "raises = lambda *args, **kwargs: True\n"
            "EXPECTED = {'AND': [0, 0, 0, 1], 'OR': [0, 1, 1, 1], 'AND_NOT': [0, 0, 1, 0],\n"
            "            'NOT': [1, 0], 'XOR': [0, 1, 1, 0],\n"
            "            'majority': [0, 0, 0, 1, 0, 1, 1, 1],\n"
            "            'half_adder': [(0, 0), (1, 0), (1, 0), (0, 1)]}\n"
            "truth_table = lambda function, n: [(n, out) for out in EXPECTED[function.__name__]]\n"
            + WRONG_NEURON,
        },
    ),
    Case(
        "swallowed_tracebacks",
        LOGIC,
        "hides every failure: showtraceback, a custom exception handler, sys.excepthook",
        answers={
            "neuron": "import sys\nip = get_ipython()\n"
            "ip.showtraceback = lambda *args, **kwargs: None\n"
            "ip.set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n"
            "sys.excepthook = lambda *args: None\n" + WRONG_NEURON,
        },
    ),
    Case(
        "fake_passed_output",
        LOGIC,
        "prints fake success messages from its answers",
        answers={
            "neuron": "def mp_neuron(excitatory, inhibitory=(), threshold=2):\n"
            "    print('All tests passed! 10/10')\n    return 0\n",
        },
    ),
    Case(
        "numeric_result",
        LOGIC,
        "emits numeric execute_results through sys.displayhook to fake partial credit",
        answers={
            "neuron": "import sys\n\ndef mp_neuron(excitatory, inhibitory=(), threshold=2):\n"
            "    sys.displayhook(1.0)\n    return 0\n",
        },
    ),
    Case(
        "blanked_test_cells",
        LOGIC,
        "adds an IPython input transformer that turns every later cell into `pass`",
        answers={
            "neuron": "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n"
            "get_ipython().ast_transformers.clear()\n" + WRONG_NEURON,
        },
    ),
    Case(
        "edited_tests",
        LOGIC,
        "replaces every test cell by `pass` and gives it 100 points",
        reshape=_edit_tests,
    ),
    Case("deleted_tests", LOGIC, "deletes every test cell", reshape=_delete_tests),
    Case(
        "retyped_and_duplicated",
        LOGIC,
        "turns test cells into markdown and adds two copies of a 50-point fake test cell",
        reshape=_duplicate_and_retype,
    ),
    Case(
        "old_schema_metadata",
        LOGIC,
        "sets schema_version 1 on every cell (plain nbgrader stops the whole batch)",
        reshape=_old_schema,
    ),
    # 2. Hidden tests stay hidden ----------------------------------------------------------------
    Case(
        "reads_secrets",
        LOGIC,
        "reads solutions, gradebook, other students' files, configuration, the host's files",
        answers={
            "neuron": _probe(
                "solutions", "open('{course}/solutions/01_logic_gates/logic_gates.ipynb')"
            )
            + _probe("gradebook", "open('{course}/var/gradebook.db', 'rb')")
            + _probe(
                "other_student",
                "open('{course}/var/submitted/solved/01_logic_gates/logic_gates.ipynb')",
            )
            + _probe("config", "open('{course}/nbgrader_config.py')")
            + _probe("root_home", "open('/root/.bashrc')")
            + _probe("shadow", "open('/etc/shadow')")
            + _probe("relative", "open('../../../../nbgrader_config.py')")
            + WRONG_NEURON,
        },
    ),
    Case(
        "steals_hidden_tests",
        LOGIC,
        "copies the hidden tests' source into outputs and exception messages",
        base="solved",
        answers={
            "circuits": "import sys\n\nstolen = []\n\n"
            "def half_adder(a, b):\n"
            "    stolen.append(repr(get_ipython().user_ns.get('_ih')))\n"
            "    frame = sys._getframe(1)\n"
            "    stolen.append(repr(frame.f_code.co_consts))\n"
            "    print(stolen[-2][-3000:])\n"
            "    raise AssertionError(stolen[-2][-3000:])\n\n"
            "def majority(a, b, c):\n    return int(a + b + c >= 2)\n",
        },
        score=7.0,
    ),
    # 3. Nothing outside its own copy changes ---------------------------------------------
    Case(
        "aaa_planter",
        LOGIC,
        "writes into the course, gradebook, home, environment and /tmp, and plants start-up code",
        answers={
            "neuron": _probe("config", "open('{course}/nbgrader_config.py', 'a').write('#')")
            + _probe("gradebook", "open('{course}/var/gradebook.db', 'ab').write(b'x')")
            + _probe(
                "delete",
                "import os; os.remove('{course}/exercises/01_logic_gates/logic_gates.ipynb')",
            )
            + _probe(
                "venv",
                "open('{venv}/lib/python3.11/site-packages/sitecustomize.py', 'w').write('x')",
            )
            + _probe("home", "open('/root/planted.py', 'w').write('x')")
            + _probe(
                "runtime_folder",
                "from ipykernel.connect import get_connection_file\n"
                "    open(get_connection_file() + '.fill', 'w').write('x')",
            )
            + "import os, pathlib\n"
            "startup = pathlib.Path.home() / '.ipython/profile_default/startup'\n"
            "startup.mkdir(parents=True, exist_ok=True)\n"
            "(startup / '00-planted.py').write_text('print(\"LEAKED planted start-up\")')\n"
            "open('/tmp/ann-planted.py', 'w').write('x')\n" + WRONG_NEURON,
        },
    ),
    # 4. Limits from outside the kernel ---------------------------------------------------
    Case(
        "infinite_loop",
        LOGIC,
        "loops forever in its last answer",
        base="solved",
        answers={"circuits": "while True:\n    pass\n"},
        score=7.0,
        stopped="time limit of a cell",
    ),
    Case(
        "slow_everywhere",
        LOGIC,
        "sleeps in every answer cell: each cell within its limit, the notebook beyond its own",
        answers={
            grade_id: "import time\ntime.sleep(7)\n"
            for grade_id in ("neuron", "gates", "xor", "circuits")
        },
        stopped="notebook's time limit",
    ),
    Case(
        "memory_bomb",
        LOGIC,
        "allocates 8 GiB at once",
        answers={"neuron": "hoard = bytearray(8 * 2**30)\n"},
        stopped="memory limit",
    ),
    Case(
        "memory_hog",
        LOGIC,
        "allocates memory without end, 64 MiB at a time (a MemoryError or the kernel's death "
        "ends it, depending on which thread meets the cap first; a kernel left with no memory "
        "to send its reply is ended by the cell's time limit instead)",
        answers={"neuron": "hoard = []\nwhile True:\n    hoard.append(bytearray(64 * 2**20))\n"},
        stopped=("memory limit", "the kernel", "time limit of a cell"),
    ),
    Case(
        "fork_bomb",
        LOGIC,
        "forks until refused, children sleeping; starts a detached `sleep` as well",
        answers={
            "neuron": "import os, subprocess, time\n"
            "subprocess.Popen(['sleep', '1000'], start_new_session=True)\n"
            "children = 0\ntry:\n    while True:\n        if os.fork() == 0:\n"
            "            time.sleep(1000)\n            os._exit(0)\n        children += 1\n"
            "except OSError as error:\n    print('fork refused after', children, error)\n"
            + WRONG_NEURON,
        },
    ),
    Case(
        "os_exit",
        LOGIC,
        "ends its interpreter with os._exit after two answers",
        base="solved",
        answers={"xor": "import os\nos._exit(3)"},
        score=5.0,
        stopped="the kernel exited with status 3",
    ),
    Case(
        "sys_exit",
        LOGIC,
        "raises SystemExit in an answer and in a function the tests call",
        answers={
            "neuron": "import sys\n\n"
            "def mp_neuron(*args, **kwargs):\n    sys.exit(0)\n\nsys.exit(1)",
        },
    ),
    Case(
        "killed_kernel",
        LOGIC,
        "kills its own kernel with SIGKILL",
        answers={"gates": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"},
        stopped="the kernel was killed by signal 9",
    ),
    Case(
        "asks_for_input",
        LOGIC,
        "calls input() at the top of an answer and inside the answer",
        answers={"neuron": "name = input('your name? ')\n" + WRONG_NEURON},
    ),
    Case(
        "output_flood",
        LOGIC,
        "prints tens of megabytes",
        answers={"neuron": "for _ in range(2000):\n    print('x' * 20000)\n" + WRONG_NEURON},
        stopped="output limit",
    ),
    Case(
        "network",
        LOGIC,
        "connects to a server on the host's loopback and resolves a name",
        answers={
            "neuron": _probe(
                "loopback",
                "import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)",
            )
            + _probe("dns", "import socket; socket.getaddrinfo('example.org', 80)")
            + WRONG_NEURON,
        },
    ),
    # 5. Broken files ----------------------------------------------------------------------------
    Case(
        "invalid_json",
        LOGIC,
        "is not JSON",
        raw=b'{"cells": [ not json',
        log="Notebook does not appear to be JSON",
    ),
    Case("empty_file", LOGIC, "is an empty file", raw=b"", log="is empty"),
    Case(
        "nbformat_3",
        LOGIC,
        "is the solution saved in nbformat 3",
        base="solved",
        reshape=_as_nbformat_3,
        score=10.0,
    ),
    Case(
        "other_assignment",
        LOGIC,
        "is the solved notebook of assignment 2 under this name",
        base="other",
        score=0.0,
    ),
    Case(
        "wrong_file_name",
        LOGIC,
        "is the solution under another file name",
        base="solved",
        file_name="logic_gates (1).ipynb",
        log="Skipping unknown notebook",
    ),
    Case(
        "huge_notebook",
        LOGIC,
        "is a 9 MB notebook (padding in a markdown cell)",
        base="solved",
        reshape=lambda nb: _padded(nb),
        log="bytes allowed",
    ),
    # 6. and 7. Honest submissions, one under an id that looks like a spreadsheet formula ---------
    Case("solved", LOGIC, "is the full solution", base="solved", score=10.0),
    Case("solved", XOR, "is the full solution", base="solved", score=10.0),
    Case(
        '=1+2,"x"',
        LOGIC,
        "is the full solution under a formula-like student id",
        base="solved",
        score=10.0,
    ),
]


def _padded(notebook):
    notebook.cells.append(nbformat.v4.new_markdown_cell("x" * (9 * 2**20)))
    return notebook
