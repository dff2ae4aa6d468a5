"""Shared system plumbing and the newsrag and bm25 adapters on the invented archive."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from evals.datasets import Query, load_articles
from evals.systems import parse_systems
from evals.systems.base import ChoicePick, RecordingLLM, looks_like_abstention, mc_messages, pick_choice
from evals.systems.bm25_system import BM25System
from evals.systems.newsrag_system import NewsragSystem
from qa.desk import Desk
from qa.llm.base import Message

AS_OF = datetime(2022, 6, 16, 23, 59, 59, tzinfo=timezone.utc)
CHARGER = Query(qid="q", text="Which continent will require a common USB-C charging port?", as_of=AS_OF,
                choices=("Europe", "North America", "Asia", "Africa"))


def test_standalone_mc_prompt_lists_passages_question_and_letters() -> None:
    messages = mc_messages(CHARGER, ["Europe will require USB-C.", "x" * 5000], None, None)
    assert [m.role for m in messages] == ["system", "user"]
    user = messages[1].content
    assert "[1] Europe will require USB-C." in user and "x" * 1201 not in user  # long passages are cut
    assert "A. Europe\nB. North America\nC. Asia\nD. Africa" in user
    assert user.endswith("Reply with one letter (A, B, C or D) only.")
    two = Query(qid="t", text="True?", as_of=None, choices=("TRUE", "FALSE"))
    assert mc_messages(two, [], None, None)[1].content.endswith("(A or B) only.")


def test_followup_mc_prompt_continues_the_answer_conversation() -> None:
    prior = [Message(role="system", content="S"), Message(role="user", content="U")]
    messages = mc_messages(CHARGER, [], prior, "Europe [1].")
    assert messages[:2] == prior
    assert (messages[2].role, messages[2].content) == ("assistant", "Europe [1].")
    assert messages[3].role == "user" and "D. Africa" in messages[3].content


def test_pick_choice_asks_by_letter_then_by_text_on_the_same_prefix(rule_llm) -> None:  # type: ignore[no-untyped-def]
    assert pick_choice(rule_llm, Query(qid="n", text="Why?", as_of=None), ["p"]) == ChoicePick()
    assert rule_llm.prompts == []  # no choices, no prompt
    rule_llm.choice = "I think North America."
    assert pick_choice(rule_llm, CHARGER, ["Passage one."]) == ChoicePick(0, "A", 1, "I think North America.")
    letter, text = rule_llm.prompts
    assert letter[0] == text[0] and letter[1].content.startswith("Passages:\n\n[1] Passage one.")
    assert text[1].content.startswith("Passages:\n\n[1] Passage one.\n\nQuestion: Which continent")
    assert "- North America\n" in text[1].content and "B." not in text[1].content
    prior = [Message(role="system", content="S"), Message(role="user", content="U")]
    rule_llm.prompts.clear()
    pick_choice(rule_llm, CHARGER, [], prior, "Europe [1].")
    letter, text = rule_llm.prompts
    assert letter[:3] == text[:3] and len(text) == 4 and text[3].content.startswith("Question: Which continent")


def test_recording_llm_counts_and_resets(rule_llm) -> None:  # type: ignore[no-untyped-def]
    recorder = RecordingLLM(rule_llm)
    recorder.complete([Message(role="user", content="one two three")])
    assert (recorder.calls, recorder.prompt_tokens, recorder.completion_tokens) == (1, 3, 3)
    recorder.reset()
    assert (recorder.calls, recorder.last_messages, recorder.last_reply) == (0, None, None)


def test_abstention_phrases() -> None:
    for text in ("", "Empty Response", "The context does not mention a charger.", "I cannot answer that.",
                 "There is insufficient information to say."):
        assert looks_like_abstention(text), text
    assert not looks_like_abstention("Europe will require USB-C [1].")


def test_parse_systems_defaults_and_dedupes() -> None:
    assert parse_systems(None) == ["newsdesk", "llamaindex-default", "bm25", "newsrag"]
    assert parse_systems(["bm25", "bm25", "newsrag"]) == ["bm25", "newsrag"]


def test_newsrag_uses_dates_and_renumbers_its_citations(tiny, rule_llm_class) -> None:  # type: ignore[no-untyped-def]
    llm = rule_llm_class(
        answer="Europe will require a common USB-C charging port [E1]. Apple must comply [E9]. Cameras too [2]."
    )
    system = NewsragSystem(load_articles(tiny[1]), llm, progress=False)
    retrieval = system.retrieve(CHARGER)
    assert retrieval.article_ids[0] in {"charger", "charger-copy"}
    assert "heat-later" not in retrieval.article_ids and "undated" not in retrieval.article_ids
    answer = system.answer(CHARGER)
    assert answer.text.startswith("Europe will require a common USB-C charging port [1].")
    assert "[9]" in answer.text  # an unknown citation stays visible (and scores as unsupported)
    assert answer.text.endswith("Cameras too.")  # a bare [2] is no citation to newsrag: dropped
    assert [c.marker for c in answer.citations] == [1]
    assert answer.citations[0].article_id in {"charger", "charger-copy"}
    assert not answer.abstained and answer.mc_choice == 0
    assert llm.prompts[0][0].role == "user" and "SOURCE EXCERPTS" in llm.prompts[0][0].content


def test_newsrag_without_an_llm_is_retrieval_only(tiny) -> None:  # type: ignore[no-untyped-def]
    system = NewsragSystem(load_articles(tiny[1]), None, progress=False)
    assert system.can_answer is False


def test_bm25_reads_newsdesk_chunks_and_ignores_unknown_words(tiny, hash_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desk = Desk.open(tmp_path / "archive", hash_settings, create=True)
    desk.ingest([tiny[1]])
    system = BM25System(desk.store)
    assert len(system.chunks) == desk.store.chunk_count()
    assert system.retrieve(CHARGER).article_ids[0] == "charger"
    empty = system.retrieve(Query(qid="z", text="zyzzyva qwertyuiop", as_of=None))
    assert empty.article_ids == [] and empty.chunk_ids == []
    desk.close()


def test_newsdesk_streams_its_answer_and_times_the_first_text(tiny, hash_settings, rule_llm, tmp_path,
                                                             monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import time

    from evals.systems.newsdesk_system import NewsdeskSystem

    desk = Desk.open(tmp_path / "archive", hash_settings, create=True)
    desk.ingest([tiny[1]])
    desk.llm = rule_llm
    system = NewsdeskSystem(desk)
    # Through the real stream: the first text arrives within the call, and its Answer is the record.
    real = system.answer(CHARGER)
    assert real.first_text_ms is not None and 0 < real.first_text_ms <= real.ms
    checked = desk.ask(CHARGER.text, as_of=AS_OF)

    class Stream:  # pieces on a known clock, then the checked Answer, as Desk.ask_stream gives them
        answer = None

        def __iter__(self):  # type: ignore[no-untyped-def]
            time.sleep(0.1)
            yield ""
            yield " \n"  # whitespace shows nothing: not yet the first text
            time.sleep(0.1)
            yield "Europe"
            time.sleep(0.2)
            yield " will."
            self.answer = checked

    calls: list[object] = []
    monkeypatch.setattr(Desk, "ask_stream", lambda self, q, filters=None, **kw: calls.append(filters) or Stream())
    record = system.answer(CHARGER)
    assert calls and calls[0].as_of == AS_OF, "the stream gets the question's filters"
    assert 200 <= record.first_text_ms < 300, record.first_text_ms  # the third piece, not the first (or the last)
    assert record.ms >= record.first_text_ms + 200, "the stream is read to its end before the answer is taken"
    assert (record.text, record.abstained) == (checked.text, checked.abstained)
    # Every sentence the check read is kept with its verdict, rejected ones too, the quoted lead first.
    read = ([checked.lead] if checked.lead else []) + checked.sentences
    assert read and record.checked == [{"text": s.text, "supported": s.supported, "reason": s.reason} for s in read]
    desk.close()
