"""Sentence-aware, token-sized chunks of an article, with char offsets back into its text."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from index.articles import Article
from index.embedding import Embedder
from index.errors import InvalidArgumentError
from index.reference import ArticleRef
from index.settings import IndexSettings


class Chunk(BaseModel):
    """A passage of one article, with the article's metadata needed for filtering and citing."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str = Field(description="f'{article_id}:{n}'")
    article: ArticleRef
    n: int = Field(description="Position of the chunk in its article, from 0.")
    text: str
    start: int = Field(description="Char offset of the chunk in the article text.")
    end: int = Field(description="Char offset just past the chunk.")

    @property
    def article_id(self) -> str:
        """The id of the chunk's article."""
        return self.article.article_id


@lru_cache(maxsize=4)
def _splitter(chunk_size: int, chunk_overlap: int):  # type: ignore[no-untyped-def]
    # llama-index ships tiktoken's cl100k files and nltk's punkt in its package, so both work offline.
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.core.utils import get_tokenizer

    return SentenceSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap, tokenizer=get_tokenizer())


def count_tokens(text: str) -> int:
    """Tokens in ``text`` by cl100k, the tokenizer every budget in newsdesk uses."""
    from llama_index.core.utils import get_tokenizer

    return len(get_tokenizer()(text))


def chunk_article(article: Article, chunk_size: int = 200, chunk_overlap: int = 30) -> list[Chunk]:
    """Split an article into chunks of at most ``chunk_size`` tokens, on sentence boundaries where possible.

    Example:
        >>> a = Article(article_id="a", text="One sentence. " * 200)
        >>> chunks = chunk_article(a, chunk_size=50, chunk_overlap=0)
        >>> chunks[0].chunk_id, chunks[0].start, a.text[chunks[1].start:chunks[1].end] == chunks[1].text
        ('a:0', 0, True)
    """
    if chunk_overlap >= chunk_size:
        raise InvalidArgumentError(
            f"chunk_overlap must be smaller than chunk_size, got {chunk_overlap} >= {chunk_size}"
        )
    pieces = _splitter(chunk_size, chunk_overlap).split_text(article.text)
    ref = ArticleRef.of(article)
    chunks: list[Chunk] = []
    cursor = 0
    for piece in pieces:
        start = _locate(article.text, piece, cursor)
        end = start + len(piece)
        chunks.append(
            Chunk(
                chunk_id=f"{article.article_id}:{len(chunks)}",
                article=ref,
                n=len(chunks),
                text=article.text[start:end],
                start=start,
                end=end,
            )
        )
        # Overlap means the next chunk starts before this one ends, never before this one starts.
        cursor = start + 1
    return chunks


def _locate(text: str, piece: str, cursor: int) -> int:
    found = text.find(piece, cursor)
    if found >= 0:
        return found
    # The splitter may trim or re-join whitespace; anchor on the piece's opening words instead.
    head = piece[:40]
    found = text.find(head, cursor)
    return found if found >= 0 else min(cursor, len(text))


def embedded_text(chunk: Chunk, with_title: bool) -> str:
    """What the embedding model reads for a chunk: the title gives a bare paragraph its topic."""
    title = chunk.article.title
    return f"{title}\n{chunk.text}" if with_title and title else chunk.text


def chunk_and_embed(
    articles: Sequence[Article], settings: IndexSettings, embedder: Embedder
) -> list[tuple[Article, list[Chunk], list[list[float]]]]:
    """Each article with its chunks and the vectors of its opening chunks, embedded in one batch.

    Only the first ``settings.dense_chunks`` chunks of an article are embedded (all of them are stored for the
    lexical index); ingest and the re-cleaning of stored articles both prepare their writes here.
    """
    chunked = [(a, chunk_article(a, settings.chunk_size, settings.chunk_overlap)) for a in articles]
    dense = [chunks[: settings.dense_chunks] for _, chunks in chunked]
    vectors = embedder.embed_documents([embedded_text(c, settings.embed_title) for cs in dense for c in cs])
    prepared: list[tuple[Article, list[Chunk], list[list[float]]]] = []
    cursor = 0
    for (article, chunks), embedded in zip(chunked, dense, strict=True):
        prepared.append((article, chunks, vectors[cursor : cursor + len(embedded)]))
        cursor += len(embedded)
    return prepared
