"""The forms of what news pages print around a story, as regular expressions: reporters' names and their outlets,
datelines, furniture lines, contributor and contact lines, photo credits. :mod:`index.cleaning` decides where each
form counts (anywhere, at the top or at the bottom of an article); the forms are kept here, apart from that logic.

Every pattern is meant for ``fullmatch`` on one stripped line unless its comment says otherwise.
"""

from __future__ import annotations

import re

# -- names and outlets -------------------------------------------------------------------------------------------

TOKEN = r"[A-Z][\w'’.-]*"
PARTICLE = r"(?:de|del|della|da|das|do|dos|du|di|van|von|der|den|la|le|al|el|bin|ben|ter|ten|y)"
NAME = rf"{TOKEN}(?:\s+(?:{PARTICLE}\s+)*{TOKEN}){{1,4}}"  # a person: two to five capitalised words
SEPARATOR = r"\s*(?:,\s*and|,|and|&)\s+"
NAMES = re.compile(rf"{NAME}(?:{SEPARATOR}{NAME}){{0,5}}")
NAME_RE = re.compile(NAME)
SPLIT_NAMES = re.compile(SEPARATOR)
# Publishers as bylines print them, alone on a line or after the reporters' names.
OUTLET = re.compile(
    r"(?:The\s)?Associated\sPress|AP|Reuters|AFP|Agence\sFrance-Presse|Bloomberg(?:\sNews)?|UPI|"
    r"CNN(?:\s(?:Business|Sport|Sports|Politics|Health|Travel|Style|Wire|Staff))?|"
    r"USA\s?TODAY(?:\s(?:Sports|Network|NETWORK|Staff))?|USA\s?Today|"
    r"Special\s(?:to|for)\s(?:the\s)?[A-Z][\w.'’ -]{2,50}|Opinion\scontributors?|(?:The\s)?Editors|"
    r"(?:The\s)?Week\sStaff|[A-Z][\w.'’ ]{1,40}\s\|\s[\w.-]+\.(?:com|org|net)"
)
# After a line of reporters' names, any short title-case line names their outlet ("Detroit Free Press",
# "24/7 Wall Street", "The Des Moines Register"); a sentence never passes (it has lower-case words).
OUTLET_WORD = r"(?:[A-Z][\w.'’/&-]*|\d+/\d+|of|the|for|to|at|and|a|on|in|\|)"
OUTLET_AFTER_NAMES = re.compile(
    rf"{OUTLET_WORD}(?:\s{OUTLET_WORD}){{0,6}}|[\w.+-]+@[\w-]+\.[\w.]+|@\w+(?:,\s.{{1,40}})?"
)

# -- datelines ---------------------------------------------------------------------------------------------------

# "Paris", "New York", "Seoul, South Korea", "Hong Kong/Beijing", "Kyiv and Lviv, Ukraine", "Los Angeles / New York"
# A place never starts with a determiner: "The CNN — Fox debate" is a sentence, not a dateline.
PLACE = (
    r"(?!(?:The|A|An|This|That|Its|His|Her|Their|Our)\s)"
    r"[A-Z][\w.'’-]*(?:(?:,?\s|\s?/\s?|,?\sand\s)[A-Z][\w.'’-]*){0,6}"
)
CAPS_PLACE = r"(?:[A-Z][A-Z.'’-]+)(?:\s[A-Z][A-Z.'’-]+){0,3}"  # "BOGOTA", "NEW YORK", "ST. LOUIS"
REGION = r"[A-Z][\w.'’]*(?:\s[A-Z][\w.'’]*){0,2}"  # "Colombia", "N.C.", "South Korea", "W. Va."
WIRE_TAG = r"\((?:AP|Reuters|AFP|UPI|Bloomberg|dpa|CNN(?:\s?[A-Z]\w+){0,2})\)"
CNN = r"CNN(?:\s(?:[Bb]usiness|Sport|Sports|Politics|Travel|Style|Health|Espa[nñ]ol|Philippines|Indonesia|Brasil))?"
DASH = r"(?:\s*(?:[—–]{1,2}|--)\s*|\s+-\s+)"
DATELINE = re.compile(
    rf"(?:{PLACE}\s+)?{WIRE_TAG}(?:{DASH}|\s*)"  # "(CNN)", "Paris (CNN Business)", "LONDON (Reuters) -"
    rf"|(?:{PLACE}\s+)?{CNN}\s*(?:[—–]{{1,2}}|--)\s*"  # "CNN —", "New York CNN Business —"
    rf"|(?P<caps>{CAPS_PLACE})(?P<region>,\s{REGION})?{DASH}"  # "WASHINGTON —", "BOGOTA, Colombia —"
)
# Capitals that open a sentence as a subject, not as a place: never read as a dateline without a region.
NOT_PLACES = frozenset(
    "NASA NATO OPEC FIFA UEFA NCAA NAACP ACLU AARP IRS FBI CIA CDC FDA EPA WHO UN EU US UK USA UPDATE BREAKING "
    "CORRECTION CLARIFICATION EDITOR'S EDITORS NOTE WATCH LIVE ANALYSIS OPINION EXCLUSIVE".split()
)

# -- lines that are furniture wherever they stand ------------------------------------------------------------------

# A sentence pointing to another page: "Read more here.", "For the news as it happened on Election Day, read here.",
# "To learn more about who Bobb is …, click here." It tells where to click, not news, and a small model copies it as
# an answer ("The text states: For the news as it happened on Election Day, read here").
POINTER = re.compile(
    r"(?:(?<=[.!?”\"])\s+|^)(?:(?:For|To)\b[^.!?]{0,160},\s*)?(?:read|see|go|click|look|listen)(?:\s+more)?\s+here"
    r"(?:\s*[.!]|\s*$)(?=\s|$)",
    re.IGNORECASE,
)
# Lines of page furniture that index.articles.clean_text drops while it normalises the text.
FURNITURE_LINE = re.compile(
    r"^(advertisement|story continues below advertisement|skip to main content|share this article|"
    r"share on (facebook|twitter)|sign up for .{0,80}newsletter.*|read more:?.{0,120}|related:.{0,120}|"
    r"click here to .{0,80}|subscribe( now)?|watch:?.{0,80}video|copyright .{0,80}|all rights reserved\.?|reuter|"
    r"(\d+\.\s*)?how relevant is this ad to you\??|ad feedback|video player was slow to load content.*)$",
    re.IGNORECASE,
)
FURNITURE = re.compile(
    r"(?:advertisement|share this (?:article|story)|share (?:on|via) (?:facebook|twitter|email)|sign up here\.?|"
    r"read more:?|show more show less|"
    r"this (?:story|article)(?: and (?:its )?headline)? (?:has|have) been updated(?: with [^.]{0,60})?\.?|"
    r"support local journalism[.:] subscribe to .{1,60}|"
    r"we will use the (?:details|information) you have shared .*|would you like to receive the \w+ newsletter ?\??|"
    r"the weekday newsletter provides you with .{1,80}|"
    r"if you wish to object to the use of your data in this way, please tick here\.?|"
    r"'we' includes the week and other future publishing limited brands.*|"
    r"[-–—]+\s*recommendations are independently chosen by reviewed.{1,200}|"
    r"[\w/ .]{1,40} is a usa today content partner offering financial news and commentary.{0,120})",
    re.IGNORECASE,
)
# A video player printed inside the text (CNN): "JUST WATCHED <title> Replay More Videos ... MUST WATCH <title> 03:46".
# The title is printed twice, so a line of a long title runs past any fixed length after "Replay More Videos": more
# than half of the dev archive's players (277 of 463) outran the 80 characters once allowed there and stayed in the
# text, where their titles could lead an answer ("JUST WATCHED Lawmaker says DeSantis used migrants …").
VIDEO = re.compile(
    r"just watched .{1,200} replay more videos?(?: \.\.\.)?(?: must watch .{1,200}?(?: \d{1,2}:\d{2})?)?", re.IGNORECASE
)
# A link to another story, printed inside the text as a paragraph of its own (USA Today's pages): a label of a few
# words, a colon with no space after it, and the other story's headline ("More:Hundreds of GM hourly workers transfer
# to Flint", "Baby formula shortage:5 things you can do to feed your baby"). Its words are another story's: "A history
# with China:Why Nancy Pelosi is visiting Taiwan despite China's threats" was quoted as the answer to what China did
# after her visit. A line opened by "►" is such a link whatever its label. Prose puts a space after a colon; a time
# ("6:30 a.m.") or a ticker ("(NYSE:TM)") ends no label, nor does a name written with a colon ("re:Store", "re:MARS").
RELATED_LINK = re.compile(
    r"►\s?[^:\n]{1,80}:(?=[A-Z'‘“\"$\d]).{8,220}"
    r"|[A-Z'‘“\"][^\s:(]*(?:\s[^\s:(]+){0,7}(?<![\d\s])(?<!\bre):(?=[A-Z'‘“\"$\d]).{8,220}"
)
# A short line that invites the reader to sign up for (or subscribe to) a newsletter ("Get CNN Health's weekly
# newsletter Sign up here to get ...", "(You can get “5 Things” delivered to your inbox daily. Sign up here.)").
# "Subscribe" only as an invitation ("Subscribe to ...", "subscribe to our ..."): "will allow users to subscribe to
# their favorite Twitter accounts ... from newsletters to ..." is news.
SIGN_UP = re.compile(r"\b(?:[Ss]ign(?:ing)? up|SIGN UP|Subscribe|SUBSCRIBE|subscribe\s(?:to\sour|here|at|now))\b")
SIGN_UP_OBJECT = re.compile(r"\b(?:newsletters?|inbox|sign up here)\b", re.IGNORECASE)
WIRE_REPORTS = re.compile(r"(?:From\s)?(?:[\w ]{1,30}\s)?(?:staff\s)?and\swire\sreports\.?|Staff\sreports?\.?",
                           re.IGNORECASE)
UPDATED = re.compile(
    r"(?:Updated|Published|Posted)\s(?:on\s)?\d{1,2}:\d\d\s?(?:[AaPp]\.?[Mm]\.?)\s?(?:[A-Z]{2,4})?,?"
    r"(?:\s[\w.,]+){0,5}?(?:\s\d{4}|\s/\s.{1,40})?"
)
# "X contributed to this report." A line that opens with a dash may say "to the report" ("— CNN's Beijing Bureau
# contributed to the report."); without the dash, "Several agencies contributed to the report." is news.
_CONTRIBUTED_TO = (
    r"\scontributed\s(?:reporting(?:\sto\s{the}\s(?:report|story|article))?|to\s{the}\s(?:report|story|article))"
)
CONTRIBUTED = re.compile(
    r"(?:[(\s]*[^.!?]{2,250}?" + _CONTRIBUTED_TO.format(the="this")
    + r"|[-–—]+\s*[^.!?]{2,250}?" + _CONTRIBUTED_TO.format(the="th(?:is|e)")
    + r")(?:\sfrom\s[^.]{1,60})?\.?\)?"
)
CONTRIBUTING = re.compile(
    rf"Contributing:\s?.{{1,300}}|(?:Additional\s)?(?:[Rr]eporting|[Ww]riting)\sby\s{NAME}.{{0,300}}"
)
SIGNATURE = re.compile(rf"[-–—]{{1,2}}\s*(?P<names>{NAMES.pattern})(?:,\s(?:{OUTLET.pattern}))?")
SIGNATURE_OUTLET = re.compile(rf"[-–—]{{1,2}}\s*(?:{OUTLET.pattern})")

# -- photo credits and captions -------------------------------------------------------------------------------------

AGENCY = (
    r"(?:AP|AFP|Reuters|Getty\sIma\w*|Bloomberg|EPA(?:-EFE)?|Shutterstock|NurPhoto|Anadolu\sAgency|Sipa(?:\sUSA)?|"
    r"SOPA\sImages|LightRocket|ZUMA\s(?:Press|Wire)|Pool|TNS|Abaca|Xinhua|Redux|Alamy|Imagn|Polaris|Invision|"
    r"USA\sTODAY(?:\sSports|\sNetwork)?|The\sWashington\sPost|The\sNew\sYork\sTimes|CNN|NASA)"
)
# "Matthew Brown/AP", "Bryan R. Smith/AFP/Getty Images", "Jacob W. Frank/National Park Service/AP",
# "Gabby Jones/Bloomberg via Getty Images", "Lam Yik Fei/Bloomberg/Getty Images/FILE".
# The photographer (a name, or a handle such as "d3sign"), then agencies and collections between slashes.
CREDITED = r"[\w][\w.'’&-]*(?:\s[A-Z][\w.'’&-]*){0,4}"
CREDITED_NAME = r"[A-Z][\w.'’&-]*(?:\s[A-Z][\w.'’&-]*){0,4}"
SEGMENT = r"[\w][\w.'’&,-]*(?:\s[\w.'’&,-]+){0,5}?"
CREDIT_TAIL = rf"\s?/{{1,2}}\s?(?:{SEGMENT}\s?/\s?){{0,4}}(?:{AGENCY}|{SEGMENT}\svia\sGetty\sImages)(?:/FILE)?"
CREDIT = re.compile(
    # After a sentence (a caption's end) and before the next caption or the end of the line; a credit that ends
    # the line may follow a caption with no full stop ("... in Seattle Lindsey Wasson/AP").
    rf"(?:(?:^|(?<=[.!?”\"')]\s)){CREDITED}{CREDIT_TAIL}(?=$|\s+[A-Z“\"‘'(])|(?<=\s){CREDITED_NAME}{CREDIT_TAIL}$"
    # An agency alone after a caption: "... in Wuhan, China. Getty Images"
    rf"|(?<=[.!?]\s)(?:AFP\svia\s)?Getty\sImages$)"
)
PHOTO_PAREN = re.compile(
    r"\s*\((?:(?:Photo|Image|Picture)s?(?::|\sby|\scourtesy(?:\sof)?)\s|(?:AP|Reuters|AFP)\sPhoto/)[^()]{1,100}\)"
)
# A photo gallery printed inside the text (CNN): "Photos: <gallery title> <caption>. Hide Caption 3 of 16", one caption
# after another ("Photos: Photos: …" where the gallery's title starts so), sometimes wrapped onto the next paragraph.
# For ``sub`` on a whole text, not one line. A caption never runs past the next one's "Photos:", so a gallery title
# alone on its line (which PHOTO_LINE removes) never swallows the story after it; a "Hide Caption" left alone goes too.
GALLERY = re.compile(
    r"(?:(?<!\S)(?:Photos?:\s+)+(?:(?!Photos?:\s)[\s\S]){0,1500}?)?\bHide\sCaption\s\d+\sof\s\d+[ \t]*"
)
PHOTO_LINE = re.compile(
    r"(?:Photo|Photos|Image|Images|Picture|Photograph|Credit|Photo\scredit)\s?:\s?[^.!?]{1,100}|"
    r"FILE\s?[-–—]\s.+|File\sphoto(?:graph)?\sof\s.{1,100}"
)

# -- the bottom of an article ---------------------------------------------------------------------------------------

CONTACT = re.compile(
    r"(?:Follow|Contact|Reach|Email|E-mail|Connect\swith|Call|Send|(?:He|She|They)\scan\sbe\s(?:reached|contacted))\s"
    r".{0,250}?"
    r"(?:@\w|\bon\sTwitter\b|\bTwitter:|\d{3}[-. ]\d{3}[-. ]\d{4}).{0,250}"
)
# "Jane Doe is a reporter for CNN.", "Ian James covers water for The Arizona Republic." Only at the bottom, and only
# for a name the bylines gave (see index.cleaning): "Evan Gershkovich is a reporter for The Wall Street Journal." can
# end a story about him.
BIO = re.compile(
    rf"(?P<name>{NAME})\s(?:is\s(?:an?|the)\s[^.]{{0,80}}?"
    r"(?:reporter|writer|editor|correspondent|columnist|producer|journalist|contributor|critic)\b.{0,300}"
    r"|covers\s[^.]{1,120}\s(?:for|at)\s(?:the\s)?[A-Z].{0,300})"
)
# A bio that gives the reporter's address, which a story about someone never does: "Neera Tanden is president of the
# Center for American Progress. Follow her on Twitter: @neeratanden", "... Reach him at abahl@gannett.com".
BIO_WITH_CONTACT = re.compile(
    rf"{NAME}\s(?:is|was|has\sbeen|writes|covers)\s.{{1,400}}?"
    r"(?:[\w.+-]+@[\w-]+\.\w+|@\w{2,}|\bon\sTwitter\b|\d{3}[-. ]\d{3}[-. ]\d{4}).{0,250}"
)
REPORTED_FROM = re.compile(rf"(?:{TOKEN}\s){{0,3}}{TOKEN}\sreported\sfrom\s[A-Z][^.]{{1,80}}\.")
COMPILED = re.compile(r"Compiled\sby\s.{1,300}")
