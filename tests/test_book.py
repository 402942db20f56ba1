"""Build the book strictly, then inspect the HTML it produced.

The session builds the book once with ``make book`` (the documented command: a strict build in
which any warning is an error, with every page executed or taken from the execution cache) and
every test reads the result in ``_build/html``.

The numbered equations, figures and tables the checks look for are read from the MyST sources
themselves (``$$ ... $$ (label)``, ``:label:``, ``:name:``, ``(label)=`` and the ``name:`` of a
code cell's figure metadata), so a new one is checked as soon as it is written. The lists below
name the labels the chapter must keep, whatever else is added.
"""

import functools
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
BOOK_PAGES_WITH_CODE = (
    "book/01_biological_to_artificial",
    "book/02_mcculloch_pitts",
    "book/03_perceptron",
    "book/04_xor",
    "book/05_mlp_backprop",
    "book/06_activations",
    "book/07_regression_classification",
    "book/08_keras_sequential",
    "book/09_keras_functional",
    "book/10_keras_saving_callbacks",
    "book/11_tuning",
    "book/12_exercises",
)
EXPECTED_EQUATIONS = {
    "book/03_perceptron": (
        "eq-step-functions",
        "eq-dense-layer",
        "eq-perceptron-rule",
        "eq-novikoff-bound",
    ),
    "book/04_xor": ("eq-xor-constraints",),
    "book/05_mlp_backprop": (
        "eq-forward-z",
        "eq-forward-a",
        "eq-delta-def",
        "eq-delta-output",
        "eq-grad-params",
        "eq-delta-recursion",
        "eq-gd-step",
        "eq-small-graph",
        "eq-finite-difference",
    ),
    "book/06_activations": (
        "eq-sigmoid",
        "eq-tanh",
        "eq-relu",
        "eq-softplus",
        "eq-softmax",
        "eq-linear-composition",
    ),
    "book/07_regression_classification": (
        "eq-mse",
        "eq-mae",
        "eq-huber",
        "eq-binary-crossentropy",
        "eq-categorical-crossentropy",
    ),
    "book/09_keras_functional": ("eq-weighted-loss",),
}
EXPECTED_FIGURES = {
    "book/01_biological_to_artificial": ("fig-biological-neuron",),
    "book/02_mcculloch_pitts": ("fig-mp-gates", "fig-mp-xor"),
    "book/03_perceptron": ("fig-perceptron-architecture", "fig-iris-perceptron"),
    "book/04_xor": ("fig-xor-points", "fig-xor-architecture", "fig-xor-network-regions"),
    "book/05_mlp_backprop": ("fig-mlp-architecture", "fig-computational-graph", "fig-xor-mlp"),
    "book/06_activations": ("fig-activations", "fig-relu-softplus"),
    "book/07_regression_classification": ("fig-regression-losses",),
    "book/08_keras_sequential": ("fig-digits-samples", "fig-sequential-learning-curves"),
    "book/09_keras_functional": ("fig-wide-deep-curves",),
    "book/10_keras_saving_callbacks": ("fig-early-stopping", "fig-tensorboard-scalars"),
    "book/11_tuning": ("fig-learning-rate-sweep",),
    "book/12_exercises": ("fig-exercise-xor-gates", "fig-exercise-activations"),
}
EXPECTED_TABLES = {
    # The chapter's two summary tables: typical regression and classification MLPs.
    "book/07_regression_classification": ("tbl-regression-mlp", "tbl-classification-mlp"),
}
MAKE_BOOK = ("make", "--no-print-directory", "book")
# The command inside `make book`, without the steps that prepare the environment and the cache
# (taking the same lock, so that it never runs at the same time as another build).
JUPYTER_BOOK_BUILD = (
    *("flock", "_build/.book.lock"),
    str(ROOT / ".venv" / "bin" / "jupyter-book"),
    *("build", ".", "--all", "-n", "-W", "--keep-going"),
)
# Attributes through which a page makes the browser fetch something.
RESOURCE_ATTRIBUTES = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(?P<url>[^'")]*)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?(?P<url>[^'");\s]+)""")

# MyST syntax that declares a numbered target. Display math: `$$ ... $$ (label)`.
LABELLED_DOLLAR_MATH = re.compile(r"^[ \t]*\$\$[ \t]*\((?P<label>[^)\s]+)\)[ \t]*$", re.MULTILINE)
# A directive's opening fence, with the `:option: value` lines that follow it.
DIRECTIVE = re.compile(
    r"^[ \t]*(?:`{3,}|:{3,})\{(?P<name>[\w-]+)\}[^\n]*\n(?P<options>(?:[ \t]*:[\w-]+:[^\n]*\n)*)",
    re.MULTILINE,
)
DIRECTIVE_OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):[ \t]*(?P<value>\S+)", re.MULTILINE)
# A target `(label)=` and the first non-blank line after it.
TARGET = re.compile(r"^\((?P<label>[^)\s]+)\)=[ \t]*\n(?:[ \t]*\n)*(?P<next>[^\n]*)", re.MULTILINE)
# The YAML block at the top of a code cell (its `mystnb: figure: name:` names a figure).
CODE_CELL_METADATA = re.compile(
    r"^`{3,}\{code-cell\}[^\n]*\n---\n(?P<yaml>.*?)\n---\n", re.MULTILINE | re.DOTALL
)
EQUATION_REFERENCE = re.compile(r"\{eq\}`(?P<label>[^`]+)`")
# Which kind of numbered target each directive makes, and the option holding its label.
LABELLING_DIRECTIVES = {
    "math": ("equations", "label"),
    "figure": ("figures", "name"),
    "table": ("tables", "name"),
    "list-table": ("tables", "name"),
    "csv-table": ("tables", "name"),
}


@dataclass(frozen=True)
class SourceLabels:
    """The numbered targets a MyST page declares (in page order) and the equations it cites."""

    equations: tuple[str, ...]
    figures: tuple[str, ...]
    tables: tuple[str, ...]
    equation_references: tuple[str, ...]


def parse_labels(text: str) -> SourceLabels:
    """Find the labels of the equations, figures and tables declared in MyST ``text``."""
    found: dict[str, list[tuple[int, str]]] = {"equations": [], "figures": [], "tables": []}
    for match in LABELLED_DOLLAR_MATH.finditer(text):
        found["equations"].append((match.start(), match["label"]))
    for match in DIRECTIVE.finditer(text):
        if match["name"] not in LABELLING_DIRECTIVES:
            continue
        kind, option = LABELLING_DIRECTIVES[match["name"]]
        for declared in DIRECTIVE_OPTION.finditer(match["options"]):
            if declared["key"] == option:
                found[kind].append((match.start(), declared["value"]))
    for match in TARGET.finditer(text):
        directive = DIRECTIVE.match(match["next"] + "\n")
        if directive and directive["name"] in LABELLING_DIRECTIVES:
            kind, _ = LABELLING_DIRECTIVES[directive["name"]]
            found[kind].append((match.start(), match["label"]))
    for match in CODE_CELL_METADATA.finditer(text):
        metadata = yaml.safe_load(match["yaml"]) or {}
        name = metadata.get("mystnb", {}).get("figure", {}).get("name")
        if name:
            found["figures"].append((match.start(), name))
    in_order = {kind: tuple(label for _, label in sorted(labels)) for kind, labels in found.items()}
    references = tuple(match["label"] for match in EQUATION_REFERENCE.finditer(text))
    return SourceLabels(**in_order, equation_references=references)


@functools.cache
def source_labels(document: str) -> SourceLabels:
    """The labels declared in the source of ``document`` (a path without suffix)."""
    return parse_labels((ROOT / f"{document}.md").read_text(encoding="utf-8"))


@functools.cache
def chapter_numbers() -> dict[str, int]:
    """The chapter number of each page of the numbered part (figures 3.1, 3.2... on page 3)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    (chapter,) = [part for part in toc["parts"] if part.get("numbered")]
    return {entry["file"]: number for number, entry in enumerate(chapter["chapters"], start=1)}


@dataclass(frozen=True)
class BookBuild:
    """The outcome of one build: its exit status and everything it printed."""

    returncode: int
    log: str


def run_book_build(command: tuple[str, ...] = MAKE_BOOK) -> BookBuild:
    """Run a build ``command`` (by default ``make book``) in the repository root."""
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0"}
    completed = subprocess.run(
        list(command),
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    return BookBuild(completed.returncode, completed.stdout + completed.stderr)


@functools.cache
def built_book() -> BookBuild:
    """The build shared by every test of the session (also used by the browser test)."""
    return run_book_build()


@pytest.fixture(scope="session")
def book() -> BookBuild:
    build = built_book()
    assert build.returncode == 0, f"the strict book build failed:\n{build.log[-6000:]}"
    return build


def toc_documents() -> list[str]:
    """Every document the table of contents lists, with its globs expanded (no suffix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    documents = [toc["root"]]
    for part in toc["parts"]:
        for entry in part["chapters"]:
            if "file" in entry:
                documents.append(entry["file"])
            else:
                matches = sorted(ROOT.glob(entry["glob"]))
                documents.extend(
                    path.relative_to(ROOT).with_suffix("").as_posix()
                    for path in matches
                    if path.suffix in (".md", ".ipynb")
                )
    return documents


@functools.cache
def page(document: str) -> BeautifulSoup:
    """The built page of ``document``, parsed (once: the tests only read it)."""
    return BeautifulSoup((HTML / f"{document}.html").read_text(encoding="utf-8"), "html.parser")


@functools.cache
def ids_in(path: Path) -> frozenset[str]:
    """Every ``id`` of the built HTML file ``path``."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return frozenset(element["id"] for element in soup.find_all(id=True))


def equation_number(block: Tag) -> str:
    """The number shown next to a numbered equation, such as ``(3.1)``."""
    number = block.select_one("span.eqno")
    assert number is not None, f"equation {block.get('id')} has no number"
    return number.find(string=True, recursive=False).strip()


def all_html_files() -> list[Path]:
    return sorted(path for path in HTML.rglob("*.html") if "_static" not in path.parts)


def is_remote(url: str) -> bool:
    """Whether fetching ``url`` would contact another host (a scheme, or ``//host``)."""
    url = url.strip()
    if url.startswith(("data:", "#")) or not url:
        return False
    return bool(urlsplit(url).scheme) or url.startswith("//")


def test_every_toc_page_is_built(book: BookBuild) -> None:
    documents = toc_documents()
    assert documents[: len(BOOK_PAGES_WITH_CODE) + 1] == ["book/intro", *BOOK_PAGES_WITH_CODE]
    missing = [doc for doc in documents if not (HTML / f"{doc}.html").is_file()]
    assert not missing, f"pages listed in _toc.yml but not built: {missing}"
    assert (HTML / "index.html").is_file()


def test_the_assignment_parts_list_their_notebooks(book: BookBuild) -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    parts = {part["caption"]: part["chapters"] for part in toc["parts"]}
    assert list(parts) == ["Chapter", "Exercises", "Solutions"]
    sidebar = page("book/intro").select_one("nav.bd-links")
    captions = [caption.get_text(strip=True) for caption in sidebar.select("p.caption")]
    links = {link["href"] for link in sidebar.select("a[href]")}
    for caption, folder in (("Exercises", "exercises"), ("Solutions", "solutions")):
        assert parts[caption] == [{"glob": f"book/assignments/{folder}/*"}]
        notebooks = sorted((ROOT / "book" / "assignments" / folder).glob("*.ipynb"))
        # A part whose notebooks are not generated yet is left out of the site.
        assert (caption in captions) == bool(notebooks)
        for notebook in notebooks:
            assert f"assignments/{folder}/{notebook.stem}.html" in links


def test_no_error_report_and_no_error_output(book: BookBuild) -> None:
    assert not (HTML / "reports").exists(), "a page failed: its traceback is in _build/html/reports"
    for path in all_html_files():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        bad = soup.select(".output.traceback, .output.stderr, .output.error")
        assert not bad, f"{path.relative_to(HTML)} shows an error or stderr output: {bad[0]}"


def test_pages_ran_their_code(book: BookBuild) -> None:
    for document in BOOK_PAGES_WITH_CODE:
        outputs = page(document).select("div.cell div.cell_output")
        assert outputs, f"{document} shows no executed output"


def test_setup_cells_are_hidden(book: BookBuild) -> None:
    for document in BOOK_PAGES_WITH_CODE:
        html = str(page(document))
        assert "TF_CPP_MIN_LOG_LEVEL" not in html, f"{document} shows its setup cell"


def test_the_sources_declare_the_expected_labels() -> None:
    parsed = parse_labels(
        "(fig-drawn)=\n\n```{figure} drawing.png\nA caption.\n```\n"
        "```{math}\n:label: eq-directive\nx = 1\n```\n"
        "$$\ny = 2\n$$ (eq-dollar)\n\n"
        "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    name: fig-cell\n---\nplot()\n```\n"
        "::::{table} A caption.\n:name: tbl-table\n\n| a |\n|---|\n| 1 |\n::::\n"
        "See {eq}`eq-dollar` and {eq}`eq-directive`.\n"
    )
    assert parsed == SourceLabels(
        equations=("eq-directive", "eq-dollar"),
        figures=("fig-drawn", "fig-cell"),
        tables=("tbl-table",),
        equation_references=("eq-dollar", "eq-directive"),
    )
    for expected, kind in (
        (EXPECTED_EQUATIONS, "equations"),
        (EXPECTED_FIGURES, "figures"),
        (EXPECTED_TABLES, "tables"),
    ):
        for document, labels in expected.items():
            declared = getattr(source_labels(document), kind)
            missing = set(labels) - set(declared)
            assert not missing, f"{document} no longer declares the {kind} {sorted(missing)}"


def test_equations_are_numbered_math_with_their_labels(book: BookBuild) -> None:
    for document, chapter in chapter_numbers().items():
        soup = page(document)
        labels = source_labels(document).equations
        for position, label in enumerate(labels, start=1):
            block = soup.find(id=f"equation-{label}")
            assert block is not None, f"{document}: no equation labelled {label}"
            assert "math" in block.get("class", []), f"{document}: {label} is not a math block"
            assert re.search(r"\\\[|\$\$|\\begin", block.get_text()), f"{label} holds no TeX"
            # Jupyter Book numbers equations per page: chapter.position, in page order.
            number = equation_number(block)
            assert number == f"({chapter}.{position})", f"{document}: {label} is numbered {number}"
        if labels:
            scripts = [script.get("src", "") for script in soup.find_all("script")]
            assert any(src.startswith("../_static/es5/tex-mml-chtml.js") for src in scripts)


def test_equation_references_resolve(book: BookBuild) -> None:
    """Each {eq} role links to its numbered equation (on any page) and shows that number."""
    for document in chapter_numbers():
        links = [
            link
            for link in page(document).select("article a.reference.internal[href]")
            if "#equation-" in link["href"]
        ]
        cited = source_labels(document).equation_references
        assert len(links) == len(cited), (
            f"{document}: {len(cited)} {{eq}} roles but {len(links)} links"
        )
        for link, label in zip(links, cited, strict=True):
            target_file, _, fragment = link["href"].partition("#")
            assert fragment == f"equation-{label}", f"{document}: {link} does not point to {label}"
            target = Path(document).parent / Path(target_file).stem if target_file else document
            block = page(Path(target).as_posix()).find(id=fragment)
            assert block is not None, f"{document}: {label} points to a missing equation"
            number = equation_number(block)
            assert link.get_text(strip=True) == number, f"{document}: {link} instead of {number}"


def test_figures_are_generated_images_with_captions(book: BookBuild) -> None:
    for document, chapter in chapter_numbers().items():
        soup = page(document)
        names = source_labels(document).figures
        assert names, f"{document} has no figure"
        for name in names:
            figure = soup.find(id=name)
            assert figure is not None and figure.name == "figure", f"{document}: no figure {name}"
            image = figure.find("img")
            assert image is not None, f"{document}: figure {name} has no image"
            assert (HTML / "book" / image["src"]).resolve().is_file()
            caption = figure.find("figcaption")
            assert caption is not None, f"{document}: figure {name} has no caption"
            assert caption.select_one(".caption-number").get_text().startswith(f"Fig. {chapter}.")
            assert len(caption.select_one(".caption-text").get_text(strip=True)) > 20


def test_tables_are_html_tables_with_captions(book: BookBuild) -> None:
    for document, chapter in chapter_numbers().items():
        soup = page(document)
        for name in source_labels(document).tables:
            table = soup.find(id=name)
            assert table is not None and table.name == "table", f"{document}: no table {name}"
            caption = table.find("caption")
            assert caption is not None, f"{document}: table {name} has no caption"
            assert caption.select_one(".caption-number").get_text().startswith(f"Table {chapter}.")
            assert len(table.select("thead th")) >= 2, f"{document}: table {name} has no header"
            assert len(table.select("tbody tr")) >= 2, f"{document}: table {name} has no rows"
            assert soup.select(f'article a.reference.internal[href="#{name}"]'), (
                f"{document}: table {name} is never referred to with {{numref}}"
            )


def test_internal_links_resolve(book: BookBuild) -> None:
    """Links between pages ({doc}, {numref}, {eq}, the table of contents) reach existing targets."""
    for path in all_html_files():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select("a[href]"):
            href = link["href"]
            if is_remote(href) or href.startswith(("mailto:", "javascript:")) or href == "#":
                continue
            target_path, _, fragment = href.partition("#")
            target = (path.parent / target_path).resolve() if target_path else path
            assert target.is_file(), f"{path.relative_to(HTML)}: broken link {href}"
            if fragment and target.suffix == ".html":
                assert fragment in ids_in(target), f"{path.relative_to(HTML)}: broken link {href}"


def test_every_image_exists(book: BookBuild) -> None:
    for path in all_html_files():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for image in soup.find_all("img"):
            source = image["src"]
            if source.startswith("data:"):
                continue
            target = (path.parent / urlsplit(source).path).resolve()
            assert target.is_file(), f"{path.relative_to(HTML)} shows a missing image {source}"


def test_pages_load_nothing_from_another_host(book: BookBuild) -> None:
    for path in all_html_files():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attributes in RESOURCE_ATTRIBUTES.items():
            for element in soup.find_all(tag):
                for attribute in attributes:
                    for url in (element.get(attribute) or "").split(","):
                        url = url.strip().split(" ")[0]
                        assert not is_remote(url), f"{path.relative_to(HTML)}: <{tag}> {url}"
        inline_css = " ".join(
            [style.get_text() for style in soup.find_all("style")]
            + [element["style"] for element in soup.find_all(style=True)]
        )
        for match in [*CSS_URL.finditer(inline_css), *CSS_IMPORT.finditer(inline_css)]:
            assert not is_remote(match["url"]), f"{path.relative_to(HTML)}: css {match['url']}"


def test_stylesheets_load_nothing_from_another_host(book: BookBuild) -> None:
    stylesheets = sorted(HTML.rglob("*.css"))
    assert stylesheets
    for path in stylesheets:
        css = path.read_text(encoding="utf-8", errors="replace")
        for match in [*CSS_URL.finditer(css), *CSS_IMPORT.finditer(css)]:
            assert not is_remote(match["url"]), f"{path.relative_to(HTML)}: {match['url']}"


def test_mathjax_is_served_locally(book: BookBuild) -> None:
    mathjax = HTML / "_static" / "es5"
    assert (mathjax / "tex-mml-chtml.js").is_file()
    assert list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    configuration = (HTML / "book" / "03_perceptron.html").read_text(encoding="utf-8")
    assert "cdn.jsdelivr.net" not in configuration


def test_notebooks_are_downloadable_and_launch_links_are_plain_links(book: BookBuild) -> None:
    for document in BOOK_PAGES_WITH_CODE:
        soup = page(document)
        notebook = HTML / "_sources" / f"{document}.ipynb"
        assert notebook.is_file(), f"no downloadable notebook for {document}"
        links = [a.get("href", "") for a in soup.find_all("a")]
        assert any(link.endswith(f"_sources/{document}.ipynb") for link in links)
        assert any(link.startswith("https://colab.research.google.com/") for link in links)
        assert any(link.startswith("https://mybinder.org/") for link in links)
        assert not soup.select('script[type="text/x-thebe-config"]')


def test_rebuilding_without_changes_executes_nothing(book: BookBuild) -> None:
    # jupyter-book itself: `make book` also empties the cache when src/ changed meanwhile.
    rebuild = run_book_build(JUPYTER_BOOK_BUILD)
    assert rebuild.returncode == 0, rebuild.log[-4000:]
    assert "Executing notebook" not in rebuild.log
    assert "Using cached notebook" in rebuild.log
