r"""Python-Markdown's inline patterns tried only on text that holds what they need to match.

Markdown's InlineProcessor hands every run of text in the document tree to each of its
inline patterns in turn (15 with `extra`: code, escapes, links, images, autolinks, raw HTML,
entities, line breaks, emphasis), one regular-expression search and several Python calls per
pattern per run: half of Markdown's time on the synthetic articles, where most runs of text
are plain sentences in which no pattern can match. Each pattern's regular expression is read
once (`re._parser`) for the strings any match must contain ("[" for a link, "  \n" for a line
break, "*" or "_" for emphasis); a pattern whose strings are all absent from the text is
passed over as if its search had found nothing, which is exactly what the stock loop does
next. A pattern whose expression cannot be read that way (or a parser that is not there) is
always tried. tests/test_fast_markdown.py compares the output with stock Markdown's on
generated Markdown full of markup and on the repository's articles. Upstream:
docs/upstream/python-markdown-inline-patterns-that-can-match.patch.

The block parser likewise hands every block (a paragraph, mostly) to each block processor,
several of which only search the block for their expression and decline when it is not
there: block quotes, # and underlined headings, rules, definition lists, link references,
footnote and abbreviation definitions (a sixth of the reader's time on the synthetic
articles). Those of Markdown's own classes, with their own methods, are passed over the
same way when the block holds none of their expression's strings.
"""
from __future__ import annotations

import re

from markdown import blockparser, blockprocessors, treeprocessors, util

try:
    from re import _constants as sre, _parser as sre_parse
except ImportError:  # pragma: no cover - Python < 3.11, or a later Python that moved them
    sre = sre_parse = None

_stock: dict = {}
# Compiled expression -> its trigger strings (a tuple), or None: always tried.
_triggers: dict = {}


def _cased(code: int) -> bool:
    char = chr(code)
    return char.lower() != char or char.upper() != char or char.casefold() != char


def _literal(code: int, ignorecase: bool) -> str | None:
    return None if ignorecase and _cased(code) else chr(code)


def _weak(strings) -> bool:
    """Strings of letters, digits and spaces are in nearly every text: poor triggers."""
    return any(all(c.isalnum() or c.isspace() for c in s) for s in strings)


def _best(candidates: list[frozenset]) -> frozenset | None:
    if not candidates:
        return None
    return min(candidates, key=lambda c: (_weak(c), len(c), -min(map(len, c))))


def _required(items, ignorecase: bool) -> frozenset | None:
    """A set of strings one of which every match of the sequence `items` contains (None if
    no such set is known): runs of literal characters, and what required parts require."""
    candidates, run = [], ""
    for op, arg in items:
        char = _literal(arg, ignorecase) if op is sre.LITERAL else None
        if char is not None:
            run += char
            continue
        if run:
            candidates.append(frozenset([run]))
            run = ""
        found = _item(op, arg, ignorecase)
        if found:
            candidates.append(found)
    if run:
        candidates.append(frozenset([run]))
    return _best(candidates)


def _item(op, arg, ignorecase: bool) -> frozenset | None:
    if op is sre.LITERAL:
        char = _literal(arg, ignorecase)
        return None if char is None else frozenset([char])
    if op is sre.IN:
        chars = set()
        for kind, value in arg:
            if kind is not sre.LITERAL:  # a range, a category, a negation
                return None
            char = _literal(value, ignorecase)
            if char is None:
                return None
            chars.add(char)
        return frozenset(chars) or None
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, sub = arg
        if add_flags & re.IGNORECASE:
            ignorecase = True
        if del_flags & re.IGNORECASE:
            ignorecase = False
        return _required(sub, ignorecase)
    if op is sre.ATOMIC_GROUP:
        return _required(arg, ignorecase)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, sub = arg
        return _required(sub, ignorecase) if low >= 1 else None
    if op is sre.BRANCH:
        union = set()
        for alternative in arg[1]:
            found = _required(alternative, ignorecase)
            if not found:
                return None
            union |= found
        return frozenset(union)
    if op is sre.ASSERT:  # a lookahead or lookbehind: in the text too, if not in the match
        return _required(arg[1], ignorecase)
    return None  # anchors, negative lookarounds, any character, back-references...


def triggers(compiled) -> tuple[str, ...] | None:
    """Strings one of which is in any text `compiled` can match, or None."""
    try:
        return _triggers[compiled]
    except KeyError:
        pass
    found = None
    if sre_parse is not None and isinstance(compiled, re.Pattern) and isinstance(compiled.pattern, str):
        try:
            parsed = sre_parse.parse(compiled.pattern, compiled.flags)
            ignorecase = bool(parsed.state.flags & re.IGNORECASE)
            required = _required(list(parsed), ignorecase)
            found = tuple(sorted(required)) if required else None
        except Exception:  # noqa: BLE001 - anything unexpected: the pattern is always tried
            found = None
    _triggers[compiled] = found
    return found


def run(self, tree, ancestors=None):
    # The patterns in order, and each one's trigger strings, for this document.
    patterns = list(self.inlinePatterns)
    self._cctp_patterns = patterns
    self._cctp_triggers = [triggers(p.getCompiledRegExp()) for p in patterns]
    return _stock["run"](self, tree, ancestors)


def handle_inline(self, data, patternIndex=0):  # noqa: N803 - Markdown's own argument name
    """InlineProcessor.__handleInline, passing over patterns that cannot match `data`."""
    if isinstance(data, util.AtomicString):
        return data
    try:
        patterns, needs = self._cctp_patterns, self._cctp_triggers
    except AttributeError:  # a subclass's own run(), which did not note them: the stock loop
        return _stock["handle"](self, data, patternIndex)
    apply = self._InlineProcessor__applyPattern
    start = 0
    count = len(patterns)
    while patternIndex < count:
        need = needs[patternIndex]
        if need is not None:
            for text in need:
                if text in data:
                    break
            else:  # as when its search finds nothing: the next pattern, from the start
                patternIndex += 1
                start = 0
                continue
        data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
        if not matched:
            patternIndex += 1
    return data


def _declining() -> list[tuple]:
    """(class, method name, expression attribute, the class's method, its test()): block
    processors whose `method` does nothing but decline (test() False; run() False, the block
    put back) when the expression finds nothing in the block; for `run`, test() is always
    True. Markdown 3.11's own."""
    found = [(blockprocessors.BlockQuoteProcessor, "test", "RE"),
             (blockprocessors.HashHeaderProcessor, "test", "RE"),
             (blockprocessors.SetextHeaderProcessor, "test", "RE"),
             (blockprocessors.HRProcessor, "test", "SEARCH_RE"),
             (blockprocessors.ReferenceProcessor, "run", "RE")]
    for module, name, method in (("def_list", "DefListProcessor", "test"),
                                 ("footnotes", "FootnoteBlockProcessor", "run"),
                                 ("abbr", "AbbrBlockprocessor", "run")):
        try:
            extension = __import__(f"markdown.extensions.{module}", fromlist=[name])
            found.append((getattr(extension, name), method, "RE"))
        except (ImportError, AttributeError):
            pass
    # Each class's methods as written against: a subclass that overrides them is not gated.
    return [(cls, method, attr, getattr(cls, method), cls.test) for cls, method, attr in found]


def _gate(processor) -> tuple[str, ...] | None:
    """The strings one of which a block must hold for `processor` to take it, or None."""
    for cls, method, attr, own, test in _stock["declining"]:
        if isinstance(processor, cls):
            kind = type(processor)
            if getattr(kind, method) is not own or kind.test is not test:
                return None
            return triggers(getattr(processor, attr, None))
    return None


def parse_blocks(self, parent, blocks):
    """BlockParser.parseBlocks, passing over the processors that would decline the block."""
    gates = self.__dict__.setdefault("_cctp_gates", {})
    while blocks:
        for processor in self.blockprocessors:
            entry = gates.get(id(processor))
            if entry is None or entry[0] is not processor:
                entry = gates[id(processor)] = (processor, _gate(processor))
            need = entry[1]
            if need is not None:
                block = blocks[0]
                for text in need:
                    if text in block:
                        break
                else:  # as when its test (or run) declines: the next processor
                    continue
            if processor.test(parent, blocks[0]):
                if processor.run(parent, blocks) is not False:
                    # run returns True or None
                    break


def install(on: bool = True) -> bool:
    """Swap the fast loops in (or the stock ones back, `on=False`); False when this Markdown is
    not the one it was written against, which then keeps its own."""
    cls = treeprocessors.InlineProcessor
    if sre_parse is None or not hasattr(cls, "_InlineProcessor__handleInline"):
        return False
    if not _stock:
        _stock.update(run=cls.run, handle=cls._InlineProcessor__handleInline,
                      parse=blockparser.BlockParser.parseBlocks, declining=_declining())
    cls.run = run if on else _stock["run"]
    cls._InlineProcessor__handleInline = handle_inline if on else _stock["handle"]
    blockparser.BlockParser.parseBlocks = parse_blocks if on else _stock["parse"]
    return True


def register() -> None:
    install()
