"""What a news URL tells about its article: the publisher, from the domain, and a headline, from the slug.

A record's URL is data, not a promise: one urllib cannot split (an unclosed "[" reads as a broken IPv6 host) tells
nothing, and never fails the record.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

# Publishers whose name is not just their domain in capitals (a table: one line per few, unformatted).
# fmt: off
KNOWN_PUBLISHERS = {
    "cnn.com": "CNN", "usatoday.com": "USA Today", "theweek.co.uk": "The Week", "theweek.com": "The Week",
    "reuters.com": "Reuters", "apnews.com": "AP", "bbc.com": "BBC", "bbc.co.uk": "BBC",
    "nytimes.com": "The New York Times", "washingtonpost.com": "The Washington Post",
    "theguardian.com": "The Guardian", "wsj.com": "The Wall Street Journal", "ft.com": "Financial Times",
    "bloomberg.com": "Bloomberg", "aljazeera.com": "Al Jazeera", "foxnews.com": "Fox News", "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News", "abcnews.go.com": "ABC News", "npr.org": "NPR", "politico.com": "Politico",
    "axios.com": "Axios", "tass.com": "TASS", "tass.ru": "TASS", "themoscowtimes.com": "The Moscow Times",
    "france24.com": "France 24", "dw.com": "DW", "latimes.com": "Los Angeles Times", "economist.com": "The Economist",
    "independent.co.uk": "The Independent", "telegraph.co.uk": "The Telegraph", "thehill.com": "The Hill",
    "cnbc.com": "CNBC",
}
# fmt: on
# Second-level labels under which a country-code domain registers names (bbc.co.uk, abc.net.au).
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "go", "ne", "or"}


def source_from_url(url: str | None) -> str | None:
    """Name the publisher from a URL's domain.

    Example:
        >>> source_from_url("https://www.cnn.com/2022/06/12/world/x.html")
        'CNN'
        >>> source_from_url("https://www.theweek.co.uk/news")
        'The Week'
    """
    parts = _url_parts(url)
    if parts is None:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or "." not in host:
        return None
    labels = host.split(".")
    for size in range(len(labels), 1, -1):
        if (known := KNOWN_PUBLISHERS.get(".".join(labels[-size:]))) is not None:
            return known
    registered = labels[-3] if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL else labels[-2]
    return registered.upper() if len(registered) <= 4 else registered.replace("-", " ").title()


_SLUG_NOISE = re.compile(r"^(index|story|article|amp|\d+|[0-9a-f]{8,}|.{1,2})(\.\w+)?$", re.IGNORECASE)


def title_from_url(url: str | None) -> str | None:
    """A headline guessed from a news URL's slug, or None when the URL has no wordy segment.

    Example:
        >>> title_from_url("https://www.cnn.com/2022/06/15/business/ford-recall/index.html")
        'Ford recall'
    """
    parts = _url_parts(url)
    if parts is None:
        return None
    segments = [s for s in parts.path.split("/") if s]
    for segment in reversed(segments):
        words = re.sub(r"\.s?html?$", "", segment).split("-")
        if len(words) >= 2 and not _SLUG_NOISE.match(segment):
            return " ".join(words).capitalize()
    return None


def _url_parts(url: str | None) -> SplitResult | None:
    """``url`` split into its parts (a bare "cnn.com/x" read as a host and path); None when there is no URL or it
    cannot be split (an unclosed "[" reads as a broken IPv6 host): a record's URL is data, not a promise."""
    if not url:
        return None
    try:
        return urlsplit(url if "//" in url else f"//{url}")
    except ValueError:
        return None
