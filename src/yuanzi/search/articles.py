"""Articles from Markdown or HTML files with YAML front matter (blog exports such as Hexo's
`source/_posts`): title, author, date, categories and tags from the front matter, the text with
its markup stripped."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from yuanzi.core.errors import InvalidInput
from yuanzi.search.documents import Doc

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
MAX_BYTES = 2 << 20
_FRONT = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^#\s+(.+)$", re.MULTILINE)
_SKIPPED_TAGS = {"script", "style", "template", "noscript"}
_BLOCK_TAGS = {
    *("p", "div", "br", "hr", "li", "ul", "ol", "pre", "blockquote", "table", "tr", "td", "th"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "title", "body"),
}


class _Text(HTMLParser):
    """The visible text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        self._in_title = tag == "title"
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self._skipping:
            self._skipping -= 1
        self._in_title = False
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skipping:
            self.parts.append(data)


def _strip(html: str) -> tuple[str, str]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip(), parser.title.strip()


def _names(value: object) -> list[str]:
    """Categories or tags: a string, a list, or Hexo's nested lists."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return [str(value)]


def _date(value: object, path: Path) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{path.name}: date {value!r} is not a date", field="date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def read(path: Path, key: str | None = None) -> Doc:
    """One article as a searchable document (`key`: its id, by default the file's name);
    InvalidInput, naming the file, when it cannot be read."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InvalidInput(f"{path.name}: not Markdown or HTML", field="path")
    if path.stat().st_size > MAX_BYTES:
        raise InvalidInput(f"{path.name}: over {MAX_BYTES >> 20} MiB", field="path")
    try:
        source = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path.name}: not UTF-8 text", field="path") from None
    meta: dict[str, object] = {}
    front = _FRONT.match(source)
    if front:
        try:
            loaded = yaml.safe_load(front.group(1))
        except yaml.YAMLError as exc:
            raise InvalidInput(
                f"{path.name}: the front matter is not YAML ({exc})", field="front_matter"
            ) from None
        if loaded is not None and not isinstance(loaded, dict):
            raise InvalidInput(f"{path.name}: the front matter is not a mapping", field="front_matter")
        meta = loaded or {}
        source = source[front.end() :]
    if kind == "markdown":
        heading = _HEADING.search(source)
        body, html_title = _strip(MarkdownIt("commonmark").render(source))
        fallback = heading.group(1).strip() if heading else ""
    else:
        body, html_title = _strip(source)
        fallback = html_title
    title = str(meta.get("title") or fallback or path.stem).strip()
    return Doc(
        kind="article",
        key=key or _key(path.stem),
        title=title,
        body=body,
        tags=tuple(dict.fromkeys(_names(meta.get("categories")) + _names(meta.get("tags")))),
        author=str(meta.get("author") or "").strip(),
        url=f"/search/articles/{key or _key(path.stem)}",
        created_at=_date(meta.get("date"), path),
    )


def _key(name: str) -> str:
    """An article's id from its path: readable when short, hashed when long."""
    if len(name) <= 48:
        return name
    return f"{name[:32]}-{hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:12]}"


def read_dir(folder: Path) -> Iterator[tuple[Path, Doc | InvalidInput]]:
    """Every Markdown or HTML file under `folder`, read (or the reason it could not be); an
    article's id is its path under `folder`, so importing again replaces rather than duplicates."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in SUFFIXES:
            try:
                yield path, read(path, _key(path.relative_to(folder).with_suffix("").as_posix()))
            except InvalidInput as exc:
                yield path, exc
