"""Build the book strictly, then inspect the HTML it produced.

The session builds the book once with ``make book`` (the documented command: a strict build in
which any warning is an error, with every page executed or taken from the execution cache) and
every test reads the result in ``_build/html``.
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
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
BOOK_PAGES_WITH_CODE = (
    "book/01_biological_to_artificial",
    "book/02_mcculloch_pitts",
    "book/03_perceptron",
    "book/04_xor",
)
EXPECTED_EQUATIONS = {
    "book/03_perceptron": ("eq-step-functions", "eq-dense-layer", "eq-perceptron-rule"),
    "book/04_xor": ("eq-xor-constraints",),
}
EXPECTED_FIGURES = {
    "book/01_biological_to_artificial": ("fig-biological-neuron",),
    "book/02_mcculloch_pitts": ("fig-mp-gates", "fig-mp-xor"),
    "book/03_perceptron": ("fig-iris-perceptron",),
    "book/04_xor": ("fig-xor-points", "fig-xor-network-regions"),
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


def page(document: str) -> BeautifulSoup:
    return BeautifulSoup((HTML / f"{document}.html").read_text(encoding="utf-8"), "html.parser")


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


def test_equations_are_numbered_math_with_their_labels(book: BookBuild) -> None:
    for document, labels in EXPECTED_EQUATIONS.items():
        soup = page(document)
        for label in labels:
            block = soup.find(id=f"equation-{label}")
            assert block is not None, f"{document}: no equation labelled {label}"
            assert "math" in block.get("class", []), f"{document}: {label} is not a math block"
            assert re.search(r"\\\[|\$\$|\\begin", block.get_text()), f"{label} holds no TeX"
            number = block.select_one("span.eqno")
            assert number is not None and re.search(r"\(\d+\.\d+\)", number.get_text())
            references = soup.select(f'a[href="#equation-{label}"]')
            assert any("eqno" not in (a.parent.get("class") or []) for a in references), (
                f"{document}: equation {label} is never referred to with {{eq}}"
            )
        scripts = [script.get("src", "") for script in soup.find_all("script")]
        assert any(src.startswith("../_static/es5/tex-mml-chtml.js") for src in scripts)


def test_figures_are_generated_images_with_captions(book: BookBuild) -> None:
    for document, names in EXPECTED_FIGURES.items():
        soup = page(document)
        for name in names:
            figure = soup.find(id=name)
            assert figure is not None, f"{document}: no figure named {name}"
            image = figure.find("img")
            assert image is not None, f"{document}: figure {name} has no image"
            assert (HTML / "book" / image["src"]).resolve().is_file()
            caption = figure.find("figcaption")
            assert caption is not None and len(caption.get_text(strip=True)) > 20


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
