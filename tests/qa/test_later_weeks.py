"""Plain questions about September to November 2022, weeks no earlier check was written from, asked of the dev archive
as a new user (docs/eval/later-weeks). Right answers refused: a name with a capital inside ("Ron DeSantis") cut to
"Ron De", an award's other nominees taken for its winners, a prize "taken home" read as no outcome, and a claim whose
words its source writes joined ("a 2,560-pound pumpkin"). Wrong ones given: a name opening the claim never looked for
("Fenrir was named the world's oldest living dog", resting on a chihuahua's story), a lead matching the question's
"Conservative" by a lower-case "too conservative", and, by the same cut as "Ron De", a sentence about "LeBron James"
read as naming no other James than the claim's. Real MiniLM and the real parser."""

from checking import checked, lead_of


def test_a_name_with_a_capital_inside_is_looked_for_whole(embedder):
    question = "Where did Ron DeSantis send migrants?"
    text = ("Florida Gov. Ron DeSantis sent two planes of migrants to Martha's Vineyard on Wednesday night, an island "
            "off the coast of Massachusetts.")
    [right] = checked(question, text, "Migrants flown to Martha's Vineyard",
                      "Ron DeSantis sent migrants to Martha's Vineyard on Wednesday night [1].", embedder)
    assert right.supported, right.reason


def test_another_name_with_a_capital_inside_is_another_person(embedder):
    question = "Who scored 30 points for the Lakers on Sunday?"
    text = "LeBron James scored 30 points as the Lakers beat the Clippers on Sunday night in Los Angeles."
    [wrong] = checked(question, text, "Lakers beat Clippers", "Bronny James scored 30 points for the Lakers [1].",
                      embedder)
    assert not wrong.supported, "a sentence about LeBron James does not support a claim about Bronny James"
    assert wrong.reason == "the passage names LeBron James, not Bronny James", wrong.reason
    [right] = checked(question, text, "Lakers beat Clippers", "LeBron James scored 30 points for the Lakers [1].",
                      embedder)
    assert right.supported, right.reason


def test_a_name_opening_the_claim_must_be_in_its_passage(embedder):
    question = "Which dog was named the world's oldest living dog?"
    text = ("It's TobyKeith's time again. The 21-year-old chihuahua has regained the title of the world's oldest "
            "living dog, Guinness World Records said.")
    [wrong] = checked(question, text, "Oldest living dog", "Fenrir was named the world's oldest living dog [1].",
                      embedder)
    assert not wrong.supported and wrong.reason.endswith("the passage does not name Fenrir"), wrong.reason
    [right] = checked(question, text, "Oldest living dog", "TobyKeith was named the world's oldest living dog [1].",
                      embedder)
    assert right.supported, right.reason


def test_the_other_nominees_of_an_award_did_not_win_it(embedder):
    question = "Which show won the Emmy for outstanding drama series?"
    text = ("HBO collected 12 of the 25 statuettes awarded on the evening. “Succession” beat competition from fellow "
            "outstanding drama series nominees “Better Call Saul,” “Euphoria,” “Ozark” and “Severance.”")
    [right] = checked(question, text, "Emmys 2022", "“Succession” won the Emmy for outstanding drama series [1].",
                      embedder)
    assert right.supported, right.reason


def test_a_claim_shares_the_words_its_source_writes_in_another_form(embedder):
    question = "How heavy was the record-breaking pumpkin grown in Minnesota?"
    text = ("The end result: a new U.S. record. Gienger, of Anoka, Minnesota, set the new record with a 2,560-pound "
            "pumpkin in the 49th World Championship Pumpkin Weigh-Off in Half Moon Bay, south of San Francisco.")
    [right] = checked(question, text, "Minnesota teacher grows huge 2,560-pound pumpkin",
                      "The record-breaking pumpkin grown in Minnesota weighed 2,560 pounds [1].", embedder)
    assert right.supported, right.reason
    [wrong] = checked(question, text, "Minnesota teacher grows huge 2,560-pound pumpkin",
                      "The record-breaking pumpkin grown in Minnesota weighed 2,554 pounds [1].", embedder)
    assert not wrong.supported, "another weight is still refused"


def test_a_word_the_question_writes_as_a_name_leads_only_where_it_is_one(embedder):
    question = "Who won the Conservative Party leadership race?"
    senate = ("GOP Rep. Ted Budd had brought in more than $6 million by the end of June. Budd won the GOP nomination "
              "with early backing from Trump, but Democrats argue he's too conservative for a purple state.")
    assert lead_of(question, senate, "Senate race rankings september elections", embedder) is None
    britain = ("Truss won the Conservative Party leadership contest on Monday, defeating Rishi Sunak after a campaign "
               "that stretched through the summer.")
    lead = lead_of(question, britain, "5 things to know for Sept. 6", embedder)
    assert lead is not None and lead.sentence.text.startswith("Truss won"), lead


def test_a_prize_taken_home_is_won(embedder):
    question = "Which show won best drama series at the Emmys?"
    text = ("“Succession,” the HBO drama centering on the Roy family, was the clear frontrunner going into the 74th "
            "Emmy Awards, with 25 nominations. The show took home best drama series, as well as a best supporting "
            "actor win for Matthew Macfadyen.")
    [right] = checked(question, text, "Emmy 2022 winners list", "“Succession” won best drama series at the Emmys [1].",
                      embedder)
    assert right.supported, right.reason


def test_a_sentence_sharing_only_the_scene_and_an_inflected_word_supports_nothing(embedder):
    # Words compared as stems let this claim rest on the summit's opening: "joining" met "join", and 4 of its 12
    # words were shared (30% needed). As words, with a compound's parts apart, 3 are.
    question = "What did NATO agree at its Madrid summit?"
    text = ('"Their decision to move away from neutrality, and the tradition of neutrality, to join the NATO alliance '
            'is going to make us stronger and more secure, and NATO stronger," Biden said at the start of the NATO '
            "summit in Madrid on Wednesday.")
    claim = ("NATO agreed at its Madrid summit to drop its objections to their membership bids, removing a major "
             "hurdle to them joining NATO [1].")
    [wrong] = checked(question, text, "NATO summit in Madrid", claim, embedder)
    assert not wrong.supported and "too few of its words" in wrong.reason, wrong.reason
