"""The web chat in headless Chromium over a small real archive (MiniLM) and the real bundled 0.5B model.

One app serves the module's tests (each test has its own page, so its own browser session); the error tests serve
apps of their own. Screenshots go to the ``artifacts`` folder, and the timings a reader feels (click to question
echoed, to first answer text, to the checked answer) to ``browser-timings.json`` there; they are reported, not
asserted: they depend on the machine's load.
"""

import json
import re
import time
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from qa import Desk, OpenAICompatibleLLM, Settings
from ui.app import build_app
from ui.chat_session import REWRITE_TITLE

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
RENTS = "What did the Harbor city council decide on rents?"

# Records, in the page's own clock, when the question is echoed, when answer text first shows (the quoted lead or
# the draft) and when the checked answer arrives, counted from the Ask click.
WATCH = """() => {
  const chat = document.querySelector('#nd-chat');
  const users = chat.querySelectorAll('[data-testid="user"]').length;
  const finals = chat.querySelectorAll('.nd-final').length;
  const t = {sawDraft: false, sawLead: false};
  window.__nd = t;
  document.querySelector('#nd-ask').addEventListener('click', () => { t.click = performance.now(); },
                                                      {capture: true, once: true});
  new MutationObserver(() => {
    if (t.click === undefined) return;
    const now = performance.now();
    const draft = chat.querySelector('.nd-draft');
    if (draft) {
      t.sawDraft = true;
      t.draftLabel = draft.closest('.thought-group')?.querySelector('.title')?.textContent.trim();
    }
    if (chat.querySelector('.nd-lead')) t.sawLead = true;
    if (t.echo === undefined && chat.querySelectorAll('[data-testid="user"]').length > users) t.echo = now;
    const words = chat.querySelector('.nd-lead') || (draft && draft.textContent.trim() !== '…');
    if (t.first === undefined && (words || chat.querySelectorAll('.nd-final').length > finals)) t.first = now;
    if (t.final === undefined && chat.querySelectorAll('.nd-final').length > finals) t.final = now;
  }).observe(chat, {childList: true, subtree: true, characterData: true});
}"""

HIGHLIGHTED = """(id) => getComputedStyle(document.getElementById(id)).borderLeftColor === 'rgb(242, 169, 0)'"""

VISIBLE = """(id) => {
  const box = document.getElementById(id).getBoundingClientRect();
  return box.top >= 0 && box.top < window.innerHeight && box.bottom > 0;
}"""
IN_VIEW = f"(id) => document.getElementById(id)?.classList.contains('nd-hit') && ({VISIBLE})(id)"


@pytest.fixture(scope="module")
def chat_app(fixture_archive):
    """The chat over the fixture archive with the bundled 0.5B model, loaded before any question is timed."""
    desk = fixture_archive.desk()
    started = time.perf_counter()
    desk.llm.warm_up()
    load_s = time.perf_counter() - started
    app = build_app(desk)
    app.queue()
    _, url, _ = app.launch(server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True,
                           show_error=False)
    yield SimpleNamespace(url=url.rstrip("/"), model=desk.llm.name, load_s=load_s)
    app.close()


def open_chat(page, url):
    page.goto(url)
    page.wait_for_selector("#nd-question textarea")
    page.wait_for_function("window.__newsdeskMarkers === true")  # the marker-click handler is installed


def ask(page, question, finals):
    page.fill("#nd-question textarea", question)
    page.click("#nd-ask")
    page.wait_for_function(f"document.querySelectorAll('#nd-chat .nd-final, #nd-chat .nd-error').length >= {finals}",
                           timeout=180_000)


def user_messages(page):
    return page.locator('#nd-chat [data-testid="user"]').count()


def test_the_answer_streams_and_each_marker_brings_its_card_into_view(chat_app, page, artifacts):
    open_chat(page, chat_app.url)
    page.evaluate(WATCH)
    ask(page, RENTS, 1)
    times = page.evaluate("window.__nd")
    assert times["echo"] < times["final"], "the question is echoed before the answer"
    assert times["sawDraft"] and times["draftLabel"].startswith("checking…"), "the draft is shown marked unchecked"
    assert page.locator("#nd-chat .nd-draft").count() == 0, "the checked answer replaced the unchecked draft"
    assert page.locator("#nd-chat .thought-group .loading-spinner").count() == 0, "nothing left pending"

    answer = page.locator("#nd-chat .nd-final").last
    numbers = sorted({int(n) for n in re.findall(r"\[(\d+)\]", answer.inner_text())})
    cards = page.locator("#nd-sources section.nd-turn .nd-card")
    assert numbers and numbers == list(range(1, cards.count() + 1)), "one card per [n], numbered as in the text"
    first = cards.first
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} 20\d\d", first.locator(".nd-date").inner_text()), "the date shows"
    assert first.locator(".nd-source").inner_text() and first.locator("mark").count() >= 1, "support highlighted"
    page.screenshot(path=artifacts / "chat-laptop.png", full_page=True)

    answer.locator("a.nd-marker").first.click()
    page.wait_for_function(IN_VIEW, arg="nd-c-1-1")
    page.wait_for_function(HIGHLIGHTED, arg="nd-c-1-1")  # after the highlight's transition
    assert page.locator(".nd-card.nd-hit").count() == 1, "only the clicked marker's card is highlighted"
    page.screenshot(path=artifacts / "chat-citation.png")

    timings = {
        "click_to_echo_ms": round(times["echo"] - times["click"]),
        "click_to_first_text_ms": round(times["first"] - times["click"]),
        "click_to_checked_answer_ms": round(times["final"] - times["click"]),
        "lead_shown_before_model": times["sawLead"],
        "model": chat_app.model,
        "model_load_s_before_timing": round(chat_app.load_s, 2),
        "question": RENTS,
    }
    (artifacts / "browser-timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    print("browser timings:", json.dumps(timings))


def test_follow_up_rewrite_on_request_clear_and_the_empty_question(chat_app, page, artifacts):
    open_chat(page, chat_app.url)
    ask(page, "What did Northwind Airlines order?", 1)
    ask(page, "And when will they get them?", 2)
    rewrite = page.locator("#nd-chat .thought-group", has_text=REWRITE_TITLE)
    assert rewrite.count() == 1 and rewrite.locator(".content").count() == 0, "the rewrite is folded"
    rewrite.locator(".title").click()
    expect(rewrite.locator(".content")).to_contain_text("Northwind")  # the standalone question names the airline
    page.wait_for_timeout(500)  # the unfolding animation
    page.screenshot(path=artifacts / "chat-follow-up.png", full_page=True)

    page.click("#nd-clear")
    page.wait_for_function("document.querySelectorAll('#nd-chat [data-testid=\"user\"]').length === 0")
    assert "Each answer's sources appear here" in page.inner_text("#nd-sources"), "the sources panel is reset"

    ask(page, "And when will they get them?", 1)
    assert page.locator("#nd-chat .thought-group", has_text=REWRITE_TITLE).count() == 0, \
        "after Clear there is no conversation to rewrite the follow-up from"
    assert "Sources for “What did Northwind" not in page.inner_text("#nd-sources"), "the cleared turn's are gone"

    page.fill("#nd-question textarea", "   ")
    page.click("#nd-ask")
    page.wait_for_selector("#nd-notice :text('Type a question first.')")
    time.sleep(1)  # anything sent would show by now
    assert user_messages(page) == 1, "an empty question is not sent (nor the previous one again)"


def test_errors_read_as_messages_and_the_app_keeps_serving(fixture_archive, tmp_path, serve, page, artifacts):
    desk = fixture_archive.desk()
    desk.llm = OpenAICompatibleLLM("http://127.0.0.1:9/v1", "newsroom-model", timeout_s=5)  # nothing listens there
    open_chat(page, serve(build_app(desk)))
    ask(page, RENTS, 1)
    error = page.locator("#nd-chat .nd-error").last.inner_text()
    assert "LLM endpoint" in error and "127.0.0.1:9" in error
    page.locator("#nd-as-of input").first.fill("2024-13-45")
    ask(page, RENTS, 2)
    assert "is not a date; use YYYY-MM-DD" in page.locator("#nd-chat .nd-error").last.inner_text()
    page.screenshot(path=artifacts / "chat-error.png", full_page=True)
    shown = page.inner_text("body")
    assert "Traceback" not in shown and 'File "' not in shown and str(tmp_path.parent) not in shown

    settings = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
    empty = Desk.open(tmp_path / "empty-archive", settings, create=True)
    open_chat(page, serve(build_app(empty)))
    assert "The archive is empty" in page.inner_text("#nd-header")
    ask(page, RENTS, 1)
    error = page.locator("#nd-chat .nd-error").last.inner_text()
    assert "holds no articles yet" in error and str(tmp_path) not in error and "(a folder on the server)" in error


def test_on_a_phone_the_sources_are_reachable_and_a_headline_example_is_asked(chat_app, browser, artifacts):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        open_chat(page, chat_app.url)
        chat = page.locator("#nd-chat").bounding_box()
        sources = page.locator("#nd-sources").bounding_box()
        assert chat["height"] < 0.3 * PHONE["height"], f"the empty chat is short ({chat['height']:.0f} px)"
        assert sources["y"] < PHONE["height"] + 100, f"the sources start {sources['y']:.0f} px down"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
        page.screenshot(path=artifacts / "chat-phone-empty.png", full_page=True)

        example = page.locator("#nd-chat .example").first
        headline = example.inner_text()
        assert headline.startswith("What happened: "), "examples are the archive's own latest headlines"
        example.click()
        page.wait_for_selector("#nd-chat .nd-final, #nd-chat .nd-error", timeout=180_000)
        assert page.locator('#nd-chat [data-testid="user"]').inner_text() == headline, "the example was asked"
        # The cards sit below the conversation: a marker click scrolls down to its card.
        page.evaluate("scrollTo(0, 0)")
        assert not page.evaluate(VISIBLE, "nd-c-1-1"), "the card starts below the fold"
        page.locator("#nd-chat .nd-final a.nd-marker").first.click()
        page.wait_for_function(IN_VIEW, arg="nd-c-1-1")
        page.wait_for_function(HIGHLIGHTED, arg="nd-c-1-1")
        page.screenshot(path=artifacts / "chat-phone.png")
    finally:
        context.close()
