import gzip
import json
from datetime import datetime, timezone
from pathlib import Path

from index.loaders import Loaded, LoadProblem, load

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Harbor Herald</title>
<item><title>Council caps rents</title><link>https://harborherald.example/rent</link>
<description>&lt;p&gt;The council capped rents.&lt;/p&gt;&lt;p&gt;It voted 7-2.&lt;/p&gt;</description>
<pubDate>Tue, 06 Feb 2024 18:00:00 GMT</pubDate><guid>rent-1</guid></item>
<item><title>Second item</title><link>https://harborherald.example/two</link><description>Two.</description>
<pubDate>Wed, 07 Feb 2024 09:00:00 +0100</pubDate></item></channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Sports</title>
<entry><title>Final won</title><link href="https://valleysports.example/final"/><id>urn:final</id>
<updated>2024-03-10T20:00:00Z</updated><content type="html">&lt;p&gt;Glacier Valley won 3-1.&lt;/p&gt;</content>
<author><name>Tomas Berg</name></author></entry></feed>"""

HTML = """<html><head><title>Museum returns statue | Culture Post</title>
<meta property="og:site_name" content="Culture Post"><meta name="date" content="2024-06-12">
<meta property="og:url" content="https://culturepost.example/statue"></head><body>
<nav>Home | News | Sport</nav><article><h1>Museum returns bronze statue</h1>
<p>The city museum returned a bronze statue to its country of origin on Wednesday after a ten-year dispute
over its ownership, officials from both governments said at a ceremony.</p>
<p>The statue, which dates from the 12th century, will go on display in the national museum next month,
where curators have prepared a new gallery for it and for other returned works.</p></article>
<footer>Copyright 2024 Culture Post</footer></body></html>"""


def articles(items):
    return [i.article for i in items if isinstance(i, Loaded)]


def problems(items):
    return [i for i in items if isinstance(i, LoadProblem)]


def test_jsonl_with_malformed_line_keeps_the_rest(tmp_path: Path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"title": "A", "text": "One."}\n{"title": "B", "text": \n{"foo": 1}\n{"text": "Three."}\n')
    items = list(load([path]))
    assert [a.title for a in articles(items)] == ["A", None]
    assert [(p.line, p.reason.split(" (")[0]) for p in problems(items)] == [
        (2, "malformed JSON"),
        (3, "no article text"),
    ]


def test_json_list_and_nested_list_and_single_object(tmp_path: Path):
    (tmp_path / "list.json").write_text(json.dumps([{"text": "L1."}, {"text": "L2."}]))
    (tmp_path / "nested.json").write_text(json.dumps({"articles": [{"content": "N1."}]}))
    (tmp_path / "one.json").write_text(json.dumps({"body": "Single.", "headline": "H"}))
    texts = sorted(a.text for a in articles(load([tmp_path])))
    assert texts == ["L1.", "L2.", "N1.", "Single."]


def test_csv_rows_with_long_fields(tmp_path: Path):
    path = tmp_path / "news.csv"
    long_text = "Word " * 40000  # beyond csv's default 128 KiB field limit
    path.write_text(
        f'title,text,date,url\nFirst,"Body, with comma.",2022/06/12,https://www.cnn.com/a\nLong,"{long_text}",,\n'
    )
    loaded = articles(load([path]))
    assert loaded[0].source == "CNN"
    assert loaded[0].published_at == datetime(2022, 6, 12, tzinfo=timezone.utc)
    assert len(loaded[1].text) > 150_000


def test_rss_and_atom_entries(tmp_path: Path):
    (tmp_path / "feed.rss").write_text(RSS)
    (tmp_path / "feed.atom").write_text(ATOM)
    loaded = {a.title: a for a in articles(load([tmp_path]))}
    rent = loaded["Council caps rents"]
    assert rent.text == "The council capped rents.\n\nIt voted 7-2."
    assert rent.published_at == datetime(2024, 2, 6, 18, tzinfo=timezone.utc)
    assert rent.article_id == "rent-1"
    assert loaded["Second item"].published_at == datetime(2024, 2, 7, 8, tzinfo=timezone.utc)
    final = loaded["Final won"]
    assert final.text == "Glacier Valley won 3-1."
    assert final.authors == ("Tomas Berg",)


def test_html_main_text_without_furniture(tmp_path: Path):
    (tmp_path / "page.html").write_text(HTML)
    (article,) = articles(load([tmp_path / "page.html"]))
    assert "bronze statue" in article.text
    assert "Home | News" not in article.text and "Copyright" not in article.text
    assert article.source == "Culture Post"
    assert article.published_at == datetime(2024, 6, 12, tzinfo=timezone.utc)


def test_text_and_markdown_with_front_matter(tmp_path: Path):
    (tmp_path / "note.txt").write_text("Plain text body.\n")
    (tmp_path / "story.md").write_text(
        "---\ntitle: Front title\ndate: 2024-01-02\nsource: Zine\n---\n# Heading\nBody.\n"
    )
    loaded = {a.article_id: a for a in articles(load([tmp_path]))}
    assert loaded["note"].text == "Plain text body."
    story = loaded["story"]
    assert (story.title, story.source, story.text) == ("Front title", "Zine", "Body.")
    assert story.published_at == datetime(2024, 1, 2, tzinfo=timezone.utc)


def test_gzip_is_transparent_and_truncation_is_reported(tmp_path: Path):
    lines = "".join(json.dumps({"text": f"Article number {i}. " * 50}) + "\n" for i in range(200))
    good = tmp_path / "good.jsonl.gz"
    good.write_bytes(gzip.compress(lines.encode()))
    assert len(articles(load([good]))) == 200
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    items = list(load([cut]))
    assert 0 < len(articles(items)) < 200, "records before the cut are still read"
    assert "truncated gzip" in problems(items)[-1].reason


def test_folder_walk_is_recursive_and_skips_hidden_and_unknown(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text("Deep.")
    (tmp_path / ".hidden.txt").write_text("Hidden.")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    assert [a.text for a in articles(load([tmp_path]))] == ["Deep."]


def test_bad_paths_become_problems(tmp_path: Path):
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    (tmp_path / "empty").mkdir()
    reasons = [p.reason for p in problems(load([tmp_path / "missing", tmp_path / "x.pdf", tmp_path / "empty"]))]
    assert reasons[0].startswith("no such file or folder")
    assert reasons[1].startswith("unsupported file type")
    assert reasons[2].startswith("folder holds no news files")


def test_shared_archives_load_with_dates():
    data = Path(__file__).resolve().parents[3] / "shared" / "data"
    reuters = list(load([data / "reuters21578" / "reuters21578.jsonl.gz"]))
    loaded = articles(reuters)
    assert len(loaded) > 20_000
    assert all(a.published_at is not None and a.published_at.year == 1987 for a in loaded)
    assert all(p.reason.startswith("no article text") for p in problems(reuters)), "only empty records fail"
