"""An answer about who holds an office must give the office asked about, to the one its source gives it to; and a
rate changes by a share, not by an amount. Cases from asking the dev archive as a new user ("Who is the new prime
minister of Italy?" on 30 July 2022 drew the president; "How much did inflation fall in July?" a fuel price). Real
MiniLM."""

import pytest
from checking import checked, lead_of

from qa.answering.answer_type import missing_answer_type
from qa.answering.offices import another_office, office_not_given

ITALY = ("Italy's President Sergio Mattarella dissolved parliament on Thursday, triggering a snap election following "
         "the resignation of the country's Prime Minister Mario Draghi earlier in the day.")
MELONI = ("But Giorgia Meloni, the leader of the far-right Brothers of Italy, the only opposition party, called for "
          "immediate elections.")
TRUSS = "Foreign Secretary Liz Truss won the race to become prime minister, beating Rishi Sunak."


def test_a_name_given_another_office_does_not_hold_the_one_claimed(embedder):
    question = "Who is the new prime minister of Italy?"
    [wrong] = checked(question, ITALY, "Italy's parliament dissolved", "The new prime minister of Italy is Sergio "
                      "Mattarella [1].", embedder)
    assert not wrong.supported, "the passage makes Mattarella president and Draghi prime minister"
    [right] = checked("Who resigned as Italy's prime minister?", ITALY, "Italy's parliament dissolved",
                      "Prime Minister Mario Draghi resigned [1].", embedder)
    assert right.supported, right.reason


@pytest.mark.parametrize(("claim", "source", "wrong"), [
    ("Kamala Harris is the president [1].", "Vice President Kamala Harris met President Joe Biden.", True),
    ("Joe Biden is the president [1].", "Vice President Kamala Harris met President Joe Biden.", False),
    ("Liz Truss will be prime minister [1].", TRUSS, False),  # the office is named free: she will become it
    ("Rishi Sunak is prime minister [1].", "Chancellor Rishi Sunak met Prime Minister Boris Johnson.", True),
    ("Dmytro Kuleba, the minister, spoke [1].", "Foreign Minister Dmytro Kuleba spoke on Monday.", False),
    ("Dmytro Kuleba spoke [1].", "Foreign Minister Dmytro Kuleba spoke on Monday.", False),  # no office claimed
])
def test_which_offices_conflict(claim, source, wrong):
    assert (another_office(claim, source) is not None) == wrong


def test_a_quote_that_gives_nobody_the_office_asked_about_does_not_lead(embedder):
    question = "Who is the new prime minister of Italy?"

    assert lead_of(question, MELONI, "Italy's prime minister quits", embedder) is None
    assert office_not_given(question, MELONI) == "it gives nobody the office asked about (prime minister)"
    assert office_not_given(question, "Italy's new prime minister is Giorgia Meloni.") is None
    assert office_not_given("Who will become Britain's next prime minister?", TRUSS) is None
    assert office_not_given("Who was elected president?", "William Ruto won the presidential election.") is None
    assert office_not_given("Who met the prime minister?", MELONI) is None, "it asks who met, not who holds"


def test_a_rate_changes_by_a_share_not_an_amount(embedder):
    question = "How much did inflation fall in July?"
    assert missing_answer_type(question, "Inflation fell in July by 20 cents a barrel [1].") == (
        "it gives no share or points, and the question asks how much inflation changed")
    assert missing_answer_type(question, "Inflation fell to 8.5% in July [1].") is None
    raised = "The Fed raised rates by three-quarters of a point [1]."
    assert missing_answer_type("How much did the Fed raise interest rates?", raised) is None
    assert missing_answer_type("How much did gas prices fall?", "They fell by 20 cents a gallon [1].") is None
    text = ("Prices at the pump have dropped at least 20 cents a barrel since the July Fourth weekend, as inflation "
            "eased in July.")
    [wrong] = checked(question, text, "Inflation eases", "Inflation fell in July by 20 cents a barrel [1].", embedder)
    assert not wrong.supported and "share" in (wrong.reason or ""), wrong.reason


def test_a_quote_on_the_office_that_names_no_holder_does_not_lead(embedder):
    # Asked on 1 August 2022: "The next prime minister of the United Kingdom will inherit a mess …" led the answer.
    question = "Who is the UK prime minister?"
    text = ("The next prime minister of the United Kingdom will inherit a mess that some members of the governing "
            "Conservative Party believe will be impossible to manage.")
    assert office_not_given(question, text) == "it gives nobody the office asked about (prime minister)"
    assert lead_of(question, text, "Who will be the UK prime minister?", embedder) is None
    assert office_not_given(question, "Prime Minister Boris Johnson stays on until a successor is chosen.") is None


def test_asked_who_took_an_office_the_one_who_held_it_is_no_answer(embedder):
    # Asked on 22 July 2022, two days after parliament chose Ranil Wickremesinghe.
    question = "Who became Sri Lanka's new president?"
    held = ("Sri Lanka's President Gotabaya Rajapaksa, who fled the country earlier this week, has formally resigned, "
            "the parliamentary speaker confirmed Friday.")
    [wrong] = checked(question, held, "Sri Lanka's president resigns", "The new president of Sri Lanka was Gotabaya "
                      "Rajapaksa [1].", embedder)
    assert not wrong.supported and "who became president" in (wrong.reason or ""), wrong.reason
    assert lead_of(question, held, "Sri Lanka's new president", embedder) is None
    taken = ("Sri Lanka's parliament elected Ranil Wickremesinghe as the country's new president on Wednesday, "
             "after Gotabaya Rajapaksa fled.")
    [right] = checked(question, taken, "Sri Lanka elects a president", "Ranil Wickremesinghe became Sri Lanka's new "
                      "president [1].", embedder)
    assert right.supported, right.reason
