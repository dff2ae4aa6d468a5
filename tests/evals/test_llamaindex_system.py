"""The llama-index baseline's plumbing with a mock embedding and a fake LLM (no model, no network)."""

from __future__ import annotations

from datetime import datetime, timezone

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.embeddings import MockEmbedding

from evals.datasets import Query
from evals.systems.llamaindex_default import DeskLLM, LlamaIndexDefaultSystem

QUERY = Query(
    qid="q", text="Which continent will require a common charger?",
    as_of=datetime(2022, 6, 16, 23, 59, 59, tzinfo=timezone.utc), choices=("Europe", "Asia"),
)


def _index() -> VectorStoreIndex:
    documents = [
        Document(text="Europe will require USB-C chargers by 2024.", id_="charger", metadata={"title": "Chargers"}),
        Document(text="Netflix renewed Squid Game.", id_="squid", metadata={"title": "Squid Game"}),
        Document(text="Oil prices fell.", id_="oil"),
    ]
    return VectorStoreIndex.from_documents(documents, embed_model=MockEmbedding(embed_dim=8))


def test_desk_llm_sends_chat_messages_with_their_roles(rule_llm) -> None:  # type: ignore[no-untyped-def]
    llm = DeskLLM(rule_llm)
    reply = llm.chat([ChatMessage(role="system", content="Be brief."), ChatMessage(role="user", content="Hi?")])
    assert reply.message.content == rule_llm.answer
    assert [(m.role, m.content) for m in rule_llm.prompts[-1]] == [("system", "Be brief."), ("user", "Hi?")]
    assert llm.metadata.is_chat_model and llm.metadata.context_window == 4096
    assert "".join(r.delta or "" for r in llm.stream_complete("Hi?")) == rule_llm.answer


def test_retrieval_maps_nodes_to_articles(rule_llm) -> None:  # type: ignore[no-untyped-def]
    system = LlamaIndexDefaultSystem(_index(), None)
    retrieval = system.retrieve(QUERY)
    assert sorted(retrieval.article_ids) == ["charger", "oil", "squid"]
    assert len(retrieval.chunk_ids) == 3 and retrieval.ms >= 0
    assert system.can_answer is False


def test_query_engine_answers_through_the_chat_path_then_asks_for_a_letter(rule_llm) -> None:  # type: ignore[no-untyped-def]
    system = LlamaIndexDefaultSystem(_index(), rule_llm, context_window=4096, max_tokens=64)
    answer = system.answer(QUERY)
    assert answer.text == rule_llm.answer and not answer.abstained
    assert answer.citations == []  # the default prompt asks for no citations
    qa_prompt, mc_prompt, mc_text_prompt = rule_llm.prompts
    assert [m.role for m in qa_prompt] == ["system", "user"]  # llama-index's chat template, not a flat prompt
    assert "Context information is below" in qa_prompt[-1].content
    # The letter is asked as a follow-up of the same conversation, so llama.cpp reuses the cached prompt.
    assert mc_prompt[: len(qa_prompt)] == qa_prompt
    assert [m.role for m in mc_prompt[len(qa_prompt):]] == ["assistant", "user"]
    assert "A. Europe\nB. Asia" in mc_prompt[-1].content
    assert mc_text_prompt[:-1] == mc_prompt[:-1] and "- Asia" in mc_text_prompt[-1].content
    assert answer.mc_choice == 0 and answer.mc_reply == "A"
    assert answer.mc_text_choice == 0 and answer.mc_text_reply == "Europe"
    assert answer.tokens_in > 0 and answer.tokens_out == 3
