"""Chinese (and mixed) text for the index: normalising, segmenting, character grams and pinyin.

- **Normalising**: NFKC (full-width → half-width), case folding, traditional → simplified
  (OpenCC `t2s`), so 「視頻號」, 「ＶＩＤＥＯ」 and 「video」 meet their simplified, lower-case forms.
- **Words**: jieba at search-engine granularity (`cut_for_search`): a long word is indexed with
  the shorter dictionary words inside it (中国农业发展银行 → 中国, 农业, 发展, 银行, …), with a
  platform dictionary and the names of creators and merchants added as they appear.
- **Grams**: every Chinese character and pair of neighbouring characters, so a one- or
  two-character query finds text jieba segmented differently (the weakness of engines that index
  only whole words).
- **Pinyin**: for titles and names, each syllable, the joined syllables and the initials, for
  every reading of polyphones (重庆 → chong qing, zhong qing; "cq", "zq").
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator

import jieba
import opencc
from pypinyin import Style, pinyin

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:[._'-][a-z0-9]+)*")
_ASCII_WORD = re.compile(r"^[a-z0-9]+$")
MAX_READINGS = 16  # pinyin spellings of one name, at most (polyphones multiply)
PLATFORM_WORDS = (
    "视频号",
    "小程序",
    "公众号",
    "企业微信",
    "搜一搜",
    "朋友圈",
    "微信支付",
    "支付分",
    "直播间",
    "代金券",
)

jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict…" on every start
_t2s = opencc.OpenCC("t2s")
_segmenter = jieba.Tokenizer()
_segmenter_lock = threading.Lock()  # jieba initialises its dictionary lazily and not thread-safely
_known: set[str] = set()


def normalise(text: str) -> str:
    """Full-width → half-width, lower case, traditional → simplified."""
    return str(_t2s.convert(unicodedata.normalize("NFKC", text).casefold()))


def add_words(words: Iterable[str]) -> None:
    """Teach the segmenter names and terms (creators, merchants…) so they stay whole words."""
    with _segmenter_lock:
        for word in words:
            clean = normalise(word).strip()
            if 2 <= len(clean) <= 32 and clean not in _known and not clean.isascii():
                _segmenter.add_word(clean, freq=2_000)
                _known.add(clean)


def words_for_index(text: str) -> list[str]:
    """The words of `text` at search granularity (whole words and the dictionary words inside)."""
    return _split(normalise(text), search=True)


def words_for_query(text: str) -> list[str]:
    """The words of a query, each of which a result must contain (in some form)."""
    seen: dict[str, None] = {}
    for word in _split(normalise(text), search=False):
        seen.setdefault(word, None)
    return list(seen)


def _split(text: str, *, search: bool) -> list[str]:
    out: list[str] = []
    for match in _WORD.finditer(text):
        piece = match.group()
        if _CJK.fullmatch(piece):
            with _segmenter_lock:
                cut = _segmenter.cut_for_search(piece) if search else _segmenter.cut(piece)
                out.extend(w for w in cut if w.strip())
        else:
            out.append(piece)
    return out


def grams(text: str) -> list[str]:
    """Every Chinese character and neighbouring pair in `text` (normalised)."""
    out: list[str] = []
    for run in _CJK.findall(normalise(text)):
        out.extend(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def word_grams(word: str) -> list[str]:
    """The grams a query word must all match: itself when one or two characters, else its pairs."""
    if len(word) <= 2:
        return [word]
    return [word[i : i + 2] for i in range(len(word) - 1)]


def _readings(chinese: str) -> Iterator[tuple[str, ...]]:
    """The syllables of every reading of `chinese` (polyphones multiply), at most MAX_READINGS."""
    choices = [
        sorted(set(r)) for r in pinyin(chinese, style=Style.NORMAL, heteronym=True, errors="ignore") if r
    ]
    return itertools.islice(itertools.product(*choices), MAX_READINGS)


def pinyin_tokens(text: str) -> list[str]:
    """Pinyin of a title or name: syllables, joined syllables and initials, for each reading."""
    tokens: dict[str, None] = {}
    runs = _CJK.findall(normalise(text))
    # The whole run and the words inside it: "sph" finds 视频号 inside 重庆视频号 and 视频号剪辑课.
    pieces = runs + [w for r in runs for w in _split(r, search=True) if len(w) > 1]
    for piece in pieces:
        for syllables in _readings(piece):
            tokens.update(dict.fromkeys(syllables))
            tokens.setdefault("".join(syllables), None)
            tokens.setdefault("".join(s[0] for s in syllables), None)
    return list(tokens)


@functools.lru_cache(maxsize=65_536)  # ranking asks for every candidate of every pinyin query
def title_spellings(title: str) -> frozenset[str]:
    """The whole title's joined pinyin and initials, for every reading (视频号 → shipinhao, sph)."""
    chinese = "".join(_CJK.findall(normalise(title)))
    if not chinese:
        return frozenset()
    readings = list(_readings(chinese))
    return frozenset(["".join(r) for r in readings] + ["".join(s[0] for s in r) for r in readings])


def is_latin(word: str) -> bool:
    """Whether a query word is letters and digits only (so it may be pinyin)."""
    return bool(_ASCII_WORD.match(word))


add_words(PLATFORM_WORDS)
