"""The final ranking: BM25 from the index times freshness, popularity, the type and live-now
boosts and a name boost, each factor kept so an operator can see why a result is where it is.

Tuned with `bench/search_quality.py`: accounts (channels, mini programs, merchants) do not go
stale the way posts do, and a query that spells the start of an account's name (`sph` for
视频号剪辑课) is looking for that account, not for its popular posts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from yuanzi.search import text
from yuanzi.search.models import SearchDocument

TYPE_BOOSTS = {
    "creator": 1.2,
    "live": 1.3,
    "miniprogram": 1.1,
    "merchant": 1.1,
    "service": 1.1,
    "contact": 1.2,
}
LIVE_BOOST = 2.0
SOCIAL_STEP, SOCIAL_MAX_FRIENDS = 0.3, 3  # each friend who liked or recommended it, up to three
EXACT_BOOST = 2.0  # the query names this very thing: its whole title, or the title's pinyin / initials
PREFIX_BOOST = 1.5  # the query spells the start of an account's name
FRESH_DAYS, FRESH_MAX = 30.0, 1.5
# Accounts: named things a query navigates to (a friend among your contacts too); they are as
# current as they are in service.
ACCOUNT_KINDS = frozenset({"creator", "miniprogram", "merchant", "service", "contact"})


@dataclasses.dataclass(frozen=True)
class Scored:
    """A document's final score and its factors."""

    doc: SearchDocument
    score: float
    factors: dict[str, float]


def names(query: str, doc: SearchDocument) -> bool:
    """Whether `query` is the document's whole title, in characters, joined pinyin or initials."""
    folded = text.normalise(query).replace(" ", "")
    title = text.normalise(doc.title).replace(" ", "")
    if not folded or not title:
        return False
    if folded == title:
        return True
    # Initials have one letter per character and full pinyin more: shorter cannot name it.
    return folded.isascii() and len(folded) >= len(title) and folded in text.title_spellings(doc.title)


def starts_name(query: str, doc: SearchDocument) -> bool:
    """Whether `query` spells the start of the document's title (characters, pinyin or initials,
    two or more letters): 视频号, `shipin` and `sph` start 视频号剪辑课."""
    folded = text.normalise(query).replace(" ", "")
    title = text.normalise(doc.title).replace(" ", "")
    if not folded or not title:
        return False
    if title.startswith(folded):
        return True
    return (
        folded.isascii()
        and len(folded) >= 2
        and any(s.startswith(folded) for s in text.title_spellings(doc.title))
    )


def _name_factor(query: str, doc: SearchDocument) -> float:
    if names(query, doc):
        return EXACT_BOOST
    return PREFIX_BOOST if doc.kind in ACCOUNT_KINDS and starts_name(query, doc) else 1.0


def score(doc: SearchDocument, bm25: float, now: dt.datetime, query: str = "", friends: int = 0) -> Scored:
    """BM25 × freshness × popularity × social × type × live × name."""
    age_days = max((now - doc.created_at).total_seconds() / 86_400, 0.0)
    factors = {
        "bm25": bm25,
        "freshness": FRESH_MAX
        if doc.kind in ACCOUNT_KINDS
        else 1.0 + (FRESH_MAX - 1.0) * math.exp(-age_days / FRESH_DAYS),
        "popularity": 1.0 + 0.1 * math.log1p(max(doc.popularity, 0.0)),
        "social": 1.0 + SOCIAL_STEP * min(friends, SOCIAL_MAX_FRIENDS),
        "type": TYPE_BOOSTS.get(doc.kind, 1.0),
        "live": LIVE_BOOST if doc.live else 1.0,
        "name": _name_factor(query, doc),
    }
    return Scored(doc, math.prod(factors.values()), factors)
