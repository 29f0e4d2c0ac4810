"""Stage 2: drop site debris, tag lists and photo captions; keep every article sentence."""
from __future__ import annotations

import re
from functools import lru_cache

from .gazetteer import load_json
from .record import Block, Document
from .text import fold

_ITEM_MARK = re.compile(r"^[-–•*+]\s+")


@lru_cache(maxsize=1)
def _rules() -> dict[str, re.Pattern]:
    data = load_json("boilerplate.json")

    def whole(key: str) -> re.Pattern:
        return re.compile("^(?:" + "|".join(data[key]) + ")$", re.IGNORECASE)

    return {
        "drop": whole("drop_blocks"),
        "cut": whole("cut_from"),
        "tags": re.compile(r"^(?:" + "|".join(data["tag_markers"]) + r")\s*:\s*(.*)$", re.IGNORECASE),
        "caption_start": re.compile("^(?:" + "|".join(data["caption_starts"]) + ")", re.IGNORECASE),
        "caption_end": re.compile("(?:" + "|".join(data["caption_ends"]) + ")$", re.IGNORECASE),
        "credit": whole("photo_credit"),
    }


def plain(block: Block) -> str:
    """Block text without a list marker."""
    return _ITEM_MARK.sub("", block.text).strip()


@lru_cache(maxsize=1)
def _sections() -> frozenset[str]:
    return frozenset(fold(s) for s in load_json("boilerplate.json")["section_words"])


def _navigation(text: str, max_words: int) -> bool:
    """'Trang chủ | Giới thiệu | Tin tức', 'Trang chủ > Tin tức > Nội chính', 'Pháp luật - Bạn
    đọc': a menu, a breadcrumb or a section label. A line with a date in it is a header
    ('Nội chính | Hồng Phúc | 09:15 16/06/2022'), left for the date and byline stages."""
    if re.search(r"\d{1,2}[/.-]\d{1,2}|\d{1,2}:\d{2}", text):
        return False
    crumbs = [c.strip() for c in re.split(r"\s*[>»›]\s*", text)]
    if len(crumbs) >= 2 and fold(crumbs[0]) in ("trang chủ", "home"):
        return True     # a breadcrumb, whatever the length of its last item
    if all(fold(p.strip()) in _sections() for p in re.split(r"\s+[-–/>|]\s+|\s*[|>]\s*", text) if p.strip()):
        return True
    items = [i for i in re.split(r"\s*[|>»›/]\s*|\s{2,}", text) if i.strip()]
    short = all(len(re.findall(r"[^\W\d_]+", i)) <= max_words for i in items)
    return short and (len(items) >= 3 or (len(items) == 2 and bool(re.search(r"[>»›]", text))))


def _menu_run(blocks: list[Block], max_words: int) -> int:
    """Length of a run of three or more one-to-few-word lines at the top (a menu)."""
    run = 0
    while run < len(blocks) and len(blocks[run].text.split()) <= max_words // 2 + 1 \
            and not re.search(r"[.!?:;]$|\d", blocks[run].text):
        run += 1
    return run if run >= 3 else 0


def drop_debris(doc: Document) -> None:
    """Remove skip links, menus, breadcrumbs, share widgets, 'Xem thêm' and lone dots; cut
    related-news lists and site footers."""
    rules = _rules()
    nav_words = load_json("boilerplate.json")["nav_max_words"]
    kept: list[Block] = []
    for i, block in enumerate(doc.blocks):
        text = plain(block)
        # A related-news heading or a footer in the last two thirds ends the article.
        if rules["cut"].match(text) and i >= len(doc.blocks) // 3:
            break
        if not (rules["drop"].match(text) or _navigation(text, nav_words)):
            kept.append(block)
    del kept[:_menu_run(kept, nav_words)]
    doc.blocks = kept


def _tag_like(block: Block) -> bool:
    """A keyword under 'Từ khóa:': a list item or a short line that is no sentence."""
    text = plain(block)
    return block.kind == "item" and len(text) <= 60 or \
        block.kind == "para" and len(text.split()) <= 8 and not re.search(r"[.!?:;]$", text)


def take_tags(doc: Document) -> None:
    """'Từ khóa:' followed by entries (on the line or as list items) become tags."""
    rules = _rules()
    for i, block in enumerate(doc.blocks):
        m = rules["tags"].match(plain(block))
        if not m:
            continue
        tags = [t for t in re.split(r"\s*[,;|]\s*", m.group(1)) if t]
        end = i + 1
        while end < len(doc.blocks):
            # A tag cloud comes as one line with its tags two spaces apart.
            cells = [c for c in re.split(r"\s{2,}", plain(doc.blocks[end])) if c]
            if not all(_tag_like(Block(cell, doc.blocks[end].kind)) for cell in cells):
                break
            tags.extend(cells)
            end += 1
        seen: set[str] = set()
        for tag in tags:
            tag = tag.strip(" .#")
            if tag and fold(tag) not in seen:
                seen.add(fold(tag))
                doc.tags.append(tag)
        del doc.blocks[i:end]
        return


def is_credit(block: Block) -> bool:
    """'Ảnh: Minh Hà', 'Quay phim: Minh Trí': a credit line, never an author."""
    return bool(_rules()["credit"].match(plain(block)))


def _is_caption(block: Block) -> bool:
    rules = _rules()
    text = plain(block)
    if len(text.split()) > 40 or block.kind != "para":
        return False
    if rules["credit"].match(text) or rules["caption_end"].search(text):
        return True
    # A scene description is short; a sentence of the article that happens to start the
    # same way is longer and ends with a full stop.
    words = len(text.split())
    short = words <= 12 or (words <= 25 and not text.endswith((".", ":", ";")))
    return short and bool(rules["caption_start"].match(text))


def drop_captions(doc: Document) -> None:
    """Photo captions: lines repeated back to back, scene descriptions, photo credits."""
    blocks = doc.blocks
    keys = [fold(b.text) for b in blocks]
    kept: list[Block] = []
    for i, block in enumerate(blocks):
        repeated = any(0 <= j < len(blocks) and keys[j] == keys[i] for j in (i - 1, i + 1))
        # The first block is the title or lead: never a caption.
        if i > 0 and (repeated and len(block.text.split()) <= 40 or _is_caption(block)):
            continue
        kept.append(block)
    doc.blocks = kept
