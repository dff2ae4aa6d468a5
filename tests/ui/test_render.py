"""How the CLI shows passages and answers."""

from datetime import UTC, datetime

from index.reference import ArticleRef
from qa.types import Answer, AnswerSentence, Hit
from ui.render import render_answer, render_hit


def _hit(headline_only: bool) -> Hit:
    ref = ArticleRef(article_id="a", title="Petro wins", source="AP", headline_only=headline_only,
                     published_at=datetime(2022, 6, 20, tzinfo=UTC))
    return Hit(rank=1, chunk_id="a:0", article=ref, text="Petro wins", start=0, end=10, score=0.5)


def test_a_headline_only_item_says_so():
    assert "Petro wins (headline only)" in render_hit(_hit(True))
    assert "(headline only)" not in render_hit(_hit(False))


def test_a_lead_already_printed_is_not_printed_again():
    lead = AnswerSentence(text="“Petro won the runoff.” [1]", markers=[1], supported=True)
    answer = Answer(question="Who won?", text="“Petro won the runoff.” [1] Petro won [1].", lead=lead)
    assert render_answer(answer).startswith("“Petro won the runoff.” [1] Petro won [1].")
    assert render_answer(answer, lead_shown=True).startswith("Petro won [1].")
