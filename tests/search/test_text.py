"""Chinese text for the index: normalising, words, grams and pinyin."""

from __future__ import annotations

from yuanzi.search import text


def test_normalising_folds_width_case_and_traditional_characters() -> None:
    assert text.normalise("視頻號 ＶＩＤＥＯ Ｔｅｓｔ１２３") == "视频号 video test123"


def test_index_words_include_the_dictionary_words_inside_long_words() -> None:
    words = text.words_for_index("中国农业发展银行")
    assert {"中国", "农业", "发展", "银行"} <= set(words)
    assert "视频号" in text.words_for_index("我的视频号")  # a platform word stays whole
    assert text.words_for_index("Hello, World! v2.0 😀") == ["hello", "world", "v2.0"]


def test_query_words_are_whole_and_unique() -> None:
    assert text.words_for_query("视频号 视频号 教程") == ["视频号", "教程"]
    assert text.words_for_query("!!! *** 😀") == []


def test_names_taught_to_the_segmenter_stay_whole() -> None:
    assert "喵星人研究所" not in text.words_for_index("关注喵星人研究所吧")
    text.add_words(["喵星人研究所"])
    assert "喵星人研究所" in text.words_for_index("关注喵星人研究所吧")


def test_grams_are_characters_and_pairs() -> None:
    assert text.grams("视频号 ok 直播") == ["视", "频", "号", "视频", "频号", "直", "播", "直播"]
    assert text.word_grams("农业") == ["农业"]
    assert text.word_grams("发展银行") == ["发展", "展银", "银行"]


def test_pinyin_has_syllables_joined_and_initials_for_every_reading() -> None:
    tokens = set(text.pinyin_tokens("重庆视频号"))
    assert {"shipinhao", "sph", "chongqing", "cq", "shi", "pin", "hao"} <= tokens
    assert {"shipinxiao", "spx"} <= tokens  # 号 is also read xiao
    assert text.pinyin_tokens("hello") == []
    text.add_words(["视频号剪辑课"])  # a name kept whole still yields the initials of its parts
    assert {"sphjjk", "sph", "jj"} <= set(text.pinyin_tokens("视频号剪辑课"))
