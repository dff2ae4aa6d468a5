"""Who said what: speaker questions, alias lists, statement extraction, and the sample archive end to end."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from index.loaders import Loaded, load
from index.reference import ArticleRef
from qa import Desk, Settings, sample_archive_path
from qa.errors import SettingsError
from qa.speakers.aliases import BUNDLED_ALIASES, load_aliases
from qa.speakers.questions import SpeakerQuery, parse_speaker_question, speaker_search_text
from qa.speakers.statements import extract_statements, statement_score, statements_from_hits
from qa.types import Hit

RUSSIA = tuple(load_aliases()["Russia"])

# ------------------------------------------------------------------------------------------ detection


@pytest.mark.parametrize(
    ("question", "speaker", "topic", "must_include"),
    [
        ("What has Russia said about US strikes?", "Russia", "US strikes", {"Kremlin", "Peskov", "TASS"}),
        ("What did the Kremlin say about the ceasefire?", "Kremlin", "the ceasefire", {"Russia", "Putin"}),
        ("How has China responded to the sanctions?", "China", "the sanctions", {"Beijing", "Xinhua"}),
        ("What is Zelensky saying about peace talks?", "Zelensky", "peace talks", {"Zelenskyy", "Zelenskiy"}),
        ("What did Biden say on inflation?", "Biden", "inflation", {"Joe Biden"}),
        ("Russia's reaction to the Nord Stream explosions", "Russia", "the Nord Stream explosions", {"Kremlin"}),
        ("statements by NATO on Finland's membership", "NATO", "Finland's membership", {"Stoltenberg"}),
        ("What was Iran's response to the strikes?", "Iran", "the strikes", {"Araghchi", "Tehran"}),
        ("What have Russian officials said about grain exports?", "Russian officials", "grain exports", {"Lavrov"}),
        ("What's the US saying about Taiwan?", "US", "Taiwan", {"United States", "Blinken"}),
        ("Did the UN say anything about the refugees?", "UN", "the refugees", {"Guterres"}),
        ("Tell me what Turkey has said about the grain deal", "Turkey", "the grain deal", {"Erdogan"}),
        ("What did WHO say about monkeypox?", "WHO", "monkeypox", {"Tedros", "World Health Organization"}),
    ],
)
def test_speaker_questions_are_recognised_and_expanded(question, speaker, topic, must_include):
    sq = parse_speaker_question(question)
    assert sq is not None, question
    assert (sq.speaker, sq.topic) == (speaker, topic)
    assert must_include <= set(sq.aliases), f"{question}: missing {must_include - set(sq.aliases)}"
    assert sq.aliases[0] == speaker, "the name the question uses comes first"


def test_a_person_inside_a_country_list_stands_for_that_person_only():
    sq = parse_speaker_question("What did Dmitry Peskov say about the strikes?")
    assert sq is not None and sq.speaker == "Dmitry Peskov"
    assert "Peskov" in sq.aliases and "Lavrov" not in sq.aliases, "Peskov's words, not all of Russia's"
    sq = parse_speaker_question("What did Zakharova say about the strikes?")
    assert sq == SpeakerQuery(speaker="Zakharova", aliases=("Zakharova",), topic="the strikes")


def test_unknown_speakers_count_when_they_look_like_speakers():
    assert parse_speaker_question("What did Acme Corp say about the recall?") == SpeakerQuery(
        speaker="Acme Corp", aliases=("Acme Corp",), topic="the recall"
    )
    assert parse_speaker_question("What did police say about the shooting?") == SpeakerQuery(
        speaker="police", aliases=("police",), topic="the shooting"
    )


@pytest.mark.parametrize(
    "question",
    [
        "When did the US strike Iran?",
        "What is the name of the IAEA chief?",
        "What did the report say about inflation?",  # a document, better answered as an ordinary question
        "What does the law say about strikes?",
        "What did he say about the ceasefire?",  # no referent
        "What are people saying about the new phone?",
        "How did markets react to the ceasefire?",
        "Markets' reaction to the ceasefire",
        "Who said Iran would retaliate?",
        "What happened after Russia said it would withdraw?",
        "How many missiles did Iran fire?",
        "What did Russia do after the strikes?",
        "Which countries condemned the strikes?",
        "",
    ],
)
def test_ordinary_questions_are_not_speaker_questions(question):
    assert parse_speaker_question(question) is None


def test_search_text_adds_the_main_aliases_to_the_topic():
    sq = parse_speaker_question("What has Russia said about US strikes?")
    assert speaker_search_text(sq) == "US strikes Russia Kremlin Moscow Putin Peskov Lavrov"
    assert speaker_search_text(sq, max_aliases=2) == "US strikes Russia Kremlin"
    assert speaker_search_text(SpeakerQuery(speaker="Acme", aliases=("Acme",), topic="")) == "Acme"


# ---------------------------------------------------------------------------------------------- aliases


def test_bundled_aliases_cover_the_usual_2022_speakers():
    aliases = load_aliases()
    for name in [
        "Russia", "Ukraine", "United States", "China", "Iran", "Israel", "United Kingdom", "France", "Germany",
        "North Korea", "Turkey", "India", "Saudi Arabia", "United Nations", "NATO", "European Union",
        "World Health Organization",
    ]:  # fmt: skip
        assert len(aliases[name]) >= 5, name
    russia = set(aliases["Russia"])
    assert {"Kremlin", "Moscow", "Putin", "Peskov", "Lavrov", "Zakharova", "TASS", "RIA Novosti"} <= russia
    assert {"Russian foreign ministry", "Russian defence ministry", "Russian defense ministry"} <= russia
    assert aliases["Kremlin"][0] == "Kremlin" and set(aliases["Kremlin"]) == russia, "a pointer shares the list"
    assert set(aliases["UK"]) == set(aliases["United Kingdom"])
    assert all(isinstance(v, list) and v and v[0] == k for k, v in aliases.items()), "every entry starts with itself"


def test_user_file_adds_and_replaces_entries(tmp_path):
    extra = tmp_path / "mine.json"
    extra.write_text(
        json.dumps(
            {
                "_note": "comments are skipped",
                "Brazil": ["Brazil", "Lula", "Itamaraty"],
                "Planalto": "Brazil",
                "russia": ["Russia", "Kremlin", "Shoigu"],
            }
        ),
        encoding="utf-8",
    )
    aliases = load_aliases(extra)
    assert aliases["Brazil"] == ["Brazil", "Lula", "Itamaraty"]
    assert aliases["Planalto"] == ["Planalto", "Brazil", "Lula", "Itamaraty"]
    assert "Russia" not in aliases and aliases["russia"] == ["russia", "Kremlin", "Shoigu"], "user entry replaces"
    assert aliases["Moscow"] == ["Moscow", "Russia", "Kremlin", "Shoigu"], "bundled pointers follow the user's list"
    assert aliases["China"] == load_aliases()["China"]
    sq = parse_speaker_question("What has Planalto said about the election?", aliases)
    assert sq is not None and "Lula" in sq.aliases


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('["Russia"]', "must be a JSON object"),
        ('{"Brazil": []}', "entry 'Brazil' must be a non-empty list"),
        ('{"Brazil": ["Lula", 3]}', "entry 'Brazil' must be a non-empty list"),
        ('{"Planalto": "Brasil"}', "entry 'Planalto' points to 'Brasil', which is not an entry"),
    ],
)
def test_bad_user_file_names_the_file_and_the_problem(tmp_path, content, problem):
    bad = tmp_path / "speakers.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match="speakers.json") as info:
        load_aliases(bad)
    message = str(info.value)
    assert problem in message and str(bad) in message and "\n" not in message, message


def test_missing_user_file(tmp_path):
    with pytest.raises(SettingsError, match=r"nope\.json: no such speakers file"):
        load_aliases(tmp_path / "nope.json")


def test_bundled_file_ships_with_the_package():
    assert BUNDLED_ALIASES.is_file()
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert "speakers/data/*.json" in pyproject["tool"]["setuptools"]["package-data"]["qa"]


# ------------------------------------------------------------------------------------------- statements


def mentions(text: str, aliases=RUSSIA) -> list[tuple[str, str]]:
    return [(s.speaker_mention, s.text) for s in extract_statements(text, aliases)]


def test_quotation_attributed_before_or_after_the_quote():
    text = '"This is a flagrant violation," Zakharova said. "We will respond," said Kremlin spokesman Dmitry Peskov.'
    found = extract_statements(text, RUSSIA)
    assert [(s.speaker_mention, s.score) for s in found] == [
        ("Zakharova", 1.0),
        ("Kremlin spokesman Dmitry Peskov", 1.0),
    ]
    assert all(text[s.start : s.end] == s.text for s in found)


def test_reported_speech_and_according_to():
    text = (
        "Lavrov told reporters in Moscow that the talks had failed. "
        "Three drones were shot down over Belgorod, according to the Russian defence ministry. "
        "The figures could not be verified, according to TASS."
    )
    found = extract_statements(text, RUSSIA)
    assert [s.speaker_mention for s in found] == ["Lavrov", "Russian defence ministry", "TASS"]
    assert [s.score for s in found] == [0.85, 0.8, 0.8]


def test_a_quotation_spanning_sentences_stays_one_statement_and_a_following_quote_continues_it():
    text = '"The strikes are illegal. They must stop," Lavrov said. Peskov agreed. "It is madness."'
    found = extract_statements(text, ("Lavrov",))
    assert [(s.text, s.score) for s in found] == [('"The strikes are illegal. They must stop," Lavrov said.', 1.0)]
    found = extract_statements('Zakharova said the strikes were illegal. "They must stop at once."', RUSSIA)
    assert [s.text for s in found] == ["Zakharova said the strikes were illegal.", '"They must stop at once."']


def test_pronouns_and_the_ministry_continue_a_statement_until_someone_else_speaks():
    text = (
        "Russia's foreign ministry condemned the strikes. In a statement, the ministry said they broke the UN "
        "Charter. It called for talks. Araghchi met the Chinese envoy. He said Iran would respond."
    )
    found = extract_statements(text, RUSSIA)
    assert [s.text[:20] for s in found] == ["Russia's foreign min", "In a statement, the ", "It called for talks."]
    assert {s.speaker_mention for s in found} == {"Russia's foreign ministry"}
    assert [s.score for s in found] == [0.85, 0.7, 0.7]


@pytest.mark.parametrize(
    "text",
    [
        "Iran's foreign minister said he would travel to Moscow to meet Putin.",
        "Analysts in Moscow said the sanctions were biting.",
        "He thanked Moscow for its support and said Russia was a friend.",
        "The Kremlin did not comment. Peskov declined to comment.",
        "The Kremlin has not commented on the report.",
        "Russia's TASS news agency quoted Araghchi as saying the two sides were coordinating.",
        "Moscow-based analysts said the rouble would fall.",
        "Russia, the world's largest exporter, shipped more grain than traders said was possible.",
    ],
)
def test_mentions_that_are_not_the_speaker_speaking(text):
    assert mentions(text) == []
    assert statement_score(text, RUSSIA) < 0.5


US = tuple(load_aliases()["United States"])


@pytest.mark.parametrize(
    ("text", "aliases"),
    [
        ("Russia, a Swedish minister told the BBC, wants a veto over its neighbours.", RUSSIA),
        ("Putin may declare martial law, an analyst said. He added that the rouble would fall.", RUSSIA),
        ("Peskov spoke on Monday. The official told reporters that Washington was to blame.", RUSSIA),
        ("Putin called up 300,000 reservists.", RUSSIA),
        ("The Washington Post reported that the talks had stalled.", US),
        ("The US Open said unvaccinated players could not enter.", US),
        ("The language changed, according to a Trump campaign staffer.", US),
        # Dev archive, "What did Trump say about the FBI search?": the search is the subject, Trump only its owner.
        ("The FBI search of former President Donald Trump 's residence in Florida signaled an escalation.", US),
        ("Trump's lawyers said the search was illegal.", US),
    ],
)
def test_other_speakers_near_the_alias(text, aliases):
    assert mentions(text, aliases) == []


def test_a_quotation_continues_only_a_statement_and_only_when_unattributed():
    text = 'Peskov said the talks were over. "Nobody wants escalation," a Western diplomat said. "It is madness."'
    assert [s.text for s in extract_statements(text, RUSSIA)] == ["Peskov said the talks were over."]
    text = 'Peskov flew to Minsk. "Nobody wants escalation."'
    assert extract_statements(text, RUSSIA) == []


def test_an_announcement_by_the_speaker_counts_less_than_a_statement():
    found = extract_statements("The ceasefire announced by Trump held overnight.", US)
    assert [(s.speaker_mention, s.score) for s in found] == [("Trump", 0.6)]


def test_passive_with_the_speaker_as_agent():
    assert mentions("The strikes were condemned by Moscow as reckless.") == [
        ("Moscow", "The strikes were condemned by Moscow as reckless.")
    ]


def test_an_alias_inside_the_subject_is_not_the_speaker():
    text = "Russia's ambassador to the UN, Vassily Nebenzia, said the vote was a farce."
    assert mentions(text) == [("Vassily Nebenzia", text)]
    assert mentions(text, load_aliases()["United Nations"]) == []


def test_acronyms_match_only_in_capitals():
    assert statement_score("They told us the plan was dead.", ("US", "WHO")) == 0.0
    assert statement_score("The US said the plan was dead.", ("US",)) == 0.85
    assert statement_score("Officials who said so were fired.", ("WHO",)) == 0.0


def test_score_orders_passages_by_how_much_the_speaker_speaks():
    quoted = 'Peskov said: "Nobody wants escalation."'
    said = "Peskov said nobody wanted escalation."
    object_ = "Araghchi said he would fly to Moscow."
    mention = "Moscow is cold in winter."
    scores = [statement_score(t, RUSSIA) for t in (quoted, said, object_, mention, "Oil prices fell.")]
    assert scores == sorted(scores, reverse=True) and scores[0] == 1.0 and scores[-1] == 0.0, scores
    assert statement_score(said + " " + said.replace("Peskov", "Lavrov"), RUSSIA) == 0.9, "more statements, higher"


def test_abbreviations_do_not_split_sentences():
    text = "Mr. Peskov said the U.S. was to blame. Oil rose."
    assert [(s.start, s.end) for s in extract_statements(text, RUSSIA)] == [(0, 38)]
    text = "Sen. Warren said Mr. Peskov was wrong. On Jan. 5, Peskov told Gen. Milley the talks were over."
    assert [s.text for s in extract_statements(text, RUSSIA)] == [text[39:]]


# ----------------------------------------------------------------------------------- the sample archive

# Russian statements about the US strikes in the sample: (article, date, who, words of the sentence).
EXPECTED = [
    ("sample-003", "2025-06-22", "Russia's foreign ministry", "condemned the US bombing of Iranian nuclear sites"),
    ("sample-003", "2025-06-22", "Russia's foreign ministry", "a flagrant violation of international law"),
    ("sample-003", "2025-06-22", "Medvedev", "drawn the United States into a new war"),
    ("sample-006", "2025-06-23", "Vassily Nebenzia", "condemned the strikes as an attack on a sovereign state"),
    ("sample-006", "2025-06-23", "Vassily Nebenzia", "Washington had opened a Pandora's box"),
    ("sample-007", "2025-06-23", "Peskov", "the US strikes had pushed the escalation into a new spiral"),
    ("sample-008", "2025-06-23", "Putin", '"absolutely unprovoked aggression"'),
    ("sample-014", "2025-06-26", "Russia's foreign ministry", "an irresponsible decision and a flagrant violation"),
    ("sample-014", "2025-06-26", "Kremlin spokesman Dmitry Peskov", "the strikes had escalated the conflict"),
]


def found_in(statements: list[tuple[str, str, str, str]], expected: tuple[str, str, str, str]) -> bool:
    article, date, who, words = expected
    return any(a == article and d == date and w == who and words in t for a, d, w, t in statements)


def test_sample_articles_give_the_russian_statements_with_their_dates():
    sq = parse_speaker_question("What has Russia said about US strikes?")
    assert sq is not None
    articles = [item.article for item in load([sample_archive_path()]) if isinstance(item, Loaded)]
    assert len(articles) == 14
    statements = [
        (a.article_id, a.published_at.date().isoformat(), s.speaker_mention, s.text)
        for a in articles
        for s in extract_statements(a.text, sq.aliases)
    ]
    missing = [e for e in EXPECTED if not found_in(statements, e)]
    assert not missing, missing
    lowered = [alias.lower() for alias in sq.aliases]
    strangers = [s for s in statements if not any(alias in s[2].lower() for alias in lowered)]
    assert not strangers, f"every statement is by a Russian voice: {strangers}"
    by_article = {a for a, *_ in statements}
    assert by_article.isdisjoint({"sample-002", "sample-004", "sample-005", "sample-009", "sample-010"}), (
        "articles where Russia is only mentioned, or absent, hold no Russian statements"
    )


def test_sample_archive_through_retrieval(tmp_path):
    settings = Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"})
    desk = Desk.open(tmp_path / "archive", settings, create=True)
    assert desk.ingest([sample_archive_path()]).added == 14
    sq = parse_speaker_question("What has Russia said about US strikes?")
    assert sq is not None
    hits = desk.search(speaker_search_text(sq), k=20, as_of=datetime(2025, 6, 27, tzinfo=timezone.utc))
    found = statements_from_hits(hits, sq.aliases)
    listed = [(s.article_id, s.article.date, s.speaker_mention, s.text) for s in found]
    missing = [e for e in EXPECTED if not found_in(listed, e)]
    assert not missing, missing
    assert [s.article.published_at for s in found] == sorted(s.article.published_at for s in found), "oldest first"
    assert len({(s.article_id, s.start) for s in found}) == len(found), "overlapping chunks give each sentence once"
    for s in found:
        article = desk.article(s.article_id)
        assert article is not None and article.text[s.start : s.end] == s.text, "offsets point into the article"
        assert s.article.source == "newsdesk sample"


def test_statements_from_hits_dedupes_and_sorts():
    early = datetime(2025, 6, 22, tzinfo=timezone.utc)
    late = datetime(2025, 6, 23, tzinfo=timezone.utc)
    text = "Peskov said talks were over. Oil fell."

    def hit(chunk_id: str, when: datetime | None, start: int) -> Hit:
        article = chunk_id.split(":")[0]
        return Hit(rank=1, chunk_id=chunk_id, article=ArticleRef(article_id=article, published_at=when), text=text,
                   start=start, end=start + len(text), score=1.0)  # fmt: skip

    found = statements_from_hits([hit("b:0", late, 0), hit("a:1", early, 50), hit("b:1", late, 0), hit("c:0", None, 0)],
                                 ["Peskov"])  # fmt: skip
    assert [(s.article_id, s.start, s.article.date) for s in found] == [("a", 50, "2025-06-22"), ("b", 0, "2025-06-23"),
                                                                ("c", 0, "undated")]  # fmt: skip
