"""The Archive tab's handlers, without a browser: uploads and their report, stats and articles per month, and the
delete flow (preview, confirm) by id, by search and by source. Each test has an archive of its own (hash embedder,
real chromadb and tantivy), as uploads and deletes change it."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import gradio as gr
import pandas as pd
import pytest

from qa import Desk, Settings
from ui.tabs.archive import (
    EMPTY,
    PendingDelete,
    build,
    confirm_delete,
    find_articles,
    ingest_uploads,
    month_counts,
    preview_articles,
    preview_source,
    source_choices,
    stats_text,
)
from ui.tabs.archive_upload import UPLOADS, safe_name, save_uploads

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    desk = Desk.open(tmp_path / "archive", Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}))
    yield desk
    desk.close()


@pytest.fixture
def uploaded(tmp_path: Path):
    """``uploaded(name, content=None)``: a file as gradio hands it over, in a temporary folder of its own."""
    count = 0

    def upload(name: str, content: str | bytes | None = None) -> str:
        nonlocal count
        count += 1
        folder = tmp_path / "gradio-tmp" / f"{count:04x}"
        folder.mkdir(parents=True)
        path = folder / name
        if content is None:
            shutil.copyfile(FIXTURES / "articles.jsonl", path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        return str(path)

    return upload


@pytest.fixture
def ingested(desk, uploaded) -> Desk:
    ingest_uploads(desk, [uploaded("articles.jsonl")])
    return desk


def test_an_upload_is_ingested_with_progress_and_a_report_in_words(desk, uploaded, tmp_path):
    steps = []
    report = ingest_uploads(desk, [uploaded("articles.jsonl")], lambda done, **kw: steps.append((done, kw["unit"])))
    assert report.startswith("**Ingested 1 file** (`articles.jsonl`): 7 added, 0 updated, 0 unchanged, 1 duplicate;")
    assert str(tmp_path) not in report, "no server path in what people see"
    assert steps[0] == ((0, 8), "records") and steps[-1] == ((8, 8), "records"), "8 records estimated and read"
    assert [done for (done, _), _ in steps] == sorted(done for (done, _), _ in steps)
    assert (desk.path / UPLOADS / "articles.jsonl").read_text() == (FIXTURES / "articles.jsonl").read_text()
    assert stats_text(desk).startswith("**7 articles** · 7 passages (7 embedded)  \n"
                                       "published 2024-02-06 to 2024-06-12.")
    again = ingest_uploads(desk, [uploaded("articles.jsonl")])
    assert "0 added, 0 updated, 7 unchanged, 1 duplicate" in again


def test_bad_uploads_give_a_readable_message_and_no_path(desk, uploaded, tmp_path):
    broken_gz = gzip.compress(b'{"id": "z", "text": "Tides rose."}\n' * 50)[:40]
    report = ingest_uploads(desk, [
        uploaded("bad.jsonl", '{"id": "ok", "text": "Harbor tides rose."}\n{oops\n'),
        uploaded("notes.pdf", b"%PDF-1.4 binary"),
        uploaded("feed.jsonl.gz", broken_gz),
    ])
    assert report.startswith("**Ingested 3 files** (`bad.jsonl`, `notes.pdf`, `feed.jsonl.gz`): 1 added,")
    assert "**3 problems** (everything else was stored):" in report
    assert "- `bad.jsonl`, line 2: malformed JSON" in report
    assert "- `notes.pdf`: unsupported file type; newsdesk reads .json" in report
    assert "- `feed.jsonl.gz`" in report and "gzip" in report
    assert str(tmp_path) not in report and "Traceback" not in report
    only_bad = ingest_uploads(desk, [uploaded("notes.pdf", b"%PDF")])
    assert only_bad.startswith("**Nothing was ingested** from `notes.pdf`.\n\n**1 problem**:")
    assert ingest_uploads(desk, []).startswith("Choose one or more files to upload")
    gone = ingest_uploads(desk, [str(tmp_path / "gradio-tmp" / "vanished" / "x.jsonl")])
    assert gone == "⚠️ the upload x.jsonl could not be read (No such file or directory); upload it again"


def test_upload_names_stay_inside_the_upload_folder(tmp_path, uploaded):
    assert safe_name("/tmp/gradio/3f/../../etc/passwd.jsonl") == "passwd.jsonl"
    assert safe_name("C:\\fakepath\\feed.csv") == "feed.csv"
    assert [safe_name(n) for n in ("..", ".", "", "...jsonl")] == ["upload", "upload", "upload", "jsonl"]
    assert safe_name("a<b>|c?.txt") == "a_b_c_.txt"
    folder = tmp_path / "archive" / UPLOADS
    saved = save_uploads([uploaded("feed.jsonl"), uploaded("feed.jsonl"), uploaded(".hidden.jsonl")], folder)
    assert [p.name for p in saved] == ["feed.jsonl", "feed-2.jsonl", "hidden.jsonl"], "kept apart, none hidden"
    assert all(p.parent == folder and p.exists() for p in saved)


def test_stats_and_articles_per_month(desk, uploaded):
    assert stats_text(desk) == EMPTY and month_counts(desk).empty and source_choices(desk) == []
    empty = month_counts(desk).dtypes
    assert pd.api.types.is_string_dtype(empty["month"]) and pd.api.types.is_integer_dtype(empty["articles"]), (
        "an empty chart keeps its column types, or it stays blank once months arrive")
    later = json.dumps({"id": "sep", "title": "Ferry resumes", "text": "The harbor ferry resumed service.",
                        "source": "Harbor Herald", "published_at": "2024-09-03T08:00:00Z"})
    ingest_uploads(desk, [uploaded("articles.jsonl"), uploaded("later.jsonl", later + "\n")])
    table = month_counts(desk)
    assert list(table.itertuples(index=False, name=None)) == [
        ("2024-02", 3), ("2024-03", 1), ("2024-04", 1), ("2024-05", 1), ("2024-06", 1), ("2024-07", 0),
        ("2024-08", 0), ("2024-09", 1),
    ], "months without articles are shown as 0, not skipped"
    text = stats_text(desk)
    assert "**8 articles**" in text and "published 2024-02-06 to 2024-09-03." in text
    assert "| Top sources (5 in all) | articles |" in text and "| Harbor Herald | 4 |" in text
    assert source_choices(desk)[0] == "Harbor Herald"


def test_deleting_an_article_found_by_words_after_confirming(ingested):
    desk = ingested
    choices, message = find_articles(desk, "bronze statue museum")
    assert choices[0] == ("Museum returns bronze statue — Culture Post, 2024-06-12 (fx-6)", "fx-6")
    assert message == f"{len(choices)} articles found: pick those to delete."
    preview, pending = preview_articles(desk, "nope", ["fx-6"])
    assert preview == (
        "**Delete 1 article?** Search will no longer find it; ingesting the file again brings it back.\n"
        "- **Museum returns bronze statue** — Culture Post, 2024-06-12 (`fx-6`)\n"
        "Not in this archive: `nope`."
    )
    assert pending == PendingDelete("articles", ("fx-6",))
    assert desk.stats().articles == 7, "nothing is deleted before it is confirmed"
    assert confirm_delete(desk, pending) == "Deleted 1 article."
    assert desk.article("fx-6") is None and stats_text(desk).startswith("**6 articles**")
    assert "2024-06" not in set(month_counts(desk).month)
    assert all(value != "fx-6" for _, value in find_articles(desk, "bronze statue museum")[0])


def test_deleting_typed_ids(ingested):
    preview, pending = preview_articles(ingested, "fx-1, fx-2;fx-7\n", [])
    assert preview.startswith("**Delete 3 articles?** Search will no longer find them;")
    assert confirm_delete(ingested, pending) == "Deleted 3 articles."
    assert ingested.stats().articles == 4


def test_deleting_a_whole_source(ingested):
    preview, pending = preview_source(ingested, "harbor herald")
    assert preview.startswith("**Delete all 3 articles from Harbor Herald?**")
    assert confirm_delete(ingested, pending) == "Deleted 3 articles from Harbor Herald."
    assert "Harbor Herald" not in source_choices(ingested) and ingested.stats().articles == 4


def test_nothing_to_delete_says_what_to_do(desk, ingested):
    assert preview_articles(ingested, " ", []) == (
        "Type article ids, or find articles by words and pick them, then press Delete.", None)
    assert preview_articles(ingested, "nope", []) == (
        "Not in this archive: `nope`. Check the ids, or find the articles by words.", None)
    assert preview_source(ingested, "Nobody Times") == ("No articles from Nobody Times in this archive.", None)
    assert preview_source(ingested, None) == ("Pick a source to delete.", None)
    assert confirm_delete(ingested, None) == "Nothing to delete: choose articles or a source first."
    assert find_articles(ingested, "  ") == ([], "Type words from the article to find it.")
    assert ingested.stats().articles == 7


def test_record_fields_are_shown_as_text(desk, uploaded):
    record = {"id": "odd", "title": "<img src=x onerror=alert(1)> | rents", "text": "Rents rose.", "source": "A|B"}
    ingest_uploads(desk, [uploaded("odd.jsonl", json.dumps(record) + "\n")])
    preview, _ = preview_articles(desk, "odd", [])
    assert "&lt;img src=x onerror=alert(1)&gt; \\| rents" in preview and "<img" not in preview
    assert "| A\\|B | 1 |" in stats_text(desk)


def test_the_tab_builds_with_no_public_endpoint_and_one_queue_for_writes(desk):
    # Deleting must not be reachable through the HTTP API that gradio_client uses.
    with gr.Blocks() as blocks, gr.Tab("Archive"):
        build(desk)
    assert not blocks.get_api_info()["named_endpoints"]
    assert {fn.api_visibility for fn in blocks.fns.values()} == {"private"}
    writers = {fn.name: (fn.concurrency_id, fn.concurrency_limit) for fn in blocks.fns.values()
               if fn.name in ("on_upload", "on_confirm")}
    assert writers == dict.fromkeys(("on_upload", "on_confirm"), ("archive-writes", 1)), "never two writes at once"
