"""End to end: the what-if page in a real headless Chromium against a real local server.

Needs Playwright for Python and a Chromium executable (Debian's ``chromium``
package; ``.ci/run`` installs it).  Set ``REALPOLITIK_APP_SCREENSHOT`` to a
file name to also save a screenshot of the page (``docs/img/app.png`` is made
this way).
"""

import os
import shutil
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the app extra is not installed: pip install '.[app]'")
pytest.importorskip("uvicorn", reason="the app extra is not installed: pip install '.[app]'")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed: pip install '.[test]'")

from realpolitik.interfaces.app.api import create_app  # noqa: E402
from realpolitik.interfaces.app.results import DEFAULT_DRAWS, AppSettings  # noqa: E402
from realpolitik.interfaces.app.server import BackgroundServer  # noqa: E402
from realpolitik.interfaces.app.service import WhatIfService  # noqa: E402
from realpolitik.interfaces.app.state import BaseScenario  # noqa: E402
from realpolitik.scenario.loader import load_scenario  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SALIENCE = "stances.iran_military_presence.israel.salience"
PRESENCE = "stances.iran_military_presence.iran.position"
HAZARD = "dynamics.shocks[0].hazard"
WAIT_MS = 15_000


def chromium_executable() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


CHROMIUM = chromium_executable()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium executable (Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def server():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        draws = DEFAULT_DRAWS if os.environ.get("REALPOLITIK_APP_SCREENSHOT") else 200
        service = WhatIfService(BaseScenario.load("syria-2019"), AppSettings(draws=draws))
        with BackgroundServer(create_app(service)) as running:
            running.service = service
            yield running


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


def open_page(context, server):
    page = context.new_page()
    page.goto(server.url)
    sync_api.expect(page.locator("#headline table")).to_be_visible()
    return page


def field(page, path, part="value"):
    return page.locator(f'.field[data-path="{path}"] input[data-part="{part}"]')


def forecast(page, engine="compromise", issue="iran_military_presence"):
    return page.locator(f'#forecasts td[data-issue="{issue}"][data-engine="{engine}"] .w')


def test_an_analyst_moves_a_number_switches_a_lever_and_downloads_the_what_if(
        context, server, tmp_path):
    page = open_page(context, server)
    sync_api.expect(page.locator("#question")).to_contain_text("Russia-Iran partnership")
    assert page.locator("#headline tbody tr").count() == 3
    before = forecast(page).inner_text()
    sync_api.expect(field(page, SALIENCE)).to_have_value("1")

    field(page, SALIENCE).fill("0.2")
    field(page, SALIENCE).press("Enter")
    sync_api.expect(page.locator(f'.field[data-path="{SALIENCE}"]')).to_have_class(
        "field changed")
    sync_api.expect(forecast(page)).not_to_have_text(before)
    assert float(forecast(page).inner_text()) > float(before)
    sync_api.expect(page.locator(f'#changes li[data-path="{SALIENCE}"]')).to_contain_text("0.2")

    page.locator("#lever-p3_offer_to_russia").check()
    page.locator("#lever-start-p3_offer_to_russia").fill("2021-01-01")
    sync_api.expect(page.locator('#changes li[data-path="levers.p3_offer_to_russia"]')
                    ).to_contain_text("on from 2021-01-01")

    survival = page.locator('#headline td[data-row="0"][data-column="2"] .w')
    holding = survival.inner_text()
    page.locator('details[data-group="shocks"] summary').click()
    field(page, HAZARD, "high").fill("0.2")
    field(page, HAZARD, "high").press("Enter")
    sync_api.expect(survival).not_to_have_text(holding)

    if os.environ.get("REALPOLITIK_APP_SCREENSHOT"):
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=os.environ["REALPOLITIK_APP_SCREENSHOT"])

    with page.expect_download() as caught:
        page.locator("#download").click()
    saved = tmp_path / "what-if.yaml"
    caught.value.save_as(saved)
    loaded = load_scenario(saved)
    salience = loaded.stance("iran_military_presence", "israel").salience
    assert salience.point == 0.2 and salience.estimate == "what-if: was 1"
    assert loaded.levers[3].start.isoformat() == "2021-01-01"
    assert loaded.dynamics.shocks[0].hazard.range == (0.01, 0.2)


def test_bad_input_is_shown_next_to_its_field_and_nothing_else_is_lost(context, server):
    page = open_page(context, server)
    field(page, SALIENCE).fill("0.4")
    field(page, SALIENCE).press("Enter")
    sync_api.expect(page.locator(f'#changes li[data-path="{SALIENCE}"]')).to_be_visible()

    for low, high, message in (("130", "140", "between 0 and 100"),
                               ("lots", "90", "'lots' is not a number"),
                               ("90", "70", "low end above its high end")):
        field(page, PRESENCE, "low").fill(low)
        field(page, PRESENCE, "high").fill(high)
        field(page, PRESENCE, "high").press("Enter")
        error = page.locator(f'.field[data-path="{PRESENCE}"] .error')
        sync_api.expect(error).to_contain_text(message)
        sync_api.expect(field(page, PRESENCE, "low")).to_have_value(low)
    sync_api.expect(field(page, SALIENCE)).to_have_value("0.4")
    sync_api.expect(page.locator(f'#changes li[data-path="{SALIENCE}"]')).to_contain_text("0.4")

    field(page, PRESENCE, "low").fill("60")
    field(page, PRESENCE, "high").fill("70")
    field(page, PRESENCE, "high").press("Enter")
    sync_api.expect(page.locator(f'.field[data-path="{PRESENCE}"] .error')).to_have_text("")
    sync_api.expect(page.locator("#changes li")).to_have_count(2)


def test_two_tabs_keep_their_own_changes(context, server):
    first = open_page(context, server)
    field(first, SALIENCE).fill("0.3")
    field(first, SALIENCE).press("Enter")
    sync_api.expect(first.locator(f'#changes li[data-path="{SALIENCE}"]')).to_be_visible()
    second = open_page(context, server)
    sync_api.expect(field(second, SALIENCE)).to_have_value("1")
    sync_api.expect(second.locator("#changes li")).to_contain_text("none")
    first.reload()
    sync_api.expect(field(first, SALIENCE)).to_have_value("0.3")


def test_the_lever_ranking_runs_with_progress(context, server):
    page = open_page(context, server)
    page.locator("#rank").click()
    # one ensemble per option runs in the background: give them time on a busy machine
    sync_api.expect(page.locator("#ranking table")).to_be_visible(timeout=180_000)
    sync_api.expect(page.locator("#rank-status")).to_have_text("done")
    levers = len(load_scenario().levers)
    options = 1 + levers + levers * (levers - 1) // 2  # no lever, each lever, each pair
    assert page.locator("#ranking tbody tr").count() == options


def test_a_tab_whose_session_was_forgotten_replays_its_changes(context, server):
    page = open_page(context, server)
    field(page, SALIENCE).fill("0.3")
    field(page, SALIENCE).press("Enter")
    sync_api.expect(page.locator(f'#changes li[data-path="{SALIENCE}"]')).to_be_visible()
    for _ in range(server.service.capacity):
        server.service.new_session()
    field(page, PRESENCE, "low").fill("70")
    field(page, PRESENCE, "low").press("Enter")
    sync_api.expect(page.locator("#message")).to_contain_text("replayed")
    sync_api.expect(page.locator("#changes li")).to_have_count(2)
    sync_api.expect(field(page, SALIENCE)).to_have_value("0.3")
