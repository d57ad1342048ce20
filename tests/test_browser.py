"""What a person sees in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``, driven by selenium) at 1280×900, over a real ``nomengraph serve`` process
on the reference build.

The journey: the search box on the home page suggests as one types and a suggestion opens the
job's page; the job page draws its competence profile as an SVG chart; "compare with…" on the
job page (a search picker) opens the comparison of both jobs; the query page's form, with a job
picked by the search, runs and shows rows; the language switch gives the French frame. No page
visited scrolls sideways at 1280 px.

Without chromium and chromedriver the tests are skipped with that reason, unless the
environment sets ``NOMENGRAPH_REQUIRE_BROWSER`` (CI does: .ci/run installs both), where the
missing browser is a failure. Every wait is bounded (WebDriverWait); nothing sleeps.

What the tests rely on in the pages (the issue's contract, in ARIA terms):
- the search box: an ``<input>`` in the header's ``form[role=search]``;
- a search picker: ``<input data-search-pick="job">`` in a form (the compare form and the query
  page's job fields);
- suggestions, of the box and of a picker: visible ``[role=option]`` elements, each with the
  label of what it names; choosing one (a click) opens the page (box) or fills the field
  (picker);
- the job page's chart: a visible ``<svg>`` in ``main`` with bars (``rect``), each titled;
- the comparison at ``/compare``, reached from the job page's form whose action ends so.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_server_process import Server, start, stop

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REQUIRED = bool(os.environ.get("NOMENGRAPH_REQUIRE_BROWSER"))
WIDTH, HEIGHT = 1280, 900
WAIT = 15  # seconds, the longest any one step may take

if not (CHROMIUM and CHROMEDRIVER):
    missing = "chromium" if not CHROMIUM else "chromedriver"
    reason = f"{missing} is not installed (Debian: apt-get install chromium chromium-driver)"
    if REQUIRED:
        pytest.fail(f"NOMENGRAPH_REQUIRE_BROWSER is set but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

from selenium import webdriver  # noqa: E402 - only once the browser is known to be there
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# The journey's jobs (CIGREF 2018 jobs with a printed card, hence a competence profile): found
# by typing part of their title, without its accents or capitals.
FIRST = ("architecte entreprise", "Architecte d'Entreprise", "/id/cigref-2018/job/1.6")
SECOND = ("urbaniste", "Urbaniste des systèmes d'information", "/id/cigref-2018/job/1.2")
THIRD = ("concepteur develop", "Concepteur-Développeur", "/id/cigref-2018/job/3.2")


@pytest.fixture(scope="module")
def server(reference_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("browser-serve") / "serve.log"
    s = start(reference_store, log, "--workers", "1")
    yield s
    stop(s)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        f"--window-size={WIDTH},{HEIGHT}",
        "--no-sandbox",  # CI runs as root in a container
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--lang=en-GB",
        "--accept-lang=en-GB,en",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(WAIT * 2)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver, server: Server) -> Iterator[Page]:
    browser.delete_all_cookies()
    yield Page(browser, f"http://127.0.0.1:{server.port}")


class Page:
    """The browser on the test server, with the checks every step makes."""

    def __init__(self, driver: WebDriver, base: str) -> None:
        self.driver = driver
        self.base = base

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)
        self.loaded(path)

    def loaded(self, what: str) -> None:
        """The page is there, without a server error, and fits the window's width."""
        self.wait(
            lambda d: d.execute_script("return document.readyState") == "complete",
            f"{what} did not finish loading",
        )
        title = self.driver.title
        assert "Internal Server Error" not in title and "500" not in title.split("·")[0], (
            f"{what}: {title}"
        )
        self.fits(what)

    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.base)

    def wait(self, condition, message: str, timeout: float = WAIT):
        try:
            return WebDriverWait(self.driver, timeout).until(condition)
        except TimeoutException:
            raise AssertionError(f"{message} (after {timeout} s, at {self.path()})") from None

    def fits(self, what: str) -> None:
        """No horizontal overflow at the window's width; on failure, the elements that stick
        out."""
        sizes = self.driver.execute_script(
            "var e = document.documentElement;return [e.scrollWidth, e.clientWidth];"
        )
        if sizes[0] <= sizes[1]:
            return
        wide = self.driver.execute_script(
            "var w = document.documentElement.clientWidth, out = [];"
            "document.querySelectorAll('body *').forEach(function (n) {"
            "  var r = n.getBoundingClientRect();"
            "  if (r.right > w + 1 && out.length < 5) {"
            "    out.push(n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') +"
            "      (n.className && n.className.baseVal === undefined && n.className ?"
            "       '.' + String(n.className).split(' ').join('.') : '') +"
            "      ' (right edge ' + Math.round(r.right) + ')');"
            "  }"
            "});"
            "return out;"
        )
        raise AssertionError(
            f"{what} scrolls sideways: {sizes[0]} px of content in {sizes[1]} px; "
            f"sticking out: {', '.join(wide) or 'nothing visible'}"
        )

    def one(self, css: str, what: str, within: WebElement | None = None) -> WebElement:
        found = (within or self.driver).find_elements(By.CSS_SELECTOR, css)
        assert found, f"{self.path()} has no {what} ({css})"
        return found[0]

    def choose(self, field: WebElement, typed: str, label: str, what: str) -> None:
        """Type into a search box or picker and click the suggestion naming ``label``."""
        field.clear()
        field.send_keys(typed)

        def suggestion(driver: WebDriver) -> WebElement | bool:
            for option in driver.find_elements(By.CSS_SELECTOR, "[role=option]"):
                if option.is_displayed() and label.lower() in option.text.lower():
                    return option
            return False

        option = self.wait(suggestion, f"{what}: no suggestion naming {label!r} for {typed!r}")
        option.click()

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "main").text


def test_search_box_suggests_and_opens_the_job_page(page: Page):
    page.open("/")
    box = page.one("header form[role=search] input", "search box in the header")
    typed, label, path = FIRST
    page.choose(box, typed, label, "the header's search box")
    page.wait(lambda d: page.path().startswith(path), f"choosing {label!r} did not open {path}")
    page.loaded(path)
    heading = page.one("h1", "heading")
    assert label in heading.text


def test_job_page_draws_the_profile_chart(page: Page):
    typed, label, path = FIRST
    page.open(path)
    charts = [
        svg
        for svg in page.driver.find_elements(By.CSS_SELECTOR, "main svg")
        if svg.is_displayed() and svg.find_elements(By.TAG_NAME, "rect")
    ]
    assert charts, f"{path} draws no chart (a visible <svg> with bars in main)"
    chart = charts[0]
    assert chart.size["width"] > 100 and chart.size["height"] > 50, chart.size
    bars = [
        r
        for r in chart.find_elements(By.TAG_NAME, "rect")
        if r.size["width"] > 0 and r.size["height"] > 0
    ]
    assert bars, "the chart's bars have no size"
    assert chart.find_elements(By.TAG_NAME, "title"), "the chart has no <title>"
    # the chart is within the window's width
    right = page.driver.execute_script("return arguments[0].getBoundingClientRect().right", chart)
    assert right <= WIDTH


def test_compare_with_a_second_job_shows_both(page: Page):
    _, first, path = FIRST
    page.open(path)
    form = page.one("form[action$='/compare']", "'compare with…' form")
    picker = page.one("input[data-search-pick]", "job picker in the compare form", form)
    typed, second, second_path = SECOND
    page.choose(picker, typed, second, "the compare form's picker")
    submit = form.find_elements(By.CSS_SELECTOR, "button, input[type=submit]")
    (submit[0] if submit else picker).submit()
    page.wait(
        lambda d: page.path().startswith("/compare"), "the compare form did not open /compare"
    )
    page.loaded("/compare")
    text = page.text()
    assert first in text and second in text, f"/compare does not show both jobs: {text[:300]}"
    # both jobs link to their pages
    links = {a.get_attribute("pathname") for a in page.driver.find_elements(By.CSS_SELECTOR, "a")}
    assert {path, second_path} <= links


def test_query_form_with_a_picked_job_runs(page: Page):
    page.open("/query")
    table = page.one("table tbody tr", "result of the query the page opens on")
    assert table.is_displayed()
    link = page.one("a[href$='/query/job-profile']", "link to the job-profile query")
    link.click()
    page.wait(
        lambda d: page.path().startswith("/query/job-profile"), "job-profile's form did not open"
    )
    page.loaded("/query/job-profile")
    form = page.one("form#library-form", "form of the library query")
    picker = page.one("input[name=job][data-search-pick=job]", "job picker", form)
    typed, label, path = THIRD
    page.choose(picker, typed, label, "the query form's job picker")
    assert picker.get_attribute("value") == path.removeprefix("/id/").replace("/job/", "/")
    page.one("button[type=submit]", "run button", form).click()
    page.wait(
        lambda d: "job=" in page.path() and label in page.text(),
        f"the form did not run with {label!r} picked",
    )
    page.loaded("the query's results")
    rows = page.driver.find_elements(By.CSS_SELECTOR, "table.results-table tbody tr")
    assert len(rows) > 3, "the job profile has no rows"
    # a competence of the profile links to its page, with its full IRI on hover
    link = page.one("table.results-table tbody a[title^='https://w3id.org/']", "linked result")
    assert link.get_attribute("pathname").startswith("/id/")
    assert "xsd:" not in page.text(), "datatype badges shown though not asked for"


def test_language_switch_gives_the_french_frame(page: Page):
    page.open("/")
    assert page.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    page.one("nav.lang-switch a[hreflang=fr]", "link to the French frame").click()
    page.wait(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr",
        "the language switch did not give the French frame",
    )
    page.loaded("the French home page")
    nav = page.one("header.site nav", "header navigation")
    assert "Requête" in nav.text, nav.text
    # the choice is remembered: the next page, reached by a link, is in French too
    page.one("a[href$='/query']", "link to the query page", nav).click()
    page.wait(lambda d: page.path().startswith("/query"), "the query page did not open")
    page.loaded("the French query page")
    assert page.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    page.one("nav.lang-switch a[hreflang=en]", "link back to the English frame")
    assert page.one("form#library-form button[type=submit]", "run button").text == "Exécuter"


PHONE = 480  # px: a phone held upright (headless Chromium's narrowest window is about 500 px)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=data",
        "/id/cigref-2018/job/3.2",
        "/id/ecf/3.0/competence/B.1",
        "/compare?job=cigref-2018/3.2&job=cigref-2010/3.2",
        "/heatmap?edition=cigref-2018",
        "/query/job-profile",
    ],
)
def test_pages_fit_a_phone_width(page: Page, path: str):
    """At a phone's width nothing makes the page scroll sideways: wide tables and charts
    scroll in their own box."""
    page.driver.set_window_size(PHONE, HEIGHT)
    try:
        page.open(path)
    finally:
        page.driver.set_window_size(WIDTH, HEIGHT)
