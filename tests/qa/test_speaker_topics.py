"""Speaker questions list only statements about the topic: heads, qualifiers ("US" vs "Israeli"), and the answer
when fewer than two statements are on the topic. Topic reading is unit-tested; the decisions go through small
invented articles with the real MiniLM embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.reference import ArticleRef
from qa import FakeLLM
from qa.speakers import parse_speaker_question, topical_statements
from qa.speakers.topics import match_topic, parse_topic, stem
from qa.types import Hit

TOPIC_ARTICLES = Path(__file__).parents[1] / "fixtures" / "speaker_topics.jsonl"

# ------------------------------------------------------------------------------------------ reading the topic


@pytest.mark.parametrize(
    ("topic", "phrases"),
    [
        ("Pelosi's visit to Taiwan", [("visit", ("Pelosi",))]),
        ("US strikes", [("strikes", ("US",))]),
        ("the Israeli strikes on Iran", [("strikes", ("Israeli",))]),
        ("strikes by Israel", [("strikes", ("Israel",))]),
        ("the Nord Stream explosions", [("explosions", ("Nord Stream",))]),
        ("China's military drills and the US response", [("drills", ("China",)), ("response", ("US",))]),
        ("Taiwan", [("Taiwan", ())]),
        ("the latest sanctions on Russia", [("sanctions", ())]),
    ],
)
def test_a_topic_is_cut_into_heads_and_qualifiers(topic, phrases):
    assert [(p.head, p.qualifiers) for p in parse_topic(topic).phrases] == phrases


def test_word_families_and_news_synonyms_name_the_head():
    assert stem("struck") == stem("strikes") == stem("strike")
    strikes = parse_topic("US strikes")
    for text in ["The US attack was illegal.", "The US bombing was illegal.", "US jets struck the site."]:
        assert match_topic(strikes, text).head, text
    visit = parse_topic("Pelosi's visit to Taiwan")
    assert match_topic(visit, "Pelosi's trip was a provocation.").head
    assert not match_topic(visit, "Taiwan is an inalienable part of China.").head


def test_another_entity_qualifying_the_head_contradicts_the_topic():
    us = parse_topic("US strikes")
    for text in [
        "Russia condemned the Israeli strikes as unprovoked.",
        "Putin had condemned Israel's earlier air strikes.",
        "Russia condemned the strikes by Israel.",
        # The statement's own "Israeli raid" says which strikes "the strikes" are.
        "After the Israeli raid on Natanz, the ministry called the strikes illegal.",
    ]:
        assert match_topic(us, text).conflict in {"Israeli", "Israel"}, text
    for text in [
        "Russia condemned the US and Israeli strikes.",  # the topic's own qualifier is named too
        "Russia condemned the American strikes.",  # same entity, other name
        "Russia condemned the Trump administration's strikes.",
        "Russia condemned the strikes.",
    ]:
        assert match_topic(us, text).conflict is None, text
    visit = parse_topic("Pelosi's visit to Taiwan")
    assert match_topic(visit, "China said Wang Yi's visit to Fiji was a success.").conflict == "Wang Yi"


def test_qualifiers_must_be_named_in_the_statement_or_just_before_it():
    us = parse_topic("US strikes")
    bare = "Russia condemned the strikes as illegal."
    assert not match_topic(us, bare).qualified, "whose strikes is unknown"
    assert match_topic(us, bare, context="US bombers hit Fordow on Sunday.").qualified
    assert match_topic(us, bare, title="Russia condemns US strikes on Iran").qualified
    assert match_topic(us, "He said Washington had opened a Pandora's box.").qualifier, "Washington is the US"
    visit = parse_topic("Pelosi's visit to Taiwan")
    intro = "China said Pelosi's trip must not go ahead."
    m = match_topic(visit, "“It is a grave provocation,” she said.", intro=intro)
    assert m.head and m.qualifier and m.qualified, "a quotation is read with the sentence introducing it"


# ------------------------------------------------------------------------------ through the real embedder


@pytest.fixture(scope="module")
def topic_archive(build_shared_archive):
    return build_shared_archive(TOPIC_ARTICLES)


@pytest.fixture
def desk(topic_archive):
    d = topic_archive.desk()
    d.llm = FakeLLM(["The archive does not answer this question."])
    yield d
    topic_archive.check_unchanged()


def listed(text: str, section: int = 0) -> list[str]:
    """The statement lines of one section of the answer (0: on the topic; 1: the others offered)."""
    parts = text.split("\n\n")
    return [line for line in parts[section].splitlines() if line.startswith("- ")] if section < len(parts) else []


def test_statements_about_other_strikes_are_left_out(desk):
    answer = desk.ask("What has Russia said about US strikes?")
    assert desk.llm.prompts == [], "the statement list is extractive"
    assert answer.text.startswith("What Russia said about US strikes, oldest first:\n")
    lines = listed(answer.text)
    assert len(lines) == 2 and all(line.startswith("- 2025-06-22") for line in lines), answer.text
    assert "Israeli" not in answer.text, "a statement about the Israeli strikes is not about the US strikes"
    assert len(answer.text.split("\n\n")) == 1, "two on the topic: nothing else is offered"


def test_one_statement_on_the_topic_is_said_to_be_one_and_the_others_are_labelled(desk):
    answer = desk.ask("What has Russia said about the Israeli strikes?")
    head, *_ = answer.text.splitlines()
    assert head == "I found one statement by Russia about the Israeli strikes:"
    [line] = listed(answer.text)
    assert line.startswith("- 2025-06-13") and "condemned the Israeli strikes" in line
    others = answer.text.split("\n\n")[1]
    assert others.startswith("Other statements by Russia, not about the Israeli strikes")
    assert listed(answer.text, 1) and all("2025-06-22" in o for o in listed(answer.text, 1)), "the US strikes"
    # Every line, offered or listed, quotes its cited article at the offsets given.
    for sentence in answer.sentences:
        [marker] = sentence.markers
        citation = next(c for c in answer.citations if c.marker == marker)
        assert desk.article(citation.article_id).text[sentence.support.start : sentence.support.end] == (
            sentence.support.text
        )


def test_pelosis_visit_needs_pelosi_or_the_visit_not_just_taiwan_or_china(desk):
    answer = desk.ask("What has China said about Pelosi's visit to Taiwan?")
    assert answer.text.startswith("I found one statement by China about Pelosi's visit to Taiwan:\n"), answer.text
    [line] = listed(answer.text)
    assert "visit to Taiwan by US House Speaker Nancy Pelosi" in line
    offered = "\n".join(listed(answer.text, 1))
    assert "Pacific islands" in offered and "not about Pelosi's visit to Taiwan" in answer.text, (
        "China on the Pacific islands is offered only as another subject"
    )
    assert "inalienable part" not in line, "Taiwan alone, in an article about the visit, is not the visit"


def test_no_statement_on_the_topic_says_so_and_offers_the_closest_others(desk):
    answer = desk.ask("What has China said about the grain deal?")
    assert answer.text.startswith("I found no statement by China about the grain deal.\n\n"), answer.text
    assert listed(answer.text) == [] and 1 <= len(listed(answer.text, 1)) <= 3
    assert desk.llm.prompts == []


def test_a_topic_given_as_a_place_reads_as_one(desk):
    # Asked as a new user: "I found no statement by Jerome Powell about at Jackson Hole."
    answer = desk.ask("What has China said at the United Nations?")
    assert answer.text.startswith("I found no statement by China at the United Nations.\n\n"), answer.text
    assert "not at the United Nations" in answer.text


def test_other_questions_and_silent_speakers_are_answered_the_ordinary_way(desk):
    assert parse_speaker_question("When did Pelosi land in Taipei?") is None
    desk.ask("When did Pelosi land in Taipei?")
    assert len(desk.llm.prompts) == 1, "not a speaker question: the model answers"


def test_without_a_topic_every_statement_is_listed(desk):
    sq = parse_speaker_question("What has Russia said?")
    assert sq is not None and sq.topic == ""
    hits = desk.search("Russia Kremlin Peskov", k=10)
    found = topical_statements(sq, hits, desk.embedder)
    assert len(found) == 3 and all(s.on_topic for s in found)


def test_a_statement_repeated_under_a_label_is_listed_once(desk):
    """Dev archive, "What did Trump say about the FBI search?": a USA Today page gives the same sentence twice, once
    under a summary label ("The search: …"); both were listed."""
    said = ("Monday evening, Trump confirmed the search in a statement in which he raged at a raid that amounted to "
            "the weaponization of the Justice System.")
    text = f"The search: {said} Trump also said the raid on his home was not necessary or appropriate. {said}"
    hit = Hit(rank=1, chunk_id="t:0", article=ArticleRef(article_id="t", title="FBI searches Mar-a-Lago"),
              text=text, start=0, end=len(text), score=1.0)
    sq = parse_speaker_question("What did Trump say about the FBI search?")
    found = topical_statements(sq, [hit], desk.embedder)
    assert len(found) == 2 and sum("weaponization" in s.text for s in found) == 1, [s.text for s in found]
