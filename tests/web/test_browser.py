"""A reader's path through the site in a real Chromium (Debian's, never a downloaded one):
home, a filtered deal list, a deal, the same deal in Korean, the network, a company.

Screenshots of each step at phone and desktop widths go to test-artifacts/.
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

from deals import models
from deals.views import overview
from tests import factories

# serialized_rollback: every transactional test restores the database as migrations left it
# (roles, content types) instead of flushing and re-creating content types under new ids.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM (used by the
    # fixtures here) refuses to run beside one unless told it is safe, which it is here.
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium package is not installed (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a missing browser is a failure, never a skip
        pytest.skip(message)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def page(request, browser):
    context = browser.new_context(viewport=request.param, locale="en-US")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "console",
        lambda message: page.errors.append(message.text) if message.type == "error" else None,
    )
    page.width = request.param["width"]
    yield page
    context.close()


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.width}.png"), full_page=True)


def wait_for_network(page):
    page.wait_for_selector('#network[data-ready="true"]', timeout=15000)
    return page.evaluate(
        "() => window.dealNetwork.nodes().map(n => ({id: n.id(), label: n.data('label')}))"
    )


def test_reader_path_through_the_site(page, live_server, story):
    base = live_server.url

    # Home: headline figures and the network.
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Who buys AI chips from whom"
    assert "50,000" in page.locator(".figures").inner_text()
    labels = {n["label"] for n in wait_for_network(page)}
    assert {"NVIDIA", "Samsung Electronics", "SK hynix"} <= labels
    shot(page, "01-home")

    # The deal list, filtered to Nvidia as supplier through the form.
    page.goto(base + "/deals/")
    # The filters are folded away so the deals come first; a reader unfolds them.
    page.locator("details.filters summary").click()
    page.select_option("#f-supplier", "nvidia")
    page.locator("details.filters button[type=submit]").click()
    page.wait_for_url(re.compile(r".*supplier=nvidia.*"))
    rows = page.locator(".deal-table tbody tr")
    assert rows.count() == 1
    assert page.locator("details.filters").get_attribute("open") is None
    assert "Nvidia to supply 50,000 GPUs to Samsung" in rows.first.inner_text()
    shot(page, "02-deals-filtered")

    # The deal itself.
    page.get_by_role("link", name="Nvidia to supply 50,000 GPUs to Samsung").click()
    page.wait_for_url(f"**/deals/{story.deal.slug}/")
    assert "up to 50,000 GPUs" in page.locator(".facts").inner_text()
    shot(page, "03-deal")

    # The same deal in Korean, through the language switcher.
    page.get_by_role("link", name="한국어").click()
    page.wait_for_url(f"**/ko/deals/{story.deal.slug}/")
    assert page.locator("h1").inner_text() == "엔비디아, 삼성전자에 GPU 5만 장 공급"
    assert "GPU 최대 5만 장" in page.locator(".facts").inner_text()
    assert page.locator("html").get_attribute("lang") == "ko"
    shot(page, "04-deal-ko")

    # The network: the story's companies are drawn; selecting one opens its page.
    page.goto(base + "/ko/graph/")
    nodes = wait_for_network(page)
    assert {"엔비디아", "삼성전자", "SK하이닉스"} <= {n["label"] for n in nodes}
    assert page.evaluate("() => window.dealNetwork.edges().length") == 2
    shot(page, "05-graph-ko")
    samsung = next(n for n in nodes if n["label"] == "삼성전자")
    page.locator("#network").scroll_into_view_if_needed()
    # Click where the node is drawn. On a loaded machine the layout may still be settling when
    # the position is read, so a click that lands beside the node is tried again.
    for attempt in range(3):
        box = page.locator("#network").bounding_box()
        position = page.evaluate(
            "id => window.dealNetwork.getElementById(id).renderedPosition()", samsung["id"]
        )
        page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
        try:
            page.wait_for_url("**/ko/companies/samsung-electronics/", timeout=10_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    assert page.locator("h1").inner_text() == "삼성전자"
    shot(page, "06-company-ko")

    # No script errors and no Content-Security-Policy violations along the way.
    assert page.errors == []


def test_network_filters_by_product_category(page, live_server, story):
    page.goto(live_server.url + "/graph/?product_category=hbm")
    labels = {n["label"] for n in wait_for_network(page)}
    assert labels == {"NVIDIA", "SK hynix"}
    # Sizing by value redraws in place and keeps the address in step.
    page.select_option("#g-size", "usd")
    page.wait_for_url(re.compile(r".*size=usd.*"))
    wait_for_network(page)
    shot(page, "07-graph-hbm")
    assert page.errors == []


def test_network_draws_more_deals_when_asked(page, live_server, story, monkeypatch):
    # The live server runs in this process, so the drawing's sizes can be made small.
    monkeypatch.setattr(overview, "NETWORK_DRAWN", 1)
    monkeypatch.setattr(overview, "NETWORK_LIMIT", 2)
    factories.make_deal(
        supplier=story.samsung,
        buyer=story.hynix,
        title="Samsung buys HBM test kits",
        title_ko="삼성전자, SK하이닉스 HBM 시험 장비 구매",
        events=((dt.date(2024, 1, 5), models.DealStatus.RUMORED),),
    )
    # On the home page the button redraws in place.
    page.goto(live_server.url + "/ko/")
    wait_for_network(page)
    network, more = page.locator("#network"), page.locator(".network-more")
    button = more.get_by_role("button", name="거래 더 그리기")
    assert (network.get_attribute("data-limit"), network.get_attribute("data-edges")) == ("1", "1")
    assert more.is_visible() and button.is_visible()
    assert not more.locator("[data-more-max]").is_visible()
    button.click()
    page.wait_for_selector('#network[data-ready="true"][data-limit="2"]', timeout=15000)
    assert network.get_attribute("data-edges") == "2"
    # Three deals match and two is as many as can be drawn: the note says so, no button.
    assert more.locator("[data-more-max]").is_visible()
    assert not button.is_visible()
    shot(page, "09-home-more-ko")

    # On the graph page a link reloads it, so that the table and timeline follow.
    page.goto(live_server.url + "/ko/graph/")
    wait_for_network(page)
    assert page.locator("#network").get_attribute("data-limit") == "1"
    page.locator(".network-more").get_by_role("link", name="거래 더 그리기").click()
    page.wait_for_url(re.compile(r".*limit=2.*"))
    wait_for_network(page)
    assert page.locator("#network").get_attribute("data-limit") == "2"
    assert "한 번에 그릴 수 있는 최대치" in page.locator(".network-more").inner_text()

    # With nothing more to draw, nothing is shown under the drawing.
    monkeypatch.setattr(overview, "NETWORK_DRAWN", 2)
    page.goto(live_server.url + "/companies/sk-hynix/")
    wait_for_network(page)
    assert page.locator(".network-more").count() == 1
    assert not page.locator(".network-more").is_visible()
    assert page.errors == []


def test_pages_read_without_javascript(browser, live_server, story):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/graph/")
    page.locator(".network-table summary").click()
    assert "Samsung Electronics" in page.locator(".network-table").inner_text()
    assert "Samsung Electronics" in page.locator(".bar-table").first.inner_text()
    page.goto(live_server.url + "/deals/?buyer=nvidia")
    assert page.locator(".deal-table tbody tr").count() == 1
    page.screenshot(path=str(ARTIFACTS / "08-no-js-deals-375.png"), full_page=True)
    context.close()
