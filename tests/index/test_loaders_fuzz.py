"""Property-based fuzzing of every loader: arbitrary bytes, JSON, CSV, HTML and RSS never raise, only ever yield
articles or located problems, and the valid record beside the junk is always read (issue 15)."""

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.loaders import Loaded, LoadProblem, load

# database=None: no example store is written into the work tree; the explicit @examples pin the cases found so far.
FUZZ = settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
VALID = {"id": "anchor", "title": "Anchor", "text": "The anchor article about the harbor budget."}
SUFFIXES = [".json", ".jsonl", ".csv", ".tsv", ".html", ".rss", ".atom", ".xml", ".txt", ".md"]

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)
field_names = st.sampled_from(["id", "title", "text", "body", "date", "url", "author", "source", "tags", "x"])
records = st.dictionaries(field_names | st.text(max_size=8), json_values, max_size=6)


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def check(items: list) -> list[Loaded]:
    """Every item is an article or a located problem with a one-line reason; returns the articles."""
    for item in items:
        assert isinstance(item, (Loaded, LoadProblem)), item
        if isinstance(item, LoadProblem):
            assert item.reason and "\n" not in item.reason, item
            assert "could not be read (" not in item.reason, f"an unforeseen failure: {item}"
    return [i for i in items if isinstance(i, Loaded)]


def with_anchor(base: Path) -> Path:
    path = base / "anchor.jsonl"
    path.write_text(json.dumps(VALID) + "\n")
    return path


def anchored(loaded: list[Loaded]) -> bool:
    return any(item.article.article_id == "anchor" for item in loaded)


@FUZZ
@given(data=st.binary(max_size=600), suffix=st.sampled_from(SUFFIXES), gz=st.booleans())
@example(data=b"[" * 5000, suffix=".json", gz=False)  # RecursionError in json
@example(data=b'{"text": "x", "date": 1e999}', suffix=".jsonl", gz=False)  # OverflowError in datetime
@example(data=b'\xff\xfe{\x00"\x00', suffix=".csv", gz=True)  # UTF-16, cut off
def test_arbitrary_bytes_in_any_format(data: bytes, suffix: str, gz: bool):
    import gzip

    with folder() as base:
        junk = base / f"junk{suffix}{'.gz' if gz else ''}"
        junk.write_bytes(gzip.compress(data) if gz else data)
        loaded = check(list(load([junk, with_anchor(base)])))
        assert anchored(loaded), "the valid file beside the junk is read"


@FUZZ
@given(document=st.lists(json_values | records, max_size=5), at=st.integers(0, 5))
@example(document=[{"text": "x", "date": float("inf")}], at=0)  # OverflowError in datetime
@example(document=[{"url": "["}], at=0)  # ValueError in urlsplit: "[" reads as a broken IPv6 host
def test_arbitrary_json_documents(document: list, at: int):
    with folder() as base:
        document.insert(min(at, len(document)), VALID)
        (base / "doc.json").write_text(json.dumps(document))
        loaded = check(list(load([base / "doc.json"])))
        assert anchored(loaded), "the valid record in the list is read"


@FUZZ
@given(lines=st.lists(json_values.map(json.dumps) | st.text(max_size=60), max_size=6), at=st.integers(0, 6))
@example(lines=["[" * 5000], at=0)  # RecursionError in json
def test_arbitrary_json_lines(lines: list[str], at: int):
    with folder() as base:
        lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
        lines.insert(min(at, len(lines)), json.dumps(VALID))
        (base / "lines.jsonl").write_text("\n".join(lines) + "\n")
        loaded = check(list(load([base / "lines.jsonl"])))
        assert anchored(loaded), "the valid line is read"


cells = st.text(alphabet=st.sampled_from('ab ,"\n\r\t.é“'), max_size=12)


@FUZZ
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=5), max_size=5), raw=st.text(max_size=80))
def test_arbitrary_csv_rows(rows: list[list[str]], raw: str):
    with folder() as base:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "title", "text"])
        writer.writerows(rows)
        (base / "rows.csv").write_text(out.getvalue() + "anchor,Anchor,The anchor article about the harbor budget.\n")
        (base / "junk.csv").write_text("id,title,text\n" + raw)
        items = list(load([base / "rows.csv", base / "junk.csv"]))
        assert anchored(check(items)), "whatever the rows before it, the valid last row is read"
        from_rows = [i for i in items if i.path.endswith("rows.csv")]
        assert len(from_rows) == len(rows) + 1, "each properly quoted row is one article or one problem"
        wrong_width = [i.line for i in from_rows if isinstance(i, LoadProblem) and "fields where" in i.reason]
        assert len(wrong_width) == sum(len(row) != 3 for row in rows)


markup = st.lists(
    st.sampled_from(["<p>", "</p>", "<div>", "<article>", "<script>", "<!--", "-->", "&amp;", "&#0;", "<![CDATA["])
    | st.text(max_size=30),
    max_size=12,
).map("".join)


@FUZZ
@given(body=markup)
@example(body="<div>" * 10_000 + "<p>Deep.</p>")
def test_arbitrary_html_pages(body: str):
    with folder() as base:
        (base / "page.html").write_text(f"<html><head><title>T</title></head><body>{body}</body></html>")
        loaded = check(list(load([base / "page.html", with_anchor(base)])))
        assert anchored(loaded)


@FUZZ
@given(title=st.text(max_size=30), body=markup, date=st.text(max_size=30), extra=markup)
@example(title="", body="<p></p>\x1f0", date="", extra="")  # lxml refuses control characters (ValueError)
@example(title="", body="</p>\xa0<!---->", date="", extra="")  # parses to a lone comment (ValueError)
def test_arbitrary_rss_entries(title: str, body: str, date: str, extra: str):
    from xml.sax.saxutils import escape

    with folder() as base:
        item = f"<item><title>{escape(title)}</title><description>{escape(body)}</description>"
        item += f"<pubDate>{escape(date)}</pubDate></item>"
        anchor = f"<item><title>Anchor</title><guid>anchor</guid><description>{VALID['text']}</description></item>"
        (base / "feed.rss").write_text(
            f'<?xml version="1.0"?><rss><channel><title>F</title>{item}{anchor}</channel></rss>'
        )
        (base / "junk.rss").write_text(f"<rss><channel><item>{extra}</item>")
        loaded = check(list(load([base / "feed.rss", base / "junk.rss"])))
        assert anchored(loaded), "the valid entry beside an arbitrary one is read"
