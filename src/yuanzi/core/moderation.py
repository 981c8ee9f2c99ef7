"""The platform's content check for user text (comments, live chat), with the semantics of
WeChat's `msg_sec_check`: text is folded (full-width, case) before matching, and a match means
the text is refused. One list for every component, so a word blocked in Channels is blocked in Live."""

from __future__ import annotations

import unicodedata

# A starting list; operators extend it in settings later.
BLOCKED_WORDS = ("赌博", "代开发票", "刷单", "加微信领红包")


def risky(text: str) -> bool:
    """Whether `text` contains a blocked word (ignoring width, case and spaces between)."""
    folded = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    return any(word in folded for word in BLOCKED_WORDS)
