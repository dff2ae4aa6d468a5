"""The "what you get by following llama-index's starter" baseline.

A ``VectorStoreIndex`` over a ``ChromaVectorStore``, default ``SentenceSplitter`` (1024/200), the same bundled
MiniLM through ``HuggingFaceEmbedding``; retrieval from ``index.as_retriever(similarity_top_k=10)``, answers from
``index.as_query_engine()`` (its default similarity_top_k=2, compact synthesis) with newsdesk's LLM behind a
llama-index ``CustomLLM`` adapter. It takes no dates, and its default prompt asks for no citations.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from pydantic import PrivateAttr

from evals.datasets import Query
from evals.systems.base import (
    TOP_K,
    AnswerRecord,
    RecordingLLM,
    Retrieval,
    Stopwatch,
    looks_like_abstention,
    pick_choice,
    ranked_articles,
)
from qa.llm.base import LLM, Message

_ROLES = {MessageRole.SYSTEM: "system", MessageRole.USER: "user", MessageRole.ASSISTANT: "assistant"}


class DeskLLM(CustomLLM):
    """A llama-index LLM that sends chat messages to a newsdesk LLM, so the model's own chat template applies.

    Example:
        >>> from qa.llm.base import FakeLLM
        >>> llm = DeskLLM(FakeLLM(["Paris."]))
        >>> llm.chat([ChatMessage(role="user", content="Capital of France?")]).message.content
        'Paris.'
        >>> llm.complete("Capital of France?").text
        'Paris.'
    """

    context_window: int = 4096
    num_output: int = 256
    model_name: str = "newsdesk-llm"
    _inner: Any = PrivateAttr()

    def __init__(self, inner: LLM, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._inner = inner

    @property
    def metadata(self) -> LLMMetadata:
        """Window and output size for llama-index's prompt packing; a chat model, so ``chat`` is used."""
        return LLMMetadata(
            context_window=self.context_window, num_output=self.num_output, is_chat_model=True,
            model_name=self.model_name,
        )

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Send the messages as they are."""
        converted = [Message(role=_ROLES.get(m.role, "user"), content=m.content or "") for m in messages]
        reply = self._inner.complete(converted, max_tokens=self.num_output).text
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=reply))

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """A bare prompt becomes one user message."""
        reply = self._inner.complete([Message(role="user", content=prompt)], max_tokens=self.num_output).text
        return CompletionResponse(text=reply)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        """No streaming backend: yield the whole reply once."""
        response = self.complete(prompt, formatted=formatted, **kwargs)

        def once() -> CompletionResponseGen:
            yield CompletionResponse(text=response.text, delta=response.text)

        return once()


class LlamaIndexDefaultSystem:
    """llama-index defaults over the eval index.

    Args:
        index: the VectorStoreIndex built by :func:`evals.archives.open_llamaindex_index`.
        llm: newsdesk's LLM for the query engine; None for retrieval only.
        context_window: the LLM's context window in tokens.
        max_tokens: longest answer.
    """

    name = "llamaindex-default"

    def __init__(self, index: Any, llm: LLM | None = None, *, context_window: int = 4096,
                 max_tokens: int = 256) -> None:
        self.retriever = index.as_retriever(similarity_top_k=TOP_K)
        self.recorder = RecordingLLM(llm) if llm is not None else None
        self.can_answer = llm is not None
        self.engine = (
            index.as_query_engine(llm=DeskLLM(self.recorder, context_window=context_window, num_output=max_tokens))
            if self.recorder is not None
            else None
        )

    def retrieve(self, query: Query) -> Retrieval:
        """``as_retriever(similarity_top_k=10).retrieve(question)``; nodes map to articles by ``ref_doc_id``."""
        watch = Stopwatch()
        nodes = self.retriever.retrieve(query.text)
        ms = watch.ms()
        return Retrieval(ranked_articles([n.node.ref_doc_id or "" for n in nodes]), [n.node.node_id for n in nodes], ms)

    def answer(self, query: Query) -> AnswerRecord:
        """``as_query_engine().query(question)``, then the choices as a follow-up turn of its last LLM call."""
        if self.engine is None or self.recorder is None:
            raise NotImplementedError("llamaindex-default was set up without an LLM")
        self.recorder.reset()
        watch = Stopwatch()
        response = self.engine.query(query.text)
        ms = watch.ms()
        text = str(response.response or "Empty Response").strip()
        prior = self.recorder.last_messages
        passages = [n.node.get_content() for n in response.source_nodes]
        pick = pick_choice(
            self.recorder.inner, query, passages, prior, self.recorder.last_reply if prior else None
        )
        return AnswerRecord(
            text=text, abstained=looks_like_abstention(text), citations=[], ms=ms,
            tokens_in=self.recorder.prompt_tokens, tokens_out=self.recorder.completion_tokens,
        ).set_picks(pick)

    def close(self) -> None:
        """Nothing to release (chroma closes with the process)."""
