"""Questions whose premise is false, asked of the dev archive as a new user (docs/eval/false-premises): "Why did
Twitter hire thousands of new employees after Musk took over?", "Where did Hurricane Ian make landfall in Texas?".
The claims took the premise from the question and added an answer, and only what they added was tested, so the
premise passed under a citation. Each case with a control of the same shape whose premise holds. Real MiniLM and
the real parser."""

from checking import checked


def test_a_deed_a_why_takes_for_granted_must_be_told_by_the_source(embedder):
    question = "Why did Twitter hire thousands of new employees after Musk took over?"
    text = ("Also last week, Twitter announced sweeping job cuts across the company after Elon Musk took the helm "
            "following his acquisition of the company for $44 billion, which required taking on significant debt.")
    [wrong] = checked(question, text, "Twitter's new owner", "Twitter hired thousands of new employees after Musk took "
                      "over the platform for $44 billion, which required taking on significant debt [1].", embedder)
    assert not wrong.supported
    assert wrong.reason == "the passage does not say that anyone hired: the question takes it for granted"
    # The deed in other words of its kind: "lost to" tells who beat whom.
    told = "Liz Cheney lost to Harriet Hageman after voters turned on her for her criticism of Donald Trump."
    [right] = checked("Why did Harriet Hageman beat Liz Cheney?", told, "Cheney loses primary",
                      "Harriet Hageman beat Liz Cheney because voters turned on Cheney for her criticism of Donald "
                      "Trump [1].", embedder)
    assert right.supported, right.reason


def test_a_claim_that_turns_the_passages_deed_around_is_refused(embedder):
    question = "Why did Elon Musk complete his purchase of Twitter?"
    text = ("Billionaire Elon Musk called off his deal to buy social media company Twitter, according to a filing on "
            "Friday with the Securities and Exchange Commission. Twitter's board said it plans to sue to force him "
            "to follow through with the deal.")
    [wrong] = checked(question, text, "Elon Musk terminates deal to buy Twitter",
                      "Elon Musk completed his purchase of Twitter in an effort to force him to follow through with "
                      "his deal [1].", embedder)
    assert not wrong.supported
    assert "the question takes it for granted" in wrong.reason, wrong.reason
    told = ("Billionaire Elon Musk called off his deal to buy social media company Twitter, saying it had misled "
            "him about the number of spam accounts.")
    [right] = checked("Why did Elon Musk call off his deal to buy Twitter?", told,
                      "Elon Musk terminates deal to buy Twitter",
                      "Elon Musk called off his deal to buy Twitter because he said it had misled him about spam "
                      "accounts [1].", embedder)
    assert right.supported, right.reason


def test_the_opposite_outcome_is_refused_after_a_long_aside(embedder):
    question = "Why did Liz Cheney win her Wyoming primary?"
    text = ("Cheney, who has been the representative for Wyoming since 2017, lost to Harriet Hageman, a candidate "
            "backed by former President Donald Trump, in the election.")
    [wrong] = checked(question, text, "Liz Cheney loses Wyoming primary",
                      "Liz Cheney won her Wyoming primary because she lost to Harriet Hageman, a candidate backed by "
                      "former President Donald Trump [1].", embedder)
    assert not wrong.supported and wrong.reason == "the passage says Cheney lost", wrong.reason


def test_a_deed_done_to_another_is_not_the_claims(embedder):
    question = "How was Ayman al-Zawahiri killed in Pakistan?"
    text = ("If Zawahiri lacked the charisma and mobilizing power of bin Laden, killed in a daring US Navy SEAL raid "
            "in Pakistan in 2011, his influence and organization of al Qaeda resulted in huge damage to the US.")
    [wrong] = checked(question, text, "Zawahiri's death closes a chapter",
                      "Ayman al-Zawahiri was killed in a daring US Navy SEAL raid in Pakistan in 2011 [1].", embedder)
    assert not wrong.supported
    assert wrong.reason == "the passage says this of bin Laden, not of Ayman al-Zawahiri", wrong.reason
    told = "Ayman al-Zawahiri was killed by a US drone strike in Kabul, Afghanistan, over the weekend, Biden said."
    [right] = checked("How was Ayman al-Zawahiri killed?", told, "US kills al Qaeda leader",
                      "Ayman al-Zawahiri was killed by a US drone strike in Kabul [1].", embedder)
    assert right.supported, right.reason


def test_a_place_the_question_takes_for_granted_must_be_named_by_the_passage(embedder):
    question = "Where did Hurricane Ian make landfall in Texas?"
    text = ("Hurricane Ian made landfall Wednesday afternoon near Cayo Costa along the southwestern coast of Florida, "
            "according to the center.")
    [wrong] = checked(question, text, "Hurricane Ian makes landfall",
                      "Hurricane Ian made landfall in Texas on Wednesday afternoon near Cayo Costa along the "
                      "southwestern coast of Florida [1].", embedder)
    assert not wrong.supported
    assert wrong.reason == "the passage does not name Texas: the question takes it for granted", wrong.reason
    [right] = checked("Where did Hurricane Ian make landfall in Florida?", text, "Hurricane Ian makes landfall",
                      "Hurricane Ian made landfall in Florida near Cayo Costa [1].", embedder)
    assert right.supported, right.reason


def test_a_bare_because_asserts_the_questions_premise(embedder):
    text = ("Griner, 31, pleaded guilty to drug charges earlier this month but the US State Department says she is "
            "wrongfully detained.")
    [wrong] = checked("Why did Brittney Griner plead not guilty?", text, "Griner's trial resumes",
                      "Because she was wrongfully detained [1].", embedder)
    assert not wrong.supported
    assert wrong.reason == "one of the claim and the passage negates what the other says", wrong.reason
    [right] = checked("Why did Brittney Griner plead guilty?", text, "Griner's trial resumes",
                      "Because she was wrongfully detained [1].", embedder)
    assert right.supported, right.reason


def test_a_contest_told_the_other_way_round_is_refused(embedder):
    # Held out: found by the second set of false premises, after the checks above were written.
    text = ("Cheney, who has been the representative for Wyoming since 2017, lost to Harriet Hageman, a candidate "
            "backed by former President Donald Trump, in the election.")
    [wrong] = checked("Why did Harriet Hageman lose to Liz Cheney?", text, "Liz Cheney loses Wyoming primary",
                      "Harriet Hageman lost to Liz Cheney because she was backed by former President Donald Trump [1].",
                      embedder)
    assert not wrong.supported
    assert wrong.reason == "the passage says Harriet Hageman beat Cheney, not the reverse", wrong.reason
    [right] = checked("Why did Liz Cheney lose to Harriet Hageman?", text, "Liz Cheney loses Wyoming primary",
                      "Liz Cheney lost to Harriet Hageman, a candidate backed by former President Donald Trump [1].",
                      embedder)
    assert right.supported, right.reason
