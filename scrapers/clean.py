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


def drop_debris(doc: Document) -> None:
    """Remove skip links, share widgets, 'Xem thêm' and lone dots; cut related-news tails."""
    rules = _rules()
    kept: list[Block] = []
    for i, block in enumerate(doc.blocks):
        text = plain(block)
        # A related-news heading in the last third starts a list of other articles.
        if rules["cut"].match(text) and i >= len(doc.blocks) // 3:
            break
        if not rules["drop"].match(text):
            kept.append(block)
    doc.blocks = kept


def take_tags(doc: Document) -> None:
    """'Từ khóa:' followed by entries (on the line or as list items) become tags."""
    rules = _rules()
    for i, block in enumerate(doc.blocks):
        m = rules["tags"].match(plain(block))
        if not m:
            continue
        tags = [t for t in re.split(r"\s*[,;|]\s*", m.group(1)) if t]
        end = i + 1
        while end < len(doc.blocks) and doc.blocks[end].kind == "item" and len(plain(doc.blocks[end])) <= 60:
            tags.append(plain(doc.blocks[end]))
            end += 1
        seen: set[str] = set()
        for tag in tags:
            tag = tag.strip(" .#")
            if tag and fold(tag) not in seen:
                seen.add(fold(tag))
                doc.tags.append(tag)
        del doc.blocks[i:end]
        return


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
