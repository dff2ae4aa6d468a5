"""The Archive tab in a real browser: upload a file through the page and watch the counts and the report change,
upload a bad file and read what was wrong, delete an article after confirming and watch the counts drop.

The tab is served alone over an archive of its own in tmp_path (hash embedder, real chromadb and tantivy).
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest
from playwright.sync_api import expect

from qa import Desk, Settings
from ui.tabs.archive import build

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parents[2] / "fixtures"
# Ingesting and deleting run chroma and tantivy on two shared cores: allow them more than expect's 5 s.
WAIT = 60_000


def test_upload_report_bad_file_and_delete_through_the_page(page, serve, artifacts, tmp_path):
    desk = Desk.open(tmp_path / "archive", Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}))
    with gr.Blocks() as blocks, gr.Tab("Archive"):
        build(desk)
    page.goto(serve(blocks))
    stats, report = page.locator("#archive-stats"), page.locator("#archive-report")
    upload = page.locator("#archive-files input[type=file]")
    expect(stats).to_contain_text("The archive is empty")

    upload.set_input_files(str(FIXTURES / "articles.jsonl"))
    expect(report).to_contain_text("Ingested 1 file (articles.jsonl): 7 added, 0 updated, 0 unchanged, 1 duplicate",
                                      timeout=WAIT)
    expect(stats).to_contain_text("7 articles · 7 passages (7 embedded)")
    expect(stats).to_contain_text("Harbor Herald")
    expect(page.locator("#archive-months canvas, #archive-months svg").first).to_be_visible()  # vega drew the chart

    broken = tmp_path / "upload" / "broken.jsonl"
    broken.parent.mkdir()
    broken.write_text("{oops\n")
    upload.set_input_files(str(broken))
    expect(report).to_contain_text("Nothing was ingested from broken.jsonl.", timeout=WAIT)
    expect(report).to_contain_text("broken.jsonl, line 1: malformed JSON")
    shown = report.inner_text()
    assert str(tmp_path) not in shown and "/tmp" not in shown and "Traceback" not in shown, shown
    expect(stats).to_contain_text("7 articles")

    page.locator("#archive-ids").get_by_role("textbox").fill("fx-6")
    page.locator("#archive-delete-articles").click()
    confirmation = page.locator("#archive-confirmation")
    expect(confirmation).to_contain_text("Delete 1 article?", timeout=WAIT)
    expect(confirmation).to_contain_text("Museum returns bronze statue — Culture Post, 2024-06-12")
    assert desk.stats().articles == 7, "nothing is deleted before the confirmation"
    page.locator("#archive-confirm").click()
    expect(confirmation).to_contain_text("Deleted 1 article.", timeout=WAIT)
    expect(stats).to_contain_text("6 articles · 6 passages (6 embedded)")
    expect(page.locator("#archive-confirm")).to_be_hidden()
    assert desk.article("fx-6") is None
    page.screenshot(path=str(artifacts / "archive-tab.png"), full_page=True)
