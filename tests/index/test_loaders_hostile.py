"""Hostile input costs only itself: each case sits beside valid articles, which must all be stored, and the bad
file or record is reported where it stands with one readable reason (issue 15)."""

import codecs
import gzip
import json
import tracemalloc
from pathlib import Path

import pytest

from index import chunking, stages
from index.articles import MAX_ARTICLE_CHARS
from index.loaders import Loaded, LoadProblem, limits, load
from qa import Desk, Settings

MiB = 1024 * 1024
VALID = [
    {"id": f"ok{i}", "title": f"Valid {i}", "text": f"Valid article number {i} about the harbor."} for i in range(5)
]


def articles(items):
    return [i.article for i in items if isinstance(i, Loaded)]


def problems(items):
    return [i for i in items if isinstance(i, LoadProblem)]


def write_valid(folder: Path) -> Path:
    path = folder / "valid.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in VALID))
    return path


def write_bomb(path: Path, gib: float) -> None:
    """``gib`` GiB of zeros as concatenated gzip members: a few MB on disk, built without holding the zeros."""
    member = gzip.compress(bytes(16 * MiB), compresslevel=9)
    with path.open("wb") as handle:
        for _ in range(int(gib * 64)):
            handle.write(member)


def loaded_with_peak(paths):
    tracemalloc.start()
    try:
        items = list(load(paths))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return items, peak


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk.open(
        tmp_path / "archive", Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}), create=True
    )


def assert_valid_stored(desk: Desk, report) -> None:
    assert report.added == len(VALID), report.failed
    assert all(desk.article(r["id"]).text == r["text"] for r in VALID), "the valid articles beside it are stored"


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".json.gz", ".csv.gz", ".txt.gz", ".html.gz", ".rss.gz"])
def test_gzip_bomb_is_cut_off_with_bounded_memory(tmp_path: Path, suffix: str, monkeypatch):
    monkeypatch.setattr(limits, "MAX_GZIP_RATIO", 20)  # stop at the 64 MiB floor rather than 100x: CI stays fast
    bomb = tmp_path / f"bomb{suffix}"
    write_bomb(bomb, 2)  # 2 GiB of zeros in ~2 MB
    assert bomb.stat().st_size < 4 * MiB
    items, peak = loaded_with_peak([bomb, write_valid(tmp_path)])
    assert len(articles(items)) == len(VALID)
    (problem,) = problems(items)
    assert problem.path == str(bomb)
    assert "gzip bomb" in problem.reason or "file is larger than" in problem.reason, problem.reason
    # Streamed formats hold one line (16 MiB); whole-file ones stop at the 64 MiB gzip bound or their size bound.
    assert peak < 100 * MiB, f"peak {peak / MiB:.0f} MiB while reading a 2 GiB bomb"


def test_gzip_bomb_of_json_lines_streams_in_one_line_of_memory(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 1 * MiB)
    monkeypatch.setattr(limits, "MIN_GZIP_ALLOWANCE", 8 * MiB)
    monkeypatch.setattr(limits, "MAX_GZIP_RATIO", 20)
    bomb = tmp_path / "bomb.jsonl.gz"
    write_bomb(bomb, 1)
    items, peak = loaded_with_peak([bomb])
    (problem,) = problems(items)
    assert problem.line == 1, "the endless line is skipped in pieces until the gzip bound stops the file"
    assert (
        problem.reason.startswith("gzip decompresses to more than") and "over 20x its compressed size" in problem.reason
    )
    assert peak < 16 * MiB, f"peak {peak / MiB:.1f} MiB: a line bound of 1 MiB must bound memory"


def test_gzip_bomb_in_a_batch_is_reported_and_the_rest_stored(tmp_path: Path, desk: Desk):
    folder = tmp_path / "batch"
    folder.mkdir()
    write_valid(folder)
    write_bomb(folder / "bomb.jsonl.gz", 2)
    report = desk.ingest([folder])
    assert_valid_stored(desk, report)
    assert [(Path(f.path).name, f.line) for f in report.failed] == [("bomb.jsonl.gz", 1)]
    assert "gzip bomb" in report.failed[0].reason


def test_50_mb_article_and_an_oversize_one_are_refused_and_the_rest_stored(tmp_path: Path, desk: Desk):
    path = tmp_path / "mixed.jsonl"
    huge = json.dumps({"id": "huge", "text": ". A" * (50 * MiB // 3)})
    big = json.dumps({"id": "big", "text": "Long sentence about the budget. " * (MAX_ARTICLE_CHARS // 30)})
    lines = [json.dumps(VALID[0]), huge, json.dumps(VALID[1]), big, *map(json.dumps, VALID[2:])]
    path.write_text("\n".join(lines) + "\n")
    (tmp_path / "huge.txt").write_text("Word. " * (50 * MiB // 6))
    report = desk.ingest([path, tmp_path / "huge.txt"])
    assert_valid_stored(desk, report)
    assert [(Path(f.path).name, f.line) for f in report.failed] == [
        ("mixed.jsonl", 2),
        ("mixed.jsonl", 4),
        ("huge.txt", None),
    ]
    assert report.failed[0].reason.startswith("line is longer than 16 MiB")
    assert report.failed[1].reason.startswith(f"article text is {len(json.loads(big)['text']):,} characters, over")
    assert report.failed[2].reason.startswith("file is larger than 32 MiB")


def test_an_article_the_chunker_fails_on_costs_only_itself(tmp_path: Path, desk: Desk, monkeypatch):
    real = chunking.chunk_article

    def fragile(article, *args):
        if article.article_id == "ok2":
            raise TimeoutError("regular-expression match exceeded its 5.0s time limit")
        return real(article, *args)

    # The stages cut each batch (stages.chunk_article); ingest retries a failed batch through chunk_and_embed.
    monkeypatch.setattr(stages, "chunk_article", fragile)
    monkeypatch.setattr(chunking, "chunk_article", fragile)
    report = desk.ingest([write_valid(tmp_path)])
    assert report.added == len(VALID) - 1 and desk.article("ok2") is None
    assert [(f.line, f.reason.split(" (")[0]) for f in report.failed] == [
        (3, "could not cut the article into passages")
    ]
    assert all(desk.article(r["id"]) for r in VALID if r["id"] != "ok2")


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_json_nested_10000_deep_is_reported_where_it_stands(tmp_path: Path, desk: Desk):
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    (tmp_path / "list.json").write_text(
        f'[{json.dumps(VALID[0])}, {{"text": {deep(10_000)}}}, {json.dumps(VALID[1])}, {deep(10_000)}]'
    )
    (tmp_path / "lines.jsonl").write_text(
        "\n".join([json.dumps(VALID[2]), f'{{"text": "x", "k": {deep(10_000)}}}', json.dumps(VALID[3])]) + "\n"
    )
    (tmp_path / "one.json").write_text(f'{{"a": {deep(10_000)}}}')
    (tmp_path / "medium.jsonl").write_text(json.dumps({"text": "Fine.", "k": json.loads(deep(100))}) + "\n")
    (tmp_path / "z.jsonl").write_text(json.dumps(VALID[4]) + "\n")
    report = desk.ingest([tmp_path])
    assert_valid_stored(desk, report)
    failed = [(Path(f.path).name, f.line, f.reason) for f in report.failed]
    too_deep = "JSON nested too deeply to read (news records nest a few levels); flatten or remove it"
    assert failed == [
        ("lines.jsonl", 2, too_deep),
        ("list.json", 2, too_deep),
        ("list.json", 4, too_deep),
        ("medium.jsonl", 1, "record nested more than 32 levels deep; news records nest a few, flatten it"),
        ("one.json", None, too_deep),
    ]


BROKEN_CSV = (
    "id,title,text,date\n"
    "c1,First csv row,Body one.,2022-06-12\n"
    'c2,"Unclosed quote.,Body two.,2022-06-12\n'
    "c3,Third csv row,Body three.,2022-06-12\n"
    'c4,"Quoted" then junk,Body four.,2022-06-12\n'
    "c5,Too, many, fields,2022-06-12\n"
    "c6,Too few fields\n"
    'c7,"Fine, with comma",Body seven.,2022-06-12\n'
    'c8,"Never closed,Body eight.,2022-06-12\n'
)


def test_broken_csv_rows_are_reported_and_the_good_rows_stored(tmp_path: Path):
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN_CSV)
    items = list(load([path]))
    assert [(a.article_id, a.title, a.text) for a in articles(items)] == [
        ("c1", "First csv row", "Body one."),
        ("c3", "Third csv row", "Body three."),
        ("c7", "Fine, with comma", "Body seven."),
    ], "no garbled record is stored, and the row an unclosed quote swallowed is read on its own"
    located = [(p.line, p.reason.split(";")[0]) for p in problems(items)]
    assert located == [
        (3, "malformed CSV (',' expected after '\"')"),  # the quote opened here closes on line 5
        (5, "malformed CSV (',' expected after '\"')"),
        (6, "malformed CSV row: 5 fields where the header has 4"),
        (7, "malformed CSV row: 2 fields where the header has 4"),
        (9, "malformed CSV (unexpected end of data)"),
    ]
    assert all("fix the quoting" in p.reason for p in problems(items))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_json_with_a_bom_is_decoded(tmp_path: Path, encoding: str):
    bom = {"utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    record = {"id": "bom", "title": "Café “quoted”", "text": "Zoë said the café reopened — €5 a cup."}
    (tmp_path / "doc.json").write_bytes(bom + json.dumps([record], ensure_ascii=False).encode(encoding))
    (tmp_path / "lines.jsonl").write_bytes(bom + (json.dumps(VALID[0], ensure_ascii=False) + "\n").encode(encoding))
    items = list(load([tmp_path]))
    assert not problems(items)
    doc, line = articles(items)
    assert (doc.title, doc.text) == (record["title"], record["text"])
    assert line.text == VALID[0]["text"]
    recorded = "utf-8" if encoding == "utf-8-sig" else doc.metadata["text_encoding"]
    assert recorded.startswith(encoding.split("-sig")[0]), "the encoding read is recorded"


def test_latin1_and_cp1252_text_are_decoded_and_the_choice_recorded(tmp_path: Path):
    (tmp_path / "latin.txt").write_bytes("Le café est fermé à Zürich.\n".encode("latin-1"))
    (tmp_path / "windows.csv").write_bytes("title,text\nQuote,“Smart” quotes — and a dash.\n".encode("cp1252"))
    (tmp_path / "mixed.jsonl").write_bytes(
        json.dumps(VALID[0]).encode() + b"\n" + '{"text": "Señor Muñoz"}\n'.encode("latin-1")
    )
    loaded = {a.text: a for a in articles(load([tmp_path]))}
    assert loaded["Le café est fermé à Zürich."].metadata["text_encoding"] == "cp1252"
    assert loaded["“Smart” quotes — and a dash."].metadata["text_encoding"] == "cp1252"
    assert loaded["Señor Muñoz"].metadata["text_encoding"] == "cp1252"
    assert "text_encoding" not in loaded[VALID[0]["text"]].metadata, "UTF-8, the default, is not noted"


def test_undecodable_cp1252_bytes_fall_back_to_latin1(tmp_path: Path):
    (tmp_path / "odd.txt").write_bytes(b"Control \x81 byte and caf\xe9.")
    (article,) = articles(load([tmp_path / "odd.txt"]))
    assert article.metadata["text_encoding"] == "latin-1" and "café" in article.text


def test_dates_beyond_any_calendar_are_a_record_problem(tmp_path: Path):
    path = tmp_path / "dates.jsonl"
    path.write_text('{"text": "A.", "date": 1e300}\n{"text": "B.", "date": "99999999999999"}\n' + json.dumps(VALID[0]))
    items = list(load([path]))
    assert [a.text for a in articles(items)] == [VALID[0]["text"]]
    assert [(p.line, p.reason.split(" ")[0]) for p in problems(items)] == [(1, "unparseable"), (2, "unparseable")]
