"""A question that asks whether something is so ("Did Liz Truss resign?") is answered by restating it, affirmed or
denied: the restatement is no echo, and the deed it affirms must be one its source tells. Cases from yes/no questions
asked as a new user (docs/eval/yes-no): "Liz Truss resigned" was dropped as only restating the question, and "The FBI
arrested Donald Trump on Monday" was shown, resting on a report that agents searched his home. With restatements
kept, whether a claim and its passage deny the same deed is read on the deed ("has not overturned" against
"overturned …, holding that there is no longer a right"), and asked what is now, a passage telling what was no longer
answers. Real MiniLM and the real parser."""

from checking import checked

from qa.answering.answer_type import asks_yes_no

TRUSS = ("Truss's resignation comes after several weeks of political chaos during which she abandoned most of her "
         "economic policies. Liz Truss resigned as prime minister on Thursday after 45 days in office.")
SEARCH = ("Federal agents on Monday searched former President Donald Trump's Mar-a-Lago home in Palm Beach, Florida, "
          "as part of a federal investigation into allegations he removed classified documents from the White House.")


def test_yes_no_questions_are_told_from_questions_for_a_thing():
    assert asks_yes_no("Did Liz Truss resign?") and asks_yes_no("Has Elon Musk completed his purchase of Twitter?")
    assert asks_yes_no("True or false: The FTC fined a Utah company.")
    assert not asks_yes_no("Who replaced Liz Truss?") and not asks_yes_no("Did you know? Who won the Open?")


def test_the_restated_question_answers_a_yes_no_question_when_its_source_tells_it(embedder):
    [right] = checked("Did Liz Truss resign?", TRUSS, "Liz Truss resigns", "Liz Truss resigned [1].", embedder)
    assert right.supported, right.reason
    [echo] = checked("Which prime minister resigned?", TRUSS, "Liz Truss resigns", "The prime minister resigned [1].",
                     embedder)
    assert not echo.supported, "asked for a thing, the restated question is still an echo"


def test_a_yes_no_answer_must_rest_on_a_source_that_tells_its_deed(embedder):
    question = "Did the FBI arrest Donald Trump?"
    [wrong] = checked(question, SEARCH, "FBI searches Mar-a-Lago", "The FBI arrested Donald Trump on Monday at "
                      "Mar-a-Lago in Palm Beach, Florida [1].", embedder)
    assert not wrong.supported
    assert wrong.reason == "the passage does not say that anyone arrested, which the question asks"
    [right] = checked("Did the FBI search Mar-a-Lago?", SEARCH, "FBI searches Mar-a-Lago", "Federal agents searched "
                      "Donald Trump's Mar-a-Lago home on Monday [1].", embedder)
    assert right.supported, right.reason


def test_a_denial_needs_a_source_that_denies(embedder):
    # Asked on 29 October, after the deal closed, the model said he had not completed it.
    owns = "After spending months attempting to get out of his deal to buy Twitter, Elon Musk officially owns it."
    [wrong] = checked("Has Elon Musk completed his purchase of Twitter?", owns, "Musk owns Twitter",
                      "No, Elon Musk has not completed his purchase of Twitter [1].", embedder)
    assert not wrong.supported


def test_an_irregular_form_of_the_questions_verb_adds_nothing_new_to_test(embedder):
    # Held-out yes/no case: "Harriet Hageman won the Wyoming primary" was refused because the passage does not hold
    # "won", the only word it added to "Did Harriet Hageman win …?"; the source says "She lost to Harriet Hageman".
    question = "Did Harriet Hageman win the Wyoming primary?"
    source = ("Liz Cheney lost the Wyoming Republican primary to Harriet Hageman on Tuesday, badly. Hageman had "
              "Trump's backing.")
    [right] = checked(question, source, "Hageman wins in Wyoming", "Harriet Hageman won the Wyoming primary [1].",
                      embedder)
    assert right.supported, right.reason
    [echo] = checked("Who won the Wyoming primary?", source, "Hageman wins in Wyoming", "The Wyoming primary was won "
                     "[1].", embedder)
    assert not echo.supported


def test_asked_what_is_now_a_claim_resting_on_what_was_is_refused(embedder):
    # The same dev case, as the model's sentence.
    question = "NFL quarterback Deshaun Watson was suspended for six games. Which team does Watson play for?"
    then = ("On Monday, Watson was suspended for six games this season for violating the NFL's personal conduct "
            "policy in private meetings with massage therapists while he was with the Houston Texans.")
    [wrong] = checked(question, then, "Watson suspended", "Watson plays for the Houston Texans [1].", embedder)
    assert not wrong.supported
    assert wrong.reason == "the passage tells only what was, and the question asks what is"


def test_a_denial_is_refused_where_its_source_tells_the_deed_whatever_else_it_denies(embedder):
    # Time-travel case (22 June 2022's question asked on the 25th): "The Supreme Court has not overturned Roe v. Wade"
    # was kept on "The Supreme Court overturned Roe v. Wade on Friday, holding that there is no longer …", since a
    # test of negation words anywhere found one in each.
    source = ("The Supreme Court overturned Roe v. Wade on Friday, holding that there is no longer a federal "
              "constitutional right to an abortion.")
    [wrong] = checked("Has the Supreme Court overturned Roe v. Wade?", source, "Roe v. Wade overturned",
                      "The Supreme Court has not overturned Roe v. Wade [1].", embedder)
    assert not wrong.supported
    assert wrong.reason == "the passage says overturned, and the claim denies it"
    [right] = checked("Has the Supreme Court overturned Roe v. Wade?", source, "Roe v. Wade overturned",
                      "The Supreme Court overturned Roe v. Wade on Friday [1].", embedder)
    assert right.supported, right.reason


def test_a_deed_the_passage_qualifies_by_a_denial_joined_to_it_is_not_told_alike(embedder):
    # Dev case the deed-level reading of negation first let through: "It is expected to operate for five years" on
    # "… is expected to operate for five years but is not capped at that" (the gold: at least ten years).
    question = "The first Webb telescope images were shared this week. How long is it expected to operate?"
    source = ("The Webb facility is expected to operate for five years but is not capped at that, and it has the "
              "materials to operate for at least ten years.")
    [wrong] = checked(question, source, "Webb's first images", "It is expected to operate for five years [1].",
                      embedder)
    assert not wrong.supported
    assert wrong.reason == "one of the claim and the passage negates what the other says"
