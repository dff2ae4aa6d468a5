"""Asked who holds an office, a name a report of the same day or later says has left it is not the answer. Asked as
of a day (docs/eval/time-travel, 0.5B): "Who is the president of Sri Lanka?" on 25 July 2022 was answered "…is
Gotabaya Rajapaksa", resting on a report of 14 July calling him president, beside one of 15 July saying he had
resigned. Through a real archive (MiniLM) and the Desk's answer path; the model's reply is given."""

from datetime import UTC, datetime

import pytest

from qa import FakeLLM

EARLY = {"id": "sri-lanka-early", "title": "Sri Lanka's president flees to Singapore", "publish_date": "2022/07/14",
         "text": "Embattled President Gotabaya Rajapaksa arrived in Singapore on a flight from the Maldives on "
                 "Thursday, according to a security source in Colombo. The president of Sri Lanka fled the country "
                 "as protesters stormed his residence."}
LATER = {"id": "sri-lanka-later", "title": "Sri Lanka's president resigns", "publish_date": "2022/07/15",
         "text": "Sri Lanka's President Gotabaya Rajapaksa, who fled the country earlier this week, has formally "
                 "resigned, the parliamentary speaker confirmed Friday. Parliament will choose the next president."}
ASKED = datetime(2022, 7, 25, 23, 59, tzinfo=UTC)
QUESTION = "Who is the president of Sri Lanka?"


@pytest.fixture(scope="module")
def archive(build_shared_archive):
    return build_shared_archive(records=(EARLY, LATER))


def test_a_holder_a_later_report_says_has_resigned_is_not_the_answer(archive):
    desk = archive.desk()
    desk.llm = FakeLLM(["The president of Sri Lanka is Gotabaya Rajapaksa."])
    answer = desk.ask(QUESTION, as_of=ASKED)
    # The quote of his resignation may lead (it tells the reader what happened); the model's claim may not stand.
    assert "is Gotabaya Rajapaksa" not in answer.text, answer.text
    [former] = answer.sentences
    assert not former.supported and "of 2022-07-15, says the name has left the office" in former.reason, former.reason


def test_before_the_resignation_the_holder_stands(archive):
    desk = archive.desk()
    desk.llm = FakeLLM(["The president of Sri Lanka is Gotabaya Rajapaksa."])
    answer = desk.ask(QUESTION, as_of=datetime(2022, 7, 14, 23, 59, tzinfo=UTC))
    assert "Gotabaya Rajapaksa" in answer.text and not answer.abstained, answer.sentences
