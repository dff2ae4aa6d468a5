"""Hostile questions through Desk.search, Desk.ask (and ask_stream) and the CLI: a clear one-line error or a sane
answer, never a crash or a traceback, and the archive neither loses nor gains anything.

Desk calls use the real MiniLM embedder (the gate and the check are set for it) and a scripted model; a few go
through the real bundled model (marked slow). The CLI runs on hash vectors and the fake backend.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa import EmptyQuestionError, FakeLLM, NewsDeskError
from qa.answering.answer import ABSTAIN_TEXT
from qa.errors import MAX_QUESTION_CHARS, QuestionTooLongError
from ui.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
RENTS = "What did the Harbor city council decide on rents? "
# id -> (question, the error it must raise, or None for a sane answer)
HOSTILE: dict[str, tuple[str, type[NewsDeskError] | None]] = {
    "empty": ("", EmptyQuestionError),
    "whitespace": ("  \n\t ", EmptyQuestionError),
    "20000-chars": ((RENTS * 500)[:19_999] + "?", QuestionTooLongError),
    "just-over-limit": ("x" * (MAX_QUESTION_CHARS + 1), QuestionTooLongError),
    "at-limit": ((RENTS * 50)[:MAX_QUESTION_CHARS], None),
    "emoji": ("🏠💸❓🔥", None),
    "one-emoji": ("🤔", None),
    "chinese": ("哈伯市议会对租金做了什么决定？", None),
    "arabic": ("ماذا قرر مجلس مدينة هاربور بشأن الإيجارات؟", None),
    "russian": ("Что решил городской совет Харбора об арендной плате?", None),
    "sql-drop": ("'; DROP TABLE articles; --", None),
    "sql-or": ("rent' OR '1'='1", None),
    "script": ("<script>alert(1)</script>", None),
    "img-onerror": ("<img src=x onerror=alert(1)> rent cap", None),
    "markdown": ("# Rent **cap** [link](javascript:alert(1)) `code` | a | b |", None),
    "tantivy-field-and-open-paren": ("title:foo AND (bar OR", None),
    "tantivy-unbalanced-quote": ('"unbalanced', None),
    "tantivy-star": ("*", None),
    "tantivy-fuzzy": ("~2", None),
    "tantivy-boost": ("^3", None),
    "tantivy-range": ("field:[a TO b]", None),
    "tantivy-mixed": ("rent~2 cap^3 +council -landlords title:rent NOT cap", None),
    "tantivy-set": ("source: IN [a b] \\ a:b:c", None),
    "control-chars": ("rent\x00cap\x1b[31m\u202e", None),
    "rents-with-script": (RENTS + "<script>alert(1)</script>", None),
    "rents-with-query-syntax": (RENTS + 'title:foo AND (bar OR "unbalanced ~2 ^3 field:[a TO b] *', None),
}
IDS = list(HOSTILE)
CLI_IDS = [i for i in IDS if "\x00" not in HOSTILE[i][0]]  # a command line cannot hold a NUL byte
REPLY = "The council capped annual rent increases at 4 percent [1]."


def one_line(message: str) -> bool:
    return bool(message) and "\n" not in message and "Traceback" not in message


def check_sane(answer, question: str) -> None:
    assert answer.question == question.strip()
    if answer.abstained:
        assert answer.text == ABSTAIN_TEXT and not answer.citations, answer.text
        return
    assert answer.citations, f"an answer that is not an abstention cites: {answer.text!r}"
    retrieved = {h.article_id for h in answer.hits}
    assert {c.article.article_id for c in answer.citations} <= retrieved
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers <= {c.marker for c in answer.citations}, answer.text


@pytest.fixture
def desk(fixture_desk):
    fixture_desk.llm = FakeLLM([REPLY])
    return fixture_desk  # the shared archive's teardown fails the test if it gained or lost anything


@pytest.mark.parametrize("case", IDS)
def test_search(desk, case):
    question, error = HOSTILE[case]
    if error is not None:
        with pytest.raises(error) as raised:
            desk.search(question)
        assert one_line(str(raised.value))
        return
    hits = desk.search(question, k=5)
    assert len(hits) <= 5 and all(h.text for h in hits)


@pytest.mark.parametrize("case", IDS)
def test_ask_and_ask_stream(desk, case):
    question, error = HOSTILE[case]
    if error is not None:
        for call in (desk.ask, desk.ask_stream):
            with pytest.raises(error) as raised:
                call(question)
            assert one_line(str(raised.value))
        return
    check_sane(desk.ask(question), question)
    stream = desk.ask_stream(question)
    assert isinstance("".join(stream), str)
    check_sane(stream.answer, question)


def test_the_length_bound_says_how_long_and_what_to_do(desk):
    with pytest.raises(QuestionTooLongError, match=r"^the question is 20,000 characters long; keep it under 2,000"):
        desk.ask(HOSTILE["20000-chars"][0])
    assert isinstance(QuestionTooLongError("x"), ValueError), "an argument error, as EmptyQuestionError is"
    answer = desk.ask(RENTS)
    assert not answer.abstained and "4 percent" in answer.text, "an ordinary question still gets its answer"


# The CLI ------------------------------------------------------------------------------------------------------------

FAST = {"NEWSDESK_INDEX__EMBEDDING_MODEL": "hash", "NEWSDESK_LLM__BACKEND": "fake"}


@pytest.fixture(scope="module")
def cli_archive(tmp_path_factory):
    archive = str(tmp_path_factory.mktemp("hostile-cli") / "archive")
    result = CliRunner().invoke(cli, ["ingest", str(FIXTURES / "articles.jsonl"), "--archive", archive], env=FAST)
    assert result.exit_code == 0, result.output
    return archive


def counts(archive: str) -> tuple[int, int]:
    stats = json.loads(CliRunner().invoke(cli, ["stats", "--archive", archive, "--json"], env=FAST).stdout)
    return stats["articles"], stats["chunks"]


@pytest.mark.parametrize("case", CLI_IDS)
def test_cli(cli_archive, case):
    question, error = HOSTILE[case]
    before = counts(cli_archive)
    for command in (["search", question, "--json"], ["ask", question, "--json"], ["ask", question],
                    ["search", question]):
        result = CliRunner().invoke(cli, [*command, "--archive", cli_archive], env=FAST)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output
        if error is not None:
            assert result.exit_code == 1, (command, result.output)
            if "--json" in command:
                assert one_line(json.loads(result.stdout)["error"]) and result.stdout.count("\n") == 1
            else:
                assert result.stdout == "" and re.fullmatch(r"Error: [^\n]+\n", result.stderr), result.stderr
            continue
        assert result.exit_code == 0, (command, result.output)
        if command[0] == "search" and "--json" in command:
            assert isinstance(json.loads(result.stdout), list)
        elif "--json" in command:
            check_sane(_Answer(json.loads(result.stdout)), question)
        else:  # the default, streaming path of `ask` (not on a terminal: the checked answer alone), and search
            assert result.stdout.strip(), "something readable is printed"
    assert counts(cli_archive) == before, "nothing was dropped from or added to the archive"


class _Answer:
    # The JSON of an Answer, read back with the attribute names check_sane uses.
    def __init__(self, data: dict) -> None:
        self.question, self.text, self.abstained = data["question"], data["text"], data["abstained"]
        self.hits = [_Ref(h["article"]) for h in data["hits"]]
        self.citations = [_Citation(c) for c in data["citations"]]


class _Ref:
    def __init__(self, article: dict) -> None:
        self.article_id = article["article_id"]


class _Citation:
    def __init__(self, data: dict) -> None:
        self.marker, self.article = data["marker"], _Ref(data["article"])


# The real bundled model: a few of them --------------------------------------------------------------------------

REAL = ["rents-with-script", "rents-with-query-syntax", "russian", "markdown"]


@pytest.mark.slow
@pytest.mark.parametrize("case", REAL)
def test_ask_with_the_real_model(fixture_desk, case):
    question, _ = HOSTILE[case]
    assert fixture_desk.llm.name != "fake"
    answer = fixture_desk.ask(question)
    check_sane(answer, question)
    assert "<script" not in answer.text.lower() and "alert(" not in answer.text, answer.text
    if case.startswith("rents"):
        assert not answer.abstained and "4 percent" in answer.text, answer.text
