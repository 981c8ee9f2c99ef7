"""Articles from a blog export: front matter, markup stripped, imported and searchable by the CLI;
the index rebuilt from scratch while the old one keeps answering."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from yuanzi.cli import cli
from yuanzi.core.errors import InvalidInput
from yuanzi.core.runtime import Runtime
from yuanzi.search import articles
from yuanzi.search import service as search_service
from yuanzi.settings import Settings

runner = CliRunner()

HEXO = """---
title: 用视频号做一场直播
author: 小林
date: 2026-05-01 10:30:00
categories:
- [运营, 直播]
tags: [视频号, 教程]
---
# 准备工作

先在**手机**上打开[视频号](https://example.com)，然后<script>alert(1)</script>开始。

```python
print("代码块里的字也算")
```
"""

PAGE = """<!doctype html><html><head><title>咖啡的故事</title><style>p{color:red}</style></head>
<body><h1>咖啡的故事</h1><p>一杯手冲咖啡 &amp; 一本书。</p></body></html>"""


@pytest.fixture
def export(tmp_path: Path) -> Path:
    folder = tmp_path / "_posts"
    (folder / "2026").mkdir(parents=True)
    (folder / "live.md").write_text(HEXO, encoding="utf-8")
    (folder / "2026" / "coffee.html").write_text(PAGE, encoding="utf-8")
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\n正文", encoding="utf-8")
    (folder / "latin1.md").write_bytes("caf\xe9".encode("latin-1"))
    (folder / "notes.txt").write_text("not an article", encoding="utf-8")
    return folder


def test_front_matter_and_markdown_become_a_document(export: Path) -> None:
    doc = articles.read(export / "live.md")
    assert doc.kind == "article"
    assert doc.title == "用视频号做一场直播"
    assert doc.author == "小林"
    assert doc.tags == ("运营", "直播", "视频号", "教程")
    assert doc.created_at == dt.datetime(2026, 5, 1, 10, 30, tzinfo=dt.UTC)
    assert doc.url == "/search/articles/live"
    assert "先在手机上打开视频号，然后" in doc.body
    assert "代码块里的字也算" in doc.body
    assert "alert" not in doc.body
    assert "**" not in doc.body
    assert "https://example.com" not in doc.body


def test_html_loses_its_markup_and_keeps_its_title(export: Path) -> None:
    doc = articles.read(export / "2026" / "coffee.html")
    assert doc.title == "咖啡的故事"
    assert "一杯手冲咖啡 & 一本书。" in doc.body
    assert "color" not in doc.body


def test_unreadable_files_say_why(export: Path) -> None:
    with pytest.raises(InvalidInput, match=r"broken\.md: the front matter is not YAML"):
        articles.read(export / "broken.md")
    with pytest.raises(InvalidInput, match=r"latin1\.md: not UTF-8"):
        articles.read(export / "latin1.md")
    found = dict(articles.read_dir(export))
    assert set(found) == {
        export / "live.md",
        export / "2026" / "coffee.html",
        export / "broken.md",
        export / "latin1.md",
    }
    assert found[export / "2026" / "coffee.html"].key == "2026/coffee"  # type: ignore[union-attr]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, engine: Engine) -> Path:
    monkeypatch.setenv("YUANZI_DATABASE_URL", database_url)
    monkeypatch.setenv("YUANZI_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_import_articles_then_search_and_rebuild(env: Path, export: Path, runtime: Runtime) -> None:
    first = runner.invoke(cli, ["search", "import-articles", str(export)])
    assert first.exit_code == 0, first.output
    assert "Imported 2 articles (2 skipped)" in first.output
    assert "broken.md" in first.output
    again = runner.invoke(cli, ["search", "import-articles", str(export)])
    assert "Imported 2 articles" in again.output
    index = search_service.open_index(Settings())

    def found(words: list[str], kinds: list[str] | None = None) -> list[str]:
        with runtime.read_uow() as uow:
            return [h.doc_id for h in index.search(uow, words, kinds, 10)]

    assert found(["直播"], ["article"]) == ["article:live"]
    assert found(["手冲"]) == ["article:2026/coffee"]
    rebuilt = runner.invoke(cli, ["search", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Indexed 2 documents" in rebuilt.output
    assert found(["视频号"]) == ["article:live"]
    with runtime.read_uow() as uow:
        article = search_service.get_article(uow=uow, key="2026/coffee")
    assert (article.title, article.author) == ("咖啡的故事", "")
    assert "一杯手冲咖啡" in article.body
    missing = runner.invoke(cli, ["search", "import-articles", str(export / "nope")])
    assert isinstance(missing.exception, InvalidInput)  # main() prints it and exits 2
    assert "is not a directory" in str(missing.exception)
