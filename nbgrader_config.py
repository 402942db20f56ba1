"""nbgrader configuration of the course, read by every ``nbgrader`` command run from this folder.

The instructor's notebooks (with solutions and hidden tests) live in ``solutions/``; the student
release that ``nbgrader generate_assignment`` writes from them is committed in ``exercises/``.
Everything produced while grading (submissions, autograded copies, feedback, the gradebook)
stays in the git-ignored folder ``var/``.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "var/submitted"
c.CourseDirectory.autograded_directory = "var/autograded"
c.CourseDirectory.feedback_directory = "var/feedback"
c.CourseDirectory.db_url = "sqlite:///var/gradebook.db"
Path("var").mkdir(exist_ok=True)

# A new gradebook asks the `alembic` program for its schema version: find it next to this
# Python even when the environment is not activated (e.g. when run as `.venv/bin/nbgrader`).
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])

# `nbgrader zip_collect ASSIGNMENT` takes the files downloaded from the learning platform from
# var/downloaded/ASSIGNMENT/archive/ (zip archives or notebooks) and files each one, named
# STUDENT_NOTEBOOK.ipynb (e.g. alice_logic_gates.ipynb), as var/submitted/STUDENT/ASSIGNMENT/.
# Adapt the pattern to the file names your platform gives.
c.ZipCollectApp.downloaded_directory = "var/downloaded"
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[A-Za-z0-9.-]+)_(?P<file_id>[^/]+)\.ipynb$"
)

# Execution of one cell may take at most this many seconds (the Keras training cells are the
# slowest, a few seconds each on two cores).
c.Execute.timeout = 120

# A test cell scores 0 if it writes to stderr. TensorFlow's C++ logging can write there even
# when the notebook silences it (TF_CPP_MIN_LOG_LEVEL=3): drop those chunks, and only those.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"(?m)^(WARNING: All log messages before absl::InitializeLog\(\)"
    r"|[IWEF]\d{4} [\d:.]+ +\d+ [\w/.-]+\.cc:\d+\])"
)

# A deleted test cell is put back from the gradebook instead of waiting for manual grading.
c.OverwriteCells.add_missing_cells = True

# Every submission is untrusted code: `nbgrader autograde` runs it in a sandbox (bubblewrap and
# prlimit; see docs/grading-security.md). The graded notebook is the release with the student's
# answers pasted in; the kernel sees no course folder, gradebook, home folder or network; time,
# memory, processes and output are limited; feedback shows no hidden test or submission output;
# the CSV export is quoted. Limits: configure(c, notebook_seconds=..., memory_bytes=...).
from ann.sandbox import configure  # noqa: E402 (the sandbox builds on the settings above)

configure(c)
