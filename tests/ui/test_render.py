"""How answers and passages are shown: on the command line (ui.render) and in the web chat (ui.chat_*)."""

from datetime import UTC, datetime

from index.reference import ArticleRef
from qa.types import Answer, AnswerSentence, Citation, Hit, Span
from ui.chat_cards import TurnSources, citation_card, sources_panel, turn_sources
from ui.chat_render import answer_html, draft_html, lead_html, left_out_html, renumber
from ui.chat_text import readable
from ui.render import render_answer, render_hit

HERALD = ArticleRef(article_id="fx-1", title="Harbor <caps> rents", source="Harbor Herald",
                    url="https://harborherald.example/rent-cap", published_at=datetime(2024, 2, 6, 18, tzinfo=UTC))


def _hit(headline_only: bool) -> Hit:
    ref = ArticleRef(article_id="a", title="Petro wins", source="AP", headline_only=headline_only,
                     published_at=datetime(2022, 6, 20, tzinfo=UTC))
    return Hit(rank=1, chunk_id="a:0", article=ref, text="Petro wins", start=0, end=10, score=0.5)


def _citation(marker: int, ref: ArticleRef = HERALD, spans: tuple[str, ...] = ()) -> Citation:
    quote = "The council voted 7-2 to cap rents at 4 percent. Mayor Lena Ortiz said the cap starts in March."
    return Citation(marker=marker, chunk_id=f"{ref.article_id}:0", article=ref, quote=quote, start=0, end=len(quote),
                    spans=[Span(start=0, end=len(s), text=s) for s in spans])


def test_a_headline_only_item_says_so():
    assert "Petro wins (headline only)" in render_hit(_hit(True))
    assert "(headline only)" not in render_hit(_hit(False))


def test_a_lead_already_printed_is_not_printed_again():
    lead = AnswerSentence(text="“Petro won the runoff.” [1]", markers=[1], supported=True)
    answer = Answer(question="Who won?", text="“Petro won the runoff.” [1] Petro won [1].", lead=lead)
    assert render_answer(answer).startswith("“Petro won the runoff.” [1] Petro won [1].")
    assert render_answer(answer, lead_shown=True).startswith("Petro won [1].")


def test_markers_are_renumbered_in_citing_order_and_cards_follow():
    other = ArticleRef(article_id="fx-7", title="Cap delayed", source="Harbor Herald")
    answer = Answer(question="?", text="Rents are capped [4]. The start moved [2] [9].",
                    citations=[_citation(2, other), _citation(4)])
    numbered = renumber(answer)
    assert numbered.text == "Rents are capped [1]. The start moved [2].", "[9] cites nothing checkable: dropped"
    assert [(n, c.article.article_id) for n, c in numbered.citations] == [(1, "fx-1"), (2, "fx-7")]
    cards = turn_sources(answer, 3, "?").cards
    assert cards.index('id="nd-c-3-1"') < cards.index("Harbor &lt;caps&gt; rents") < cards.index('id="nd-c-3-2"')


def test_the_answer_links_each_marker_to_its_card_and_escapes_the_text():
    answer = Answer(question="?", text="Rents <b>are</b> capped [3, 5].", citations=[_citation(3), _citation(5)])
    shown = answer_html(answer, 2)
    assert shown == ('<div class="nd-answer nd-final"><p>Rents &lt;b&gt;are&lt;/b&gt; capped '
                     '<a class="nd-marker" href="#nd-c-2-1" title="Show source 1">[1]</a>'
                     '<a class="nd-marker" href="#nd-c-2-2" title="Show source 2">[2]</a>.</p></div>')


def test_a_speakers_statements_become_a_list_with_blank_lines_nowhere():
    text = "What Russia said about US strikes, oldest first:\n- 2025-06-22: “Condemned” [2]\n- 2025-06-23: “Spiral” [4]"
    shown = answer_html(Answer(question="?", text=text, citations=[_citation(2), _citation(4)]), 1)
    assert "<ul><li>2025-06-22: “Condemned” <a" in shown and 'href="#nd-c-1-2"' in shown
    assert "\n\n" not in shown, "a blank line would end the HTML block and let Markdown read the rest"


def test_an_abstention_shows_only_its_verdict():
    answer = Answer(question="?", text="The archive does not answer this question.", abstained=True,
                    reason="no passage supports the model's answer 'Rents fell'")
    assert "Rents fell" not in answer_html(answer, 1), "the rejected words are never shown as the answer"


def test_the_lead_and_the_draft_are_marked_for_what_they_are():
    assert lead_html("“The council voted 7-2.” [3]") == (
        '<div class="nd-answer nd-lead"><p>“The council voted 7-2.” <span class="nd-marker-plain">[1]</span></p></div>')
    assert draft_html(" Rents <fell> ") == '<div class="nd-draft">Rents &lt;fell&gt;</div>'


def test_left_out_sentences_are_struck_with_their_reason():
    answer = Answer(question="?", text="Rents are capped [1].", sentences=[
        AnswerSentence(text="Rents are capped [1].", markers=[1], supported=True),
        AnswerSentence(text="Landlords cheered [2].", markers=[2], supported=False, reason="no source says so")])
    assert left_out_html(answer) == ("<ul class=\"nd-left-out\"><li><s>Landlords cheered.</s> "
                                     "<span class='nd-why'>no source says so</span></li></ul>")
    assert left_out_html(answer.model_copy(update={"sentences": answer.sentences[:1]})) is None


def test_a_card_shows_date_source_linked_title_and_the_support_highlighted():
    card = citation_card(_citation(4, spans=("The council voted 7-2  to cap rents at 4 percent.",
                                             "Landlords sued on Friday.")), 1, 5)
    assert card.startswith('<article class="nd-card" id="nd-c-5-1" tabindex="-1">')
    assert '<time class="nd-date" datetime="2024-02-06">6 Feb 2024</time>' in card
    assert '<span class="nd-source">Harbor Herald</span>' in card
    assert '<a href="https://harborherald.example/rent-cap" target="_blank"' in card
    assert "<mark>The council voted 7-2 to cap rents at 4 percent.</mark> Mayor Lena Ortiz" in card
    assert "Supporting sentence: <mark>Landlords sued on Friday.</mark>" in card, "support outside the passage"


def test_only_web_links_are_links():
    sneaky = HERALD.model_copy(update={"url": "javascript:alert(1)", "published_at": None})
    card = citation_card(_citation(1, sneaky), 1, 1)
    assert "javascript:" not in card and "<a " not in card
    assert '<span class="nd-date nd-undated">undated</span>' in card


def test_an_abstention_lists_the_closest_passages_as_uncited():
    hit = _hit(False)
    shown = turn_sources(Answer(question="?", text="No.", abstained=True, hits=[hit]), 1, "Who won?").cards
    assert "Nothing is cited" in shown and '<article class="nd-card nd-uncited">' in shown and "Petro wins" in shown


def test_the_panel_shows_the_newest_sources_open_and_folds_the_rest():
    panel = sources_panel([TurnSources(1, "First?", "<i>one</i>"), TurnSources(2, "Second <b>?</b>", "<i>two</i>")])
    assert panel.startswith('<section class="nd-turn" id="nd-turn-2"><h3>Sources for “Second &lt;b&gt;?&lt;/b&gt;”')
    assert '<details class="nd-turn" id="nd-turn-1"><summary>Sources for “First?”</summary><i>one</i>' in panel


def test_errors_never_show_a_path():
    message = readable("archive /tmp/pytest-7/archive holds no articles yet; run `newsdesk ingest FILES` first")
    assert message == "archive (a folder on the server) holds no articles yet; run `newsdesk ingest FILES` first"
    assert readable(r"model file C:\Users\ann\m.gguf not found") == "model file (a folder on the server) not found"
