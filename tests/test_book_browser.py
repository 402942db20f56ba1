"""Open the built book in a real browser (Debian's Chromium driven by Playwright).

The site is served from ``_build/html`` by a local HTTP server on 127.0.0.1. Every request the
pages make is recorded, and any request to another host is refused and fails the test: the book
must work offline. The pages are checked as a reader sees them: MathJax typeset the equations,
the images loaded, the search finds words, and the console shows no error.
"""

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, sync_playwright
from test_book import BOOK_PAGES_WITH_CODE, EXPECTED_EQUATIONS, HTML, built_book

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PAGES = ("book/intro", *BOOK_PAGES_WITH_CODE)

if not CHROMIUM.is_file():
    pytest.skip(
        f"Chromium is not installed at {CHROMIUM} (apt-get install chromium; .ci/run does it)",
        allow_module_level=True,
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site without printing one line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    build = built_book()
    assert build.returncode == 0, f"the strict book build failed:\n{build.log[-6000:]}"
    handler = functools.partial(QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


class BrowserLog:
    """Every request, console error and uncaught page error seen while browsing."""

    def __init__(self, local_origin: str) -> None:
        self.local_origin = local_origin
        self.requests: list[str] = []
        self.errors: list[str] = []

    def foreign_requests(self) -> list[str]:
        local = (f"{self.local_origin}/", "data:", "blob:", "about:")
        return [url for url in self.requests if not url.startswith(local)]


@pytest.fixture(scope="module")
def browser_page(site_url: str) -> Iterator[tuple[Page, BrowserLog]]:
    log = BrowserLog(site_url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGUMENTS, headless=True
        )
        context = browser.new_context()

        def route(route: Route) -> None:
            url = route.request.url
            log.requests.append(url)
            if url.startswith(f"{site_url}/") or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda request: log.requests.append(request.url))
        page.on(
            "console",
            lambda message: log.errors.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: log.errors.append(str(error)))
        yield page, log
        context.close()
        browser.close()


def open_page(page: Page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")


def wait_for_mathjax(page: Page) -> None:
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")


@pytest.mark.slow
@pytest.mark.parametrize("document", PAGES)
def test_page_renders_offline(
    document: str, site_url: str, browser_page: tuple[Page, BrowserLog]
) -> None:
    page, log = browser_page
    log.errors.clear()
    open_page(page, f"{site_url}/{document}.html")
    assert page.title()
    if document in EXPECTED_EQUATIONS:
        wait_for_mathjax(page)
        assert page.locator("mjx-container").count() >= len(EXPECTED_EQUATIONS[document])
        assert page.locator("mjx-merror").count() == 0
        assert page.locator(".math mjx-container").count() >= 1
    images = page.evaluate(
        "() => Array.from(document.images).map(image => [image.src, image.complete,"
        " image.naturalWidth])"
    )
    content_images = [image for image in images if "/_images/" in image[0]]
    if document != "book/intro":
        assert content_images, f"{document} shows no figure"
    broken = [source for source, complete, width in images if not complete or width == 0]
    assert not broken, f"images that did not load: {broken}"
    assert not log.errors, f"console errors on {document}: {log.errors}"
    assert not log.foreign_requests(), f"requests to other hosts: {log.foreign_requests()}"


@pytest.mark.slow
def test_search_finds_perceptron(site_url: str, browser_page: tuple[Page, BrowserLog]) -> None:
    page, log = browser_page
    log.errors.clear()
    open_page(page, f"{site_url}/search.html?q=perceptron")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=30_000)
    found = [link.get_attribute("href") for link in page.locator("#search-results a").all()]
    assert any("03_perceptron" in (href or "") for href in found), found
    assert not log.errors, f"console errors on the search page: {log.errors}"
    assert not log.foreign_requests(), f"requests to other hosts: {log.foreign_requests()}"
