"""Fixtures for the eval suite's tests: a tiny invented archive and a rule-based fake LLM."""

from __future__ import annotations

import gzip
import json
from collections.abc import Generator
from pathlib import Path

import pytest

from qa.llm.base import Completion, CompletionStream, Message
from qa.settings import Settings


class RuleLLM:
    """A fake chat model: a letter or a choice's text for multiple-choice prompts, a cited sentence otherwise."""

    name = "rule"

    def __init__(
        self, letter: str = "A", answer: str = "Europe will require a common charger for phones [1].",
        choice: str = "Europe",
    ) -> None:
        self.letter = letter
        self.answer = answer
        self.choice = choice
        self.prompts: list[list[Message]] = []

    def complete(
        self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None, top_logprobs: int = 0
    ) -> Completion:
        self.prompts.append(list(messages))
        last = messages[-1].content
        text = self.letter if "Reply with one letter" in last else self.choice if "choice only" in last else self.answer
        return Completion(text=text, prompt_tokens=sum(len(m.content.split()) for m in messages), completion_tokens=3)

    def stream(
        self, messages: list[Message], *, max_tokens: int = 256, stop: list[str] | None = None
    ) -> CompletionStream:
        """The reply of :meth:`complete` in word pieces, as newsdesk's streamed answers read it."""
        completion = self.complete(messages, max_tokens=max_tokens, stop=stop)

        def pieces() -> Generator[str, None, Completion]:
            for i, word in enumerate(completion.text.split()):
                yield word if i == 0 else " " + word
            return completion

        return CompletionStream(pieces())


ARTICLES = [
    {"article_id": "charger", "title": "Europe will require one charger for all phones", "publish_date": "2022/06/07",
     "url": "https://www.cnn.com/2022/06/07/tech/eu-usb-c", "text": "European regulators agreed that phones, tablets "
     "and cameras sold in Europe must use a common USB-C charging port by 2024. Apple will have to change its "
     "iPhone charger. The rule aims to cut electronic waste."},
    {"article_id": "charger-copy", "title": "Europe will require one charger for all phones",
     "publish_date": "2022/06/07", "url": "https://www.cnn.com/copy", "text": "European regulators agreed that "
     "phones, tablets and cameras sold in Europe must use a common USB-C charging port by 2024. Apple will have to "
     "change its iPhone charger. The rule aims to cut electronic waste."},
    {"article_id": "squid", "title": "Squid Game renewed", "publish_date": "2022/06/12",
     "url": "https://www.cnn.com/2022/06/12/media/squid-game", "text": "Netflix announced that the hit South Korean "
     "show Squid Game is officially coming back for a second season. The director wrote a letter to fans."},
    {"article_id": "heat", "title": "Heatwave in Britain", "publish_date": "2022/07/19",
     "url": "https://www.theweek.co.uk/heat", "text": "Britain recorded its highest temperature ever, 40.3 degrees "
     "Celsius, at Coningsby in Lincolnshire. Trains were cancelled and schools closed early."},
    {"article_id": "heat-later", "title": "Heatwave in Britain: the record", "publish_date": "2022/08/30",
     "url": "https://www.theweek.co.uk/heat-later", "text": "Britain recorded its highest temperature ever, 40.3 "
     "degrees Celsius, at Coningsby in Lincolnshire, the Met Office confirmed in its summer review."},
    {"article_id": "oil", "title": "Oil prices fall", "publish_date": "2022/08/02",
     "url": "https://www.usatoday.com/oil", "text": "Oil prices fell on Tuesday as traders worried about demand in "
     "China. Brent crude dropped 3 percent."},
    {"article_id": "undated", "title": "Pelicans in the park", "url": "https://www.theweek.co.uk/pelicans",
     "text": "Pelicans at St James's Park in London were fed fish by their keepers on a sunny afternoon."},
    {"article_id": "empty", "text": None, "title": None, "publish_date": None},
]

QUESTIONS = [
    {"question_id": "rt1", "question_date": "2022/06/16", "question_source": "CNN",
     "question_sentence": "Which continent will require phone makers to support one common charging standard?",
     "choices": ["Europe", "North America", "Asia", "Africa"], "answer": ["0"], "answer_text": ["Europe"],
     "evidence": "…", "gold_article_ids": ["charger"]},
    {"question_id": "rt2", "question_date": "2022/06/16", "question_source": "CNN",
     "question_sentence": "Which wildly popular show was recently green lit for a new season?",
     "choices": ["“Game of Thrones”", "“Squid Game”", "“Breaking Bad”", "“Friends”", ""], "answer": ["1"],
     "answer_text": ["“Squid Game”"], "gold_article_ids": ["squid"]},
    {"id": "nd1", "question": "What record temperature did Britain reach in July 2022?", "as_of": "2022-07-22",
     "source": "The Week", "choices": ["38.7C", "40.3C", "41.0C", "39.1C"], "answers": ["40.3C"],
     "gold_passages": ["highest temperature ever, 40.3 degrees Celsius"]},
    {"id": "nd2", "question": "Why did oil prices fall?", "as_of": "2022-08-05", "answers": ["demand in China"],
     "gold_article_ids": ["oil"]},
    {"id": "nd3", "question": "Who fed the pelicans in St James's Park?", "answers": ["keepers"]},
]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    """Write records as JSON Lines (gzipped when the name ends in .gz)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    """(questions file, articles file) of the invented archive: both question formats, a duplicate text, an
    undated article, an unreadable record, and an article published after its question."""
    return write_jsonl(tmp_path / "questions.jsonl", QUESTIONS), write_jsonl(tmp_path / "articles.jsonl", ARTICLES)


@pytest.fixture
def hash_settings(tmp_path: Path) -> Settings:
    """Settings with the model-free hash embedder, a fake LLM backend and a per-test cache."""
    return Settings(index={"embedding_model": "hash"}, llm={"backend": "fake"}, cache_dir=tmp_path / "cache")


@pytest.fixture
def rule_llm() -> RuleLLM:
    """A fresh rule-based fake LLM."""
    return RuleLLM()


@pytest.fixture(scope="session")
def eval_model_cache(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the bundled LLM is joined: the suite-wide ``model_cache`` when tests/conftest.py offers one (the
    ~500 MB join then happens once per session), else a folder of our own."""
    try:
        return Path(request.getfixturevalue("model_cache"))
    except pytest.FixtureLookupError:
        return tmp_path_factory.mktemp("eval-model-cache")


@pytest.fixture
def jsonl_writer():  # type: ignore[no-untyped-def]
    """The JSON Lines writer, for tests that build their own files."""
    return write_jsonl


@pytest.fixture
def rule_llm_class() -> type[RuleLLM]:
    """The RuleLLM class, for tests that need a configured one."""
    return RuleLLM
