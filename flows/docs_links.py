"""Links inside the lab's Markdown reference (`docs/<lang>/*.md`), checked as GitHub renders them.

A link in the docs may point to:

- another page of the same language, with or without a section: `tokens.md`, `tokens.md#token_use`;
- a section of the same page: `#token_use`;
- a dashboard page, without an anchor: one of `DASHBOARD_PAGES`;
- AWS documentation over https: a URL starting with one of `AWS_DOCUMENTATION`.

Section anchors are GitHub-style heading slugs (`slugify`). Both languages have the same headings
in the same order, so a section link written against the English page finds its Japanese twin by
position (`localize`): that is how one link in `flows` serves both languages.
Standard library only, so the docs test and the dashboard can both use it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

DASHBOARD_PAGES = frozenset({"/", "/sign_in", "/tokens", "/identity_pool", "/api_gateway", "/reference"})
AWS_DOCUMENTATION = ("https://docs.aws.amazon.com/", "https://repost.aws/knowledge-center/")

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+#+)?\s*$")
_INLINE_CODE = re.compile(r"(`+).+?\1")
# [text](target) or [text](target "title"), not images; <https://…> autolinks.
_LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Link:
    line: int
    target: str


def slugify(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped except `-` and `_`, each space
    a `-`. Letters of every script survive, so a Japanese heading keeps its Japanese characters."""
    return "".join(_slug_char(char) for char in heading.strip().lower())


def _slug_char(char: str) -> str:
    if char == " ":
        return "-"
    if char in "-_" or char.isalnum() or unicodedata.category(char).startswith("M"):
        return char
    return ""


def _outside_fences(markdown: str) -> list[tuple[int, str]]:
    """(line number, text) of every line that is not inside a fenced code block."""
    lines, fence = [], ""
    for number, line in enumerate(markdown.splitlines(), start=1):
        match = _FENCE.match(line)
        if match and (not fence or match[1] == fence):
            fence = "" if fence else match[1]
            continue
        if not fence:
            lines.append((number, line))
    return lines


def headings(markdown: str) -> list[Heading]:
    """Every ATX heading, with its anchor; a repeated slug gets `-1`, `-2`… as on GitHub."""
    found: list[Heading] = []
    seen: dict[str, int] = {}
    for _, line in _outside_fences(markdown):
        match = _HEADING.match(line)
        if match is None:
            continue
        slug = slugify(match[2])
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.append(Heading(len(match[1]), match[2], slug if count == 0 else f"{slug}-{count}"))
    return found


def links(markdown: str) -> list[Link]:
    """Every link target outside code blocks and code spans."""
    found: list[Link] = []
    for number, line in _outside_fences(markdown):
        text = _INLINE_CODE.sub("", line)
        found += [Link(number, match[1]) for match in _LINK.finditer(text)]
        found += [Link(number, match[1]) for match in _AUTOLINK.finditer(text)]
    return found


def _anchors(path: Path) -> list[str]:
    return [heading.anchor for heading in headings(path.read_text(encoding="utf-8"))]


def link_problem(target: str, page: str, anchors_by_page: dict[str, list[str]]) -> str | None:
    """Why `target`, found on `page`, is not an allowed, working link; None when it is."""
    if target.startswith(("http://", "https://")):
        return None if target.startswith(AWS_DOCUMENTATION) else "external links must be https AWS documentation"
    if target.startswith("/"):
        return None if target in DASHBOARD_PAGES else f"not a dashboard page ({', '.join(sorted(DASHBOARD_PAGES))})"
    name, hash_sign, anchor = target.partition("#")
    name = name or page
    if name not in anchors_by_page:
        return f"no page {name} in this language"
    if hash_sign and unquote(anchor) not in anchors_by_page[name]:
        return f"no heading with anchor #{anchor} in {name}"
    return None


def _markdown_folders(docs_root: Path) -> list[Path]:
    folders = {path.parent for path in docs_root.rglob("*.md")}
    return sorted(folders)


def check_links(docs_root: Path) -> list[str]:
    """Broken or disallowed links in every folder of Markdown pages under `docs_root` (each
    folder is one language: its pages may link to each other, never across folders)."""
    problems: list[str] = []
    for folder in _markdown_folders(docs_root):
        pages = sorted(folder.glob("*.md"))
        anchors_by_page = {path.name: _anchors(path) for path in pages}
        for path in pages:
            for link in links(path.read_text(encoding="utf-8")):
                problem = link_problem(link.target, path.name, anchors_by_page)
                if problem:
                    where = path.relative_to(docs_root).as_posix()
                    problems.append(f"{where}:{link.line}: ({link.target}) {problem}")
    return problems


def localize(link: str, lang: str, docs_root: Path, source_lang: str = "en") -> str:
    """The same section in another language: headings correspond one to one, in order.

    Falls back to the page alone when the section cannot be matched.
    """
    page, _, anchor = link.partition("#")
    if not anchor or lang == source_lang:
        return link
    if not (docs_root / source_lang / page).is_file() or not (docs_root / lang / page).is_file():
        return page
    source = _anchors(docs_root / source_lang / page)
    target = _anchors(docs_root / lang / page)
    if anchor not in source or len(source) != len(target):
        return page
    return f"{page}#{target[source.index(anchor)]}"
