"""When the model names the wrong one where its source tells the same deed of the right one, the source is quoted
instead of abstaining. Dev cases: "The island nation that plunged into chaos … is Singapore" on "Sri Lanka has
plunged into chaos and its president has fled to Singapore"; "Karine Jean-Pierre" for who tested positive, on
"Biden has tested positive …, per White House press secretary Karine Jean-Pierre". Real MiniLM."""

from datetime import UTC, datetime

import pytest

from index.reference import ArticleRef
from qa import FakeLLM
from qa.answering.evidence import select_evidence
from qa.answering.lead import credited_lead
from qa.answering.support import check_answer
from qa.settings import SupportSettings
from qa.types import Hit

CHAOS = "Which island nation plunged into chaos in recent days, prompting its leader to flee?"
CRISIS = ("Protesters stormed the presidential palace over the weekend. Sri Lanka has plunged into chaos and its "
          "president has fled to Singapore, before emailing his resignation. The speaker will convene parliament "
          "on Saturday.")
POSITIVE = "Which high-ranking US official tested positive for Covid-19 this week?"
COVID = ("President Joe Biden tested positive for Covid-19 on Thursday and is experiencing very mild symptoms. "
         "This is the first time Biden has tested positive for Covid-19, per White House press secretary Karine "
         "Jean-Pierre. He is taking Paxlovid.")
JULY_15 = datetime(2022, 7, 15, tzinfo=UTC)


def _sources(question, text, embedder):
    ref = ArticleRef(article_id="a", title="The week's news", source="CNN", published_at=JULY_15)
    hit = Hit(rank=1, chunk_id="a:0", article=ref, text=text, start=0, end=len(text), score=1.0, dense_score=0.6)
    return select_evidence(question, [hit], embedder, budget_tokens=400)


def _credited(question, text, reply, embedder):
    sources = _sources(question, text, embedder)
    checked = check_answer(reply, sources, embedder, SupportSettings(), question=question)
    return checked, credited_lead(question, checked, sources, embedder)


@pytest.mark.parametrize(("question", "text", "reply", "quoted"), [
    (CHAOS, CRISIS, "The island nation that plunged into chaos in recent days is Singapore [1].", "Sri Lanka has"),
    (POSITIVE, COVID, "The official who tested positive for Covid-19 this week is Karine Jean-Pierre [1].",
     "Biden has tested positive"),
])
def test_the_source_that_refused_a_wrong_name_is_quoted(question, text, reply, quoted, embedder):
    [claim], lead = _credited(question, text, reply, embedder)
    assert not claim.supported and ("says this of" in claim.reason or "who reported it" in claim.reason), claim.reason
    assert lead is not None and quoted in lead.sentence.text, lead


def test_no_quote_when_the_claim_was_refused_for_anything_else(embedder):
    # Refused for its number, not for naming another: the source tells no deed of someone else.
    [claim], lead = _credited(CHAOS, CRISIS, "Sri Lanka plunged into chaos after 40 protesters died [1].", embedder)
    assert not claim.supported and lead is None
    # The sentence that refused it cannot lead (it names the claim's answer only as who confirmed the news): its
    # source is no reason to quote. Dev: the Griner story quoted for which football star's family was stalked.
    again = "Which member of the Biden administration tested positive for Covid-19 again?"
    office = ("First lady Jill Biden tested positive for Covid-19 again on Monday. She had tested negative on Sunday, "
              "her deputy communications director Kelsey Donohue confirmed to CNN.")
    [claim], lead = _credited(again, office, "The member who tested positive again is Kelsey Donohue [1].", embedder)
    assert not claim.supported and "who reported it" in claim.reason and lead is None, claim.reason
    # A supported claim needs no quote.
    [claim], lead = _credited(POSITIVE, COVID, "President Joe Biden tested positive for Covid-19 on Thursday [1].",
                              embedder)
    assert claim.supported and lead is None, claim.reason


@pytest.fixture(scope="module")
def crisis_archive(build_shared_archive):
    return build_shared_archive(records=[
        {"id": "sl-1", "title": "Sri Lanka's president flees", "source": "Wire", "published_at": "2022-07-14",
         "text": CRISIS},
        {"id": "cv-1", "title": "Biden tests positive for Covid-19", "source": "Wire", "published_at": "2022-07-21",
         "text": COVID},
    ])


def test_the_answer_quotes_the_source_instead_of_abstaining(crisis_archive):
    desk = crisis_archive.desk()
    desk.llm = FakeLLM(["The island nation that plunged into chaos in recent days, prompting its leader to flee, is "
                        "Singapore [1]."])
    answer = desk.ask(CHAOS, as_of=JULY_15)
    assert not answer.abstained, answer.reason
    assert answer.text.startswith("“Sri Lanka has plunged into chaos") and "Singapore [1]." not in answer.text
    assert answer.lead is not None and answer.citations[0].article_id == "sl-1"
    assert [s.supported for s in answer.sentences] == [False]  # the model's claim is listed as left out
    desk.llm = FakeLLM(["The island nation that plunged into chaos in recent days was hit by 40 storms [1]."])
    assert desk.ask(CHAOS, as_of=JULY_15).abstained, "a claim refused for anything else is no reason to quote"
