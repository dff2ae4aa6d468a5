"""Speaker questions over the sample archive: the Kremlin's statements, dated, quoted, cited, oldest first."""

from datetime import datetime, timezone

import pytest

from qa import EXAMPLE_QUESTION, Desk, FakeLLM, Settings, sample_archive_path


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = Desk.open(tmp_path_factory.mktemp("sample"), Settings(), create=True)
    d.ingest([sample_archive_path()])
    return d


def test_what_russia_said_is_a_dated_list_of_russian_statements(desk):
    desk.llm = FakeLLM(["must not be asked"])
    answer = desk.ask("What has Russia said about US strikes?")
    assert desk.llm.prompts == [], "the statement list is extractive"
    lines = answer.text.splitlines()[1:]
    assert len(lines) >= 3 and all(line.startswith("- 2025-06-") for line in lines)
    dates = [line[2:12] for line in lines]
    assert dates == sorted(dates) and "(latest)" in lines[-1]
    assert any("Peskov" in line for line in lines) and any("foreign ministry" in line for line in lines)
    # Every line is a quote of its cited article, at the offsets given.
    for sentence in answer.sentences:
        [marker] = sentence.markers
        citation = next(c for c in answer.citations if c.marker == marker)
        article = desk.article(citation.article_id)
        assert article.text[sentence.support.start:sentence.support.end] == sentence.support.text
        assert sentence.support.text in sentence.text


def test_the_demo_lists_statements_about_the_us_strikes_only(desk):
    assert EXAMPLE_QUESTION == "What has Russia said about US strikes?"
    answer = desk.ask(EXAMPLE_QUESTION)
    lines = answer.text.splitlines()[1:]
    assert lines[0].startswith("- 2025-06-22") and "condemned the US bombing" in lines[0], lines[0]
    israeli = [line for line in lines if "Israeli strikes" in line or "Israel's" in line]
    assert not israeli, "Russia on the Israeli strikes of 13 June is not Russia on the US strikes"


def test_as_of_keeps_later_statements_out(desk):
    answer = desk.ask("What has Russia said about US strikes?", as_of=datetime(2025, 6, 22, 20, tzinfo=timezone.utc))
    assert all(line[2:12] <= "2025-06-22" for line in answer.text.splitlines()[1:])


def test_a_speaker_with_nothing_on_record_gets_an_ordinary_answer(desk):
    desk.llm = FakeLLM(["The archive does not answer this question."])
    answer = desk.ask("What has Brazil said about US strikes?")
    assert answer.abstained or "oldest first" not in answer.text
