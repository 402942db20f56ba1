"""The grading sandbox, tried by a corpus of hostile and broken submissions in one real batch.

A module-scoped fixture copies the course to a temporary folder, turns the sandbox on in its
``nbgrader_config.py`` (small time limits so that the hostile cases end quickly), submits every
case of ``tests/hostile/corpus.py`` next to honest submissions and runs the standard commands:
``nbgrader generate_assignment``, ``autograde``, ``generate_feedback`` and ``export``. The tests
then read the gradebook, the autograded notebooks, the feedback, the export and the host.
Unit tests of the pieces (limits, instrumentation, rebuilding, plain data) come first.
"""

from __future__ import annotations

import collections
import csv
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hostile.corpus import CASES, LOGIC, WRONG_NEURON, XOR, Case, _probe

from ann.course import BEGIN_HIDDEN, END_HIDDEN, assignment_notebooks, fill_in_solutions
from ann.sandbox import jail, landlock
from ann.sandbox.audit import suspicious_constructs
from ann.sandbox.execute import submission_files
from ann.sandbox.instrument import instrument_test
from ann.sandbox.intake import SubmissionRefused, protected_names, rebuild
from ann.sandbox.jail import SANDBOX_UID, jail_command, missing_programs, readonly_paths
from ann.sandbox.kernel import NotPlainDataError, plain, truth
from ann.sandbox.limits import Limits
from ann.sandbox.reports import spreadsheet_safe

ROOT = Path(__file__).resolve().parents[1]
NBGRADER = Path(sys.executable).with_name("nbgrader")
SOLUTIONS = assignment_notebooks(ROOT / "solutions")
RELEASE = assignment_notebooks(ROOT / "exercises")
CELL_SECONDS, NOTEBOOK_SECONDS = 8, 25
SANDBOX_SETTINGS = f"""
# --- grading sandbox, with small limits for the hostile corpus ---
from ann.sandbox import configure

c.Execute.timeout = {CELL_SECONDS}
configure(c, notebook_seconds={NOTEBOOK_SECONDS}, memory_bytes=2 * 1024**3)
"""

needs_sandbox = pytest.mark.skipif(
    bool(missing_programs()) or not sys.platform.startswith("linux"),
    reason=f"the sandbox needs Linux and {', '.join(missing_programs())}",
)


# --- plain data and instrumentation ---------------------------------------------------------


class AlwaysEqual(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


def test_plain_keeps_plain_values_and_reads_foreign_ones_as_arrays() -> None:
    values = [3, 2.5, "text", None, (1, [2.0, {"a": 1}]), np.arange(3), np.float64(1.5)]
    for value in values:
        assert plain(value) is value or plain(value) == value
    converted = plain(memoryview(b"\x01\x02"))
    assert type(converted) is np.ndarray and converted.tolist() == [1, 2]


def test_plain_turns_named_tuples_into_tuples() -> None:
    point = collections.namedtuple("Point", "x y")(1, 2)
    assert type(plain(point)) is tuple and plain(point) == (1, 2)


def test_plain_reads_a_number_subclass_as_its_number() -> None:
    value = plain(AlwaysEqual(3))
    assert type(value) is np.ndarray and not value == 4 and value == 3
    assert plain([AlwaysEqual(1)])[0] != 2


@pytest.mark.parametrize("value", [object(), [object()], np.array([object()]), {1: object()}])
def test_plain_refuses_objects_it_cannot_read_as_data(value) -> None:
    with pytest.raises(NotPlainDataError):
        plain(value)
    with pytest.raises(NotPlainDataError):
        truth(value)


def _run_instrumented(source: str, namespace: dict) -> None:
    namespace.setdefault("__ann_plain__", plain)
    namespace.setdefault("__ann_truth__", truth)
    exec(instrument_test(source), namespace)


def test_instrumented_asserts_refuse_an_always_equal_answer_but_pass_a_right_one() -> None:
    test = (
        "assert answer() == 1\nnp.testing.assert_array_equal(answer(), 1)\nassert answer() in [1]"
    )
    for cheat in (AlwaysEqual(0), type("Anything", (), {"__eq__": lambda self, other: True})()):
        with pytest.raises(AssertionError):
            _run_instrumented(test, {"answer": lambda cheat=cheat: cheat, "np": np})
    _run_instrumented(test, {"answer": lambda: 1, "np": np})


def test_instrumentation_keeps_the_last_expression_and_leaves_other_code_alone() -> None:
    rewritten = instrument_test("x = f(1)\nx is None\nx + 1")
    assert rewritten.splitlines() == ["x = f(1)", "x is None", "x + 1"]
    assert instrument_test("%timeit f()") == "%timeit f()"
    with pytest.raises(TypeError, match="str"):
        instrument_test(None)


def test_audit_flags_interpreter_machinery_but_not_ordinary_answers() -> None:
    for solution in SOLUTIONS.values():
        answers = _answer_sources(nbformat.read(solution, as_version=4)).values()
        assert not any(map(suspicious_constructs, answers)), solution
    flags = suspicious_constructs("import sys\nframe = sys._getframe(1)\nget_ipython().x = 1")
    assert flags == ["_getframe: inspects stack frames", "get_ipython: uses IPython's internals"]
    assert suspicious_constructs("%load_ext x") == [
        "is not valid Python (IPython magics or shell commands?)"
    ]


# --- limits, jail command, rebuilding, CSV ------------------------------------------------------


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError, match="positive"):
        Limits(memory_bytes=0)
    with pytest.raises(TypeError, match="integer"):
        Limits(processes=2.5)
    with pytest.raises(ValueError, match="cannot exceed"):
        Limits(cell_seconds=60, notebook_seconds=30)


def test_jail_command_hides_the_course_and_drops_the_network(tmp_path: Path) -> None:
    command = jail_command(
        ["python", "-m", "kernel"], runtime_dir=tmp_path, files={}, limits=Limits()
    )
    assert command[0] == "prlimit" and command[-3:] == ["python", "-m", "kernel"]
    assert {"--unshare-net", "--unshare-pid", "--die-with-parent", "--clearenv"} <= set(command)
    # the process limit is set inside the sandbox, where it counts the sandbox's processes only
    assert command[-6:-3] == ["prlimit", f"--nproc={Limits().processes}", "--"]
    assert not any(arg.startswith("--nproc") for arg in command[: command.index("bwrap")])
    mounted = {command[i + 2] for i, arg in enumerate(command) if arg in ("--bind", "--ro-bind")}
    assert str(ROOT) not in mounted and str(tmp_path) in mounted
    with pytest.raises(ValueError, match="kernel command"):
        jail_command([], runtime_dir=tmp_path, files={}, limits=Limits())


def test_folders_below_a_scratch_folder_are_created_readable(monkeypatch, tmp_path: Path) -> None:
    """An environment under /tmp (a CI clone, say) must stay reachable by the kernel's user."""
    environment = Path("/tmp/clone/.venv")
    monkeypatch.setattr(jail, "readonly_paths", lambda: [environment])
    command = jail_command(["python"], runtime_dir=tmp_path, files={}, limits=Limits())
    # "--perms MODE --dir PATH" and "--perms MODE --size N --tmpfs PATH": the mode of each folder
    modes = {
        command[i + 3 if command[i + 2] == "--dir" else i + 5]: command[i + 1]
        for i, arg in enumerate(command)
        if arg == "--perms"
    }
    assert modes["/tmp/clone"] == "0755"
    assert modes["/tmp"] == "1777", "the scratch folder keeps its own mode"


def test_only_the_submissions_regular_files_enter_the_sandbox(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "points.csv").write_text("1,2\n")
    (tmp_path / "logic_gates.ipynb").write_text("{}")
    (tmp_path / "gradebook.db").symlink_to(tmp_path.parent)
    (tmp_path / "linked").symlink_to(tmp_path / "data", target_is_directory=True)
    assert submission_files(tmp_path) == {"data/points.csv": tmp_path / "data" / "points.csv"}


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or landlock.abi_version() == 0,
    reason="Linux Landlock is not available",
)
def test_landlock_leaves_writes_only_where_allowed(tmp_path: Path) -> None:
    (tmp_path / "open").mkdir()
    (tmp_path / "closed").mkdir()
    code = (
        "import sys\nfrom ann.sandbox import landlock\n"
        "rights = landlock.write_rights(landlock.abi_version())\n"
        "assert landlock.restrict_writes({sys.argv[1] + '/open': rights, '/missing': rights})\n"
        "open(sys.argv[1] + '/open/file', 'w').write('x')\n"
        "try:\n    open(sys.argv[1] + '/closed/file', 'w')\n"
        "except PermissionError:\n    print('refused')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert run.stdout == "refused\n", run.stderr
    assert (tmp_path / "open" / "file").exists() and not (tmp_path / "closed" / "file").exists()


def _answer_sources(notebook) -> dict[str, str]:
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def test_rebuild_keeps_answers_and_added_cells_but_nothing_else() -> None:
    release = nbformat.read(RELEASE[LOGIC], as_version=4)
    submission = fill_in_solutions(RELEASE[LOGIC], SOLUTIONS[LOGIC])
    tests = [c for c in submission.cells if c.metadata.get("nbgrader", {}).get("grade")]
    for cell in tests:
        cell.source = "pass"
    submission.cells.insert(4, nbformat.v4.new_code_cell("helper = 1"))
    rebuilt = rebuild(release, submission)
    assert _answer_sources(rebuilt) == _answer_sources(submission)
    release_tests = [c.source for c in release.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.source for c in rebuilt.cells if c.metadata.get("nbgrader", {}).get("grade")] == (
        release_tests
    )
    assert "helper = 1" in [c.source for c in rebuilt.cells]
    assert len(rebuilt.cells) == len(release.cells) + 1


def test_rebuild_refuses_oversized_answers() -> None:
    release = nbformat.read(RELEASE[LOGIC], as_version=4)
    submission = nbformat.read(RELEASE[LOGIC], as_version=4)
    submission.cells.append(nbformat.v4.new_code_cell("#" * 2_000_000))
    with pytest.raises(SubmissionRefused, match="characters"):
        rebuild(release, submission)


def test_protected_names_are_set_up_names_the_answers_do_not_define() -> None:
    release = nbformat.read(RELEASE[LOGIC], as_version=4)
    solutions = list(_answer_sources(nbformat.read(SOLUTIONS[LOGIC], as_version=4)).values())
    names = protected_names(release, solutions)
    assert {"raises", "truth_table", "run_with_neuron", "itertools"} <= set(names)
    assert "mp_neuron" not in names


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+2", "'=1+2"), ("-cmd", "'-cmd"), ("@x", "'@x"), ("alice", "alice"), (-1.5, "-1.5")],
)
def test_spreadsheet_safe_neutralises_formulas_only(value, expected) -> None:
    assert spreadsheet_safe(value) == expected


# --- the batch ----------------------------------------------------------------------------------


@dataclass
class Batch:
    path: Path
    autograde: subprocess.CompletedProcess
    submitted_before: dict[str, str]
    protected_before: dict[str, str]
    connections: list
    regrade: subprocess.CompletedProcess | None = None
    feedback: subprocess.CompletedProcess | None = None
    export: subprocess.CompletedProcess | None = None

    def log(self) -> str:
        return self.autograde.stdout + self.autograde.stderr

    def total(self, student: str, assignment: str) -> float | None:
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(f"sqlite:///{self.path / 'var' / 'gradebook.db'}") as gradebook:
            try:
                notebook = gradebook.find_submission_notebook(
                    SOLUTIONS[assignment].stem, assignment, student
                )
            except MissingEntry:
                return None
            return sum(grade.score for grade in notebook.grades)

    def autograded(self, student: str, assignment: str) -> nbformat.NotebookNode | None:
        path = self.path / "var" / "autograded" / student / assignment / SOLUTIONS[assignment].name
        return nbformat.read(path, as_version=4) if path.exists() else None


def _fingerprints(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _notebook_bytes(case: Case, course: Path, port: int) -> bytes:
    if case.raw is not None:
        return case.raw
    if case.base == "other":
        other = fill_in_solutions(RELEASE[XOR], SOLUTIONS[XOR])
        return nbformat.writes(other).encode()
    notebook = (
        fill_in_solutions(RELEASE[case.assignment], SOLUTIONS[case.assignment])
        if case.base == "solved"
        else nbformat.read(RELEASE[case.assignment], as_version=4)
    )
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in case.answers:
            code = case.answers[grade_id].replace("{course}", str(course))
            cell.source = code.replace("{port}", str(port)).replace("{venv}", sys.prefix)
    if case.reshape is not None:
        notebook = case.reshape(notebook)
    version = notebook.get("nbformat", 4)
    return nbformat.writes(notebook, version=version).encode()


def _nbgrader(
    course: Path, *args: str, prefix: tuple[str, ...] = (), env: dict | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, str(NBGRADER), *args],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=1200,
        env=env,
    )


def _protected_files(course: Path) -> dict[str, str]:
    return {
        **_fingerprints(course / "solutions"),
        **_fingerprints(course / "exercises"),
        "nbgrader_config.py": _fingerprints(course)["nbgrader_config.py"],
    }


def _submit(course: Path, cases: list[Case], port: int) -> None:
    """A sandboxed copy of the course with the release generated and ``cases`` submitted."""
    shutil.copy(ROOT / "nbgrader_config.py", course)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(SANDBOX_SETTINGS)
    shutil.copytree(ROOT / "solutions", course / "solutions")
    shutil.copytree(ROOT / "exercises", course / "exercises")
    generate = _nbgrader(course, "generate_assignment", "--force", "*")
    assert generate.returncode == 0, generate.stderr
    for case in cases:
        folder = course / "var" / "submitted" / case.student / case.assignment
        folder.mkdir(parents=True, exist_ok=True)
        name = case.file_name or SOLUTIONS[case.assignment].name
        (folder / name).write_bytes(_notebook_bytes(case, course, port))


def _accepted(server: socket.socket) -> list:
    """The connections a submission opened to ``server`` (which is closed)."""
    connections = []
    try:
        connections.append(server.accept())
    except TimeoutError:
        pass
    server.close()
    return connections


def _loopback_server() -> tuple[socket.socket, int]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    return server, server.getsockname()[1]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    course = tmp_path_factory.mktemp("sandboxed-course")
    server, port = _loopback_server()
    _submit(course, CASES, port)
    submitted_before = _fingerprints(course / "var" / "submitted")
    protected_before = _protected_files(course)
    autograde = _nbgrader(course, "autograde", "*")
    return Batch(
        course,
        autograde,
        submitted_before,
        protected_before,
        regrade=_nbgrader(course, "autograde", LOGIC, "--student", "solved", "--force"),
        feedback=_nbgrader(course, "generate_feedback", "*"),
        export=_nbgrader(course, "export", "--to", "var/grades.csv"),
        connections=_accepted(server),
    )


CASE_IDS = [f"{case.student}/{case.assignment}" for case in CASES]


def test_corpus_is_large_and_varied() -> None:
    hostile = [case for case in CASES if not case.student.startswith(("solved", "="))]
    assert len(hostile) >= 20
    assert len({case.student for case in hostile}) == len(hostile)


@needs_sandbox
@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_each_submission_gets_its_expected_outcome(batch: Batch, case: Case) -> None:
    _check_outcome(batch, case)


def _check_outcome(batch: Batch, case: Case) -> None:
    total = batch.total(case.student, case.assignment)
    assert total == case.score, f"{case.student}: {case.attack}"
    autograded = batch.autograded(case.student, case.assignment)
    if case.log is not None:
        assert autograded is None
        assert f"'{case.assignment}' for student '{case.student}'" in batch.log()
        assert case.log in batch.log()
    else:
        outputs = json.dumps([cell.get("outputs", []) for cell in autograded.cells])
        assert "LEAKED" not in outputs, f"{case.student}: {case.attack}"
        stopped = autograded.metadata["sandbox"]["stopped"]
        if case.stopped is None:
            assert stopped is None, f"{case.student}: {stopped}"
        else:
            expected = (case.stopped,) if isinstance(case.stopped, str) else case.stopped
            assert any(text in (stopped or "") for text in expected), f"{case.student}: {stopped}"


@needs_sandbox
@pytest.mark.slow
def test_nothing_outside_the_submissions_copy_changed(batch: Batch) -> None:
    assert _fingerprints(batch.path / "var" / "submitted") == batch.submitted_before
    assert _protected_files(batch.path) == batch.protected_before
    for planted in (Path("/root/planted.py"), Path("/tmp/ann-planted.py")):
        assert not planted.exists()
    assert not (
        Path(sys.prefix) / "lib" / "python3.11" / "site-packages" / "sitecustomize.py"
    ).exists()
    assert not batch.connections, "a submission reached a server on the host's loopback"


@needs_sandbox
@pytest.mark.slow
def test_no_process_of_the_sandbox_survives(batch: Batch) -> None:
    _assert_no_survivors(SANDBOX_UID if os.geteuid() == 0 else os.geteuid())


def _assert_no_survivors(uid: int) -> None:
    survivors = subprocess.run(
        ["ps", "-o", "pid=,args=", "-u", str(uid)], capture_output=True, text=True
    ).stdout
    assert "sleep 1000" not in survivors and "ann.sandbox.kernel" not in survivors


@needs_sandbox
@pytest.mark.slow
def test_regrading_repeats_the_scores(batch: Batch) -> None:
    assert batch.regrade.returncode == 0, batch.regrade.stderr
    assert batch.total("solved", LOGIC) == 10


@needs_sandbox
@pytest.mark.slow
def test_feedback_never_shows_hidden_tests(batch: Batch) -> None:
    hidden = []
    for cell in nbformat.read(SOLUTIONS[LOGIC], as_version=4).cells:
        if BEGIN_HIDDEN in cell.source:
            region = cell.source.split(BEGIN_HIDDEN)[1].split(END_HIDDEN)[0]
            hidden += [line.strip() for line in region.splitlines() if len(line.strip()) > 25]
    assert hidden
    feedback = batch.path / "var" / "feedback"
    pages = list(feedback.rglob("*.html"))
    assert pages and any("steals_hidden_tests" in str(page) for page in pages)
    for page in pages:
        text = page.read_text()
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{page} shows hidden tests: {leaked[:2]}"


@needs_sandbox
@pytest.mark.slow
def test_export_is_quoted_and_formula_free(batch: Batch) -> None:
    assert batch.export.returncode == 0, batch.export.stderr
    with open(batch.path / "var" / "grades.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    ids = {row["student_id"] for row in rows}
    assert '\'=1+2,"x"' in ids
    assert not any(value.startswith("=") for row in rows for value in row.values())
    scores = {(row["student_id"], row["assignment"]): float(row["score"]) for row in rows}
    assert scores[('\'=1+2,"x"', LOGIC)] == 10


# --- grading as a normal user -------------------------------------------------------------------
#
# An instructor grades as an ordinary user: bwrap then builds its sandbox in an unprivileged user
# namespace, and the kernel runs as the instructor's own user. This batch runs the real
# `nbgrader autograde` as such a user (`nobody`, switched to from root) on a copy of the course
# that user owns, with a home folder of its own holding a secret.

INSTRUCTOR_UID = 65534
AS_INSTRUCTOR = (
    "setpriv",
    f"--reuid={INSTRUCTOR_UID}",
    f"--regid={INSTRUCTOR_UID}",
    "--clear-groups",
)


def _unprivileged_sandbox_error() -> str | None:
    """Why the unprivileged batch cannot run here, or None."""
    if missing_programs() or not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux and {', '.join(missing_programs())}"
    if os.geteuid() != 0:
        return "switching to an unprivileged instructor needs root (run the tests as root)"
    probe = [*AS_INSTRUCTOR, "bwrap", "--ro-bind", "/", "/", "--unshare-pid", "true"]
    if subprocess.run(probe, capture_output=True).returncode != 0:
        return "unprivileged user namespaces are disabled on this machine"
    return None


def _reachable(folders: list[Path], cwd: Path, runtime: Path) -> tuple[str, ...]:
    """Run as root: a mount namespace in which ``nobody`` can reach ``folders``, in ``cwd``.

    A folder closed to other users on the way (root's home, where pyenv may keep Python, or
    pytest's temporary folder) is covered by an empty ``tmpfs`` into which only ``folders`` are
    bound back; ``runtime`` becomes the user's runtime folder ``/run/user/UID``, as on a desktop;
    the rest of the machine is as it is.
    """
    covered: list[Path] = []
    for folder in folders:
        for parent in [*reversed(folder.parents), folder][1:]:
            if not parent.stat().st_mode & 0o001:
                if parent not in covered:
                    covered.append(parent)
                break
    args = ["bwrap", "--dev-bind", "/", "/"]
    for path in covered:
        args += ["--tmpfs", str(path)]
    for folder in folders:
        cover = next((path for path in covered if folder.is_relative_to(path)), None)
        if cover is not None:
            for parent in reversed(folder.relative_to(cover).parents[:-1]):
                args += ["--perms", "0755", "--dir", str(cover / parent)]
            args += ["--bind", str(folder), str(folder)]
    args += ["--tmpfs", "/run", "--perms", "0755", "--dir", "/run/user"]
    args += ["--bind", str(runtime), f"/run/user/{INSTRUCTOR_UID}"]
    return (*args, "--chdir", str(cwd), "--die-with-parent", "--")


def _nonroot_cases(home: Path) -> list[Case]:
    """A few cases from the corpus that depend on who runs the kernel, and two of its own."""
    chosen = {"solved", "reads_secrets", "aaa_planter", "fork_bomb", "network"}
    cases = [case for case in CASES if case.student in chosen and case.assignment == LOGIC]
    home_probes = (
        _probe("home_secret", f"open('{home}/secret.txt').read()")
        + _probe("home_write", f"open('{home}/planted.py', 'w').write('x')")
        + _probe("home_startup", f"open('{home}/.ipython/00-planted.py', 'w').write('x')")
    )
    runtime_probes = (
        "import os\nfrom ipykernel.connect import get_connection_file\n"
        "folder = os.path.dirname(get_connection_file())\n"
        + _probe("runtime_chmod_write", "os.chmod(folder, 0o777)\n    open(folder + '/x', 'w')")
        + _probe("runtime_socket", "os.rename(get_connection_file(), folder + '/moved')")
    )
    cases.append(
        Case(
            "home",
            LOGIC,
            "reads and writes the instructor's home folder",
            answers={"neuron": home_probes + WRONG_NEURON},
        )
    )
    cases.append(
        Case(
            "runtime_folder",
            LOGIC,
            "gives itself write access to its socket folder",
            answers={"neuron": runtime_probes + WRONG_NEURON},
        )
    )
    return cases


def _instructor_files(course: Path, home: Path) -> dict[str, str]:
    """Fingerprints of the course's protected files and the home folder (but for Jupyter's
    own marker file ``.jupyter/migrated``, which the grader writes)."""
    files = _protected_files(course)
    for name, digest in _fingerprints(home).items():
        if not name.startswith(".jupyter/"):
            files[f"home/{name}"] = digest
    return files


@pytest.fixture(scope="module")
def nonroot_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Batch, list[Case], Path]:
    reason = _unprivileged_sandbox_error()
    if reason is not None:
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("nonroot")
    course, home, runtime = base / "course", base / "home", base / "runtime"
    course.mkdir()
    runtime.mkdir()
    (home / ".ipython").mkdir(parents=True)
    (home / "secret.txt").write_text("the instructor's secret\n")
    server, port = _loopback_server()
    cases = _nonroot_cases(home)
    _submit(course, cases, port)
    for path in [base, *base.rglob("*")]:
        os.chown(path, INSTRUCTOR_UID, INSTRUCTOR_UID, follow_symlinks=False)
    readable = [*readonly_paths(), base]
    submitted_before = _fingerprints(course / "var" / "submitted")
    protected_before = _instructor_files(course, home)
    autograde = _nbgrader(
        course,
        "autograde",
        "*",
        prefix=(*_reachable(readable, course, runtime), *AS_INSTRUCTOR),
        env={**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": f"/run/user/{INSTRUCTOR_UID}"},
    )
    batch = Batch(course, autograde, submitted_before, protected_before, _accepted(server))
    return batch, cases, home


@needs_sandbox
@pytest.mark.slow
def test_grading_as_a_normal_user_gives_the_expected_outcomes(nonroot_batch) -> None:
    batch, cases, _ = nonroot_batch
    assert batch.autograde.returncode == 0, batch.log()[-3000:]
    for case in cases:
        _check_outcome(batch, case)


@needs_sandbox
@pytest.mark.slow
def test_grading_as_a_normal_user_changes_nothing_of_the_instructor(nonroot_batch) -> None:
    batch, _, home = nonroot_batch
    assert _fingerprints(batch.path / "var" / "submitted") == batch.submitted_before
    assert _instructor_files(batch.path, home) == batch.protected_before
    assert not batch.connections, "a submission reached a server on the host's loopback"
    _assert_no_survivors(INSTRUCTOR_UID)
