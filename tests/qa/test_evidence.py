"""Selecting the sentences the model reads."""

from datetime import datetime, timezone

from index.chunking import count_tokens
from index.embedding import HashEmbedder
from index.reference import ArticleRef
from index.text import split_sentences
from qa.answering.evidence import select_evidence
from qa.types import Hit

ARTICLE = (
    "WASHINGTON (Reuters) - The U.S. Senate voted 52-48 on Tuesday to pass the climate bill. "
    "It now goes to the House. "
    "Mr. Lee, a senator from Ohio, said he was pleased. "
    "Separately, the weather in Ohio was mild. "
    "Farm groups said the bill's biofuel credits were welcome."
)


def _hit(article_id: str, text: str, start: int, rank: int) -> Hit:
    ref = ArticleRef(article_id=article_id, title="Senate passes climate bill", source="Reuters",
                     published_at=datetime(2022, 8, 7, tzinfo=timezone.utc))
    return Hit(rank=rank, chunk_id=f"{article_id}:{rank}", article=ref, text=text, start=start,
               end=start + len(text), score=1 / rank)


def test_sentences_keep_offsets_and_survive_abbreviations():
    sentences = split_sentences(ARTICLE, offset=10)
    assert [s.text[:12] for s in sentences] == ["WASHINGTON (", "It now goes ", "Mr. Lee, a s", "Separately, ",
                                                "Farm groups "]
    assert all(ARTICLE[s.start - 10:s.end - 10] == s.text for s in sentences)


def test_the_relevant_sentence_and_its_neighbours_are_chosen_within_budget():
    [source] = select_evidence("How did the Senate vote on the climate bill?", [_hit("a", ARTICLE, 0, 1)],
                               HashEmbedder(), budget_tokens=60, neighbours=1)
    texts = [s.text for s in source.sentences]
    assert texts[0].startswith("WASHINGTON") and "It now goes to the House." in texts
    assert "Separately, the weather in Ohio was mild." not in texts
    assert count_tokens(source.block) <= 60 + 5
    assert source.block.startswith("[1] Reuters, 2022-08-07: Senate passes climate bill\n")


def test_passages_of_one_article_share_a_marker_and_overlaps_are_not_repeated():
    first, second = ARTICLE[:120], ARTICLE[60:]
    other = _hit("b", "Farm groups in Iowa said little about the Senate vote.", 0, 3)
    sources = select_evidence("Senate climate bill vote", [_hit("a", first, 0, 1), _hit("a", second, 60, 2), other],
                              HashEmbedder(), budget_tokens=500)
    assert [(s.marker, s.hit.article_id) for s in sources] == [(1, "a"), (2, "b")]
    starts = [s.start for s in sources[0].sentences]
    assert starts == sorted(set(starts))
    assert all(ARTICLE[s.start:s.end] == s.text for s in sources[0].sentences)


def test_max_sources_limits_the_articles_shown():
    hits = [_hit(f"a{i}", f"The Senate voted on bill number {i}.", 0, i) for i in range(1, 7)]
    sources = select_evidence("Senate vote", hits, HashEmbedder(), max_sources=3)
    assert [s.hit.article_id for s in sources] == ["a1", "a2", "a3"]
