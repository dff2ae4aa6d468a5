"""The Search and Timeline tabs of the whole web app (:func:`ui.app.build_app`) in a real browser, over the shared
fixture archive: a search shows dated, sourced passages with the query's words marked; a timeline shows its chart
and the dated key sentences in order; the Archive tab shows the archive's counts. Screenshots go to ``artifacts``
(search-tab.png, timeline-tab.png)."""

from __future__ import annotations

import re

import pytest

from ui.app import build_app

pytestmark = pytest.mark.slow


@pytest.fixture
def tabs_url(fixture_desk, serve):
    return serve(build_app(fixture_desk))


def test_search_then_timeline(page, tabs_url, artifacts):
    page.goto(tabs_url)
    page.get_by_role("tab", name="Search").click()
    page.locator("#search-query").get_by_role("textbox").fill("rent cap")
    page.locator("#search-as-of").get_by_role("textbox").fill("2024-12-31")
    page.locator("#search-go").click()
    cards = page.locator("#search-results .nd-card")
    cards.first.wait_for()
    first = cards.first.inner_text()
    assert re.match(r"2024-02-\d\d · Harbor Herald", first), first
    assert page.locator("#search-results mark", has_text="rent").count() >= 3, "the query's words are marked"
    assert page.locator("#search-results .nd-card a[href^='https://harborherald.example/']").count() >= 3
    # The scoped style applies: the date is bold, the marks are highlighted.
    assert page.locator("#search-results .nd-date").first.evaluate("e => getComputedStyle(e).fontWeight") == "700"
    page.screenshot(path=str(artifacts / "search-tab.png"), full_page=True)

    page.get_by_role("tab", name="Timeline").click()
    page.locator("#timeline-topic").get_by_role("textbox").fill("rent cap")
    page.locator("#timeline-as-of").get_by_role("textbox").fill("2024-12-31")
    page.locator("#timeline-go").click()
    entries = page.locator("#timeline-entries .nd-entry")
    entries.nth(2).wait_for()
    assert entries.count() == 3
    dates = [entries.nth(i).locator(".nd-when").inner_text().split()[0] for i in range(3)]
    assert dates == ["2024-02-06", "2024-02-16", "2024-02-27"], "the key sentences oldest first"
    assert "Harbor's council delayed the start of its rent cap" in entries.nth(2).inner_text()
    assert page.locator("#timeline-summary").inner_text().startswith("3 stories about “rent cap”")
    chart = page.locator("#timeline-chart")
    chart.locator("canvas, svg").first.wait_for()
    assert chart.bounding_box()["height"] > 150, "the chart of matching articles is drawn"
    page.screenshot(path=str(artifacts / "timeline-tab.png"), full_page=True)


def test_the_archive_tab_of_the_app_shows_what_the_archive_holds(page, tabs_url, fixture_desk):
    page.goto(tabs_url)
    page.get_by_role("tab", name="Archive").click()
    stats = page.locator("#archive-stats")
    stats.wait_for()
    articles = fixture_desk.stats().articles
    assert re.search(rf"\b{articles}\b articles", stats.inner_text()), stats.inner_text()
