"""plugins/cctp_fast_markdown gives Python-Markdown's own HTML: generated Markdown full of
markup, under our settings and under other extensions' inline patterns, and the repository's
articles; and the strings it reads off a regular expression are in every text it matches."""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import markdown
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
import cctp_fast_markdown  # noqa: E402
from cctp_fast_markdown import triggers  # noqa: E402

pytestmark = pytest.mark.skipif(not cctp_fast_markdown.install(False),
                                reason="this Markdown has no InlineProcessor loop to speed up")

# As pelicanconf.py's MARKDOWN, then other extensions that add inline patterns of their own.
CONFIGS = {
    "site": dict(extensions=["markdown.extensions.extra", "markdown.extensions.sane_lists"], output_format="html5"),
    "plain": {},
    "others": dict(extensions=["markdown.extensions.smarty", "markdown.extensions.nl2br", "markdown.extensions.abbr",
                               "markdown.extensions.wikilinks", "markdown.extensions.toc",
                               "markdown.extensions.admonition", "markdown.extensions.legacy_em",
                               "markdown.extensions.def_list", "markdown.extensions.footnotes"]),
    "legacy": dict(extensions=["markdown.extensions.legacy_attrs", "markdown.extensions.attr_list",
                               "markdown.extensions.tables", "markdown.extensions.md_in_html"]),
}

TOKENS = ["Ủy ban", "nhân dân", "tỉnh", "Đảng", "49-NQ/TW", "(1)", "x", " ", " ", " ", "  \n", "\n", "\n\n",
          "*", "**", "***", "_", "__", "`", "``", "\\", "\\*", "\\\\", "[", "]", "](", ")", "![", "[^1]",
          "[^1]: chú thích", "[1]: http://vi.wikipedia.org/x \"t\"", "[a]", "[a][1]", "<", ">", "<b>", "</b>",
          "<http://a.vn/b>", "<me@a.vn>", "<!-- c -->", "&", "&amp;", "&#273;", "&copy", "'", "\"", "--", "---",
          "...", "<<", ">>", "[[Trang]]", "*[HTML]: Hyper Text", "HTML", "{: .c }", "{#id}", "- ", "1. ", "> ",
          "    ", "```\n", "~~~", "| a | b |\n|---|---|\n", "!!! note\n    ", ":   ", "# ", "=", "$"]


def documents(count: int, seed: int):
    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 60)))


def convert_all(config: dict, texts: list[str], fast: bool) -> list[str]:
    cctp_fast_markdown.install(fast)
    try:
        md = markdown.Markdown(**config)
        out = []
        for text in texts:
            md.reset()
            out.append(md.convert(text))
        return out
    finally:
        cctp_fast_markdown.install(False)


@pytest.mark.parametrize("name", CONFIGS)
def test_generated_markdown_gives_stock_html(name):
    texts = list(documents(3000, seed=len(name)))
    stock = convert_all(CONFIGS[name], texts, fast=False)
    fast = convert_all(CONFIGS[name], texts, fast=True)
    for text, want, got in zip(texts, stock, fast):
        assert got == want, f"differs on {text!r}"


def test_repository_articles_give_stock_html():
    texts = [path.read_text(encoding="utf-8").split("\n---\n", 1)[-1] for path in sorted(ROOT.glob("content/**/*.md"))]
    assert texts
    assert convert_all(CONFIGS["site"], texts, fast=True) == convert_all(CONFIGS["site"], texts, fast=False)


def test_every_pattern_of_the_site_has_triggers():
    """Plain text is the common case: no pattern of the site's set is tried on it."""
    md = markdown.Markdown(**CONFIGS["site"])
    found = {type(p).__name__ + ":" + p.getCompiledRegExp().pattern: triggers(p.getCompiledRegExp())
             for p in md.inlinePatterns}
    assert all(found.values()), found
    text = "Ủy ban nhân dân tỉnh Thừa Thiên Huế (1) ban hành Kế hoạch số 51-KH/UBND, ngày 2/6/2005; 90%."
    assert not any(t in text for need in found.values() for t in need)


@pytest.mark.parametrize("pattern, expected", [
    (r"\*\*", ("**",)), (r"a|b", ("a", "b")), (r"a?b", ("b",)), (r"(?i)ab", None), (r"(?i)\[x", ("[",)),
    (r"(?i:a)\*", ("*",)), (r"[^a]", None), (r"x{0,3}", None), (r"(?=\*)", ("*",)), (r"(?!x)y", ("y",)),
    (r"(ab)+c", ("ab",)), (r"a(?:b|c)", ("a",)), (r"[<>]", ("<", ">")), (r".", None),
    (r"a|.", None), (r"\bword\b", ("word",)), (r"(a)\1", ("a",)), (r"", None),
])
def test_triggers_of_expressions(pattern, expected):
    assert triggers(re.compile(pattern)) == expected


ALPHABET = "aAbB*_[<&\\ \n.x"
ATOMS = ["a", "b", "A", r"\*", "_", r"\[", "<", "&", r"\\", " ", r"\n", "x", ".", "[ab]", "[^a]", "[a-c]",
         r"\s", r"\w", "[*_]", r"\b", "^", "$"]


def random_regex(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if depth < 3 and kind < 0.25:
            inner = random_regex(rng, depth + 1)
            part = rng.choice(["({})", "(?:{})", "(?={})", "(?!{})", "(?i:{})", "(?>{})"]).format(inner)
        elif kind < 0.3:
            part = "(?<=" + rng.choice(["a", r"\*", "x", "[ab]"]) + ")"
        else:
            part = rng.choice(ATOMS)
        if rng.random() < 0.35:
            part += rng.choice(["?", "*", "+", "{2}", "{0,2}", "{1,3}", "*?", "+?", "++", "?+"])
        parts.append(part)
    regex = "".join(parts)
    if rng.random() < 0.2:
        regex += "|" + random_regex(rng, depth + 1)
    if depth == 0 and rng.random() < 0.15:
        regex = "(?i)" + regex
    return regex


def test_triggers_are_in_every_match():
    """The property the fast loop relies on, over random expressions and texts."""
    rng = random.Random(8)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12))) for _ in range(300)]
    checked = 0
    for _ in range(1500):
        try:
            compiled = re.compile(random_regex(rng), re.DOTALL | re.UNICODE)
        except re.error:
            continue
        need = triggers(compiled)
        if need is None:
            continue
        checked += 1
        for text in texts:
            if compiled.search(text):
                assert any(t in text for t in need), (compiled.pattern, need, text)
    assert checked > 500


def test_a_subclass_with_its_own_run_gets_the_stock_loop():
    """An InlineProcessor subclass whose run() does not call ours still converts as stock."""
    from markdown import treeprocessors

    class OwnRun(treeprocessors.InlineProcessor):
        def run(self, tree, ancestors=None):
            return cctp_fast_markdown._stock["run"](self, tree, ancestors)

    text = "Một *đoạn* có [liên kết](https://example.org) và `mã`."
    cctp_fast_markdown.install(True)
    try:
        md = markdown.Markdown()
        md.treeprocessors.register(OwnRun(md), "inline", 20)
        got = md.convert(text)
    finally:
        cctp_fast_markdown.install(False)
    assert got == markdown.Markdown().convert(text)


def test_block_processors_that_only_decline_are_passed_over_by_their_strings():
    """The block processors that decline a block without their expression's strings are gated
    on those strings (so a new Markdown that changes them is noticed here); a subclass with its
    own test() is not gated, one with its own expression is gated on that."""
    from markdown import blockprocessors

    md = markdown.Markdown(**CONFIGS["others"])
    gates = {type(p).__name__: cctp_fast_markdown._gate(p) for p in md.parser.blockprocessors}
    assert gates["BlockQuoteProcessor"] == (">",) and gates["HashHeaderProcessor"] == ("#",)
    assert gates["HRProcessor"] == ("*", "-", "_") and gates["SetextHeaderProcessor"] == ("-", "=")
    assert gates["DefListProcessor"] == (":",) and gates["ReferenceProcessor"]
    assert gates["FootnoteBlockProcessor"] and gates["AbbrBlockprocessor"]
    assert gates["ParagraphProcessor"] is None and gates["OListProcessor"] is None

    class OwnTest(blockprocessors.BlockQuoteProcessor):
        def test(self, parent, block):
            return block.startswith("|")

        def run(self, parent, blocks):
            blocks.pop(0)

    class OwnExpression(blockprocessors.BlockQuoteProcessor):
        RE = re.compile(r"(^|\n)[ ]{0,3}\|[ ]?(.*)")

    assert cctp_fast_markdown._gate(OwnTest(md.parser)) is None
    assert cctp_fast_markdown._gate(OwnExpression(md.parser)) == ("|",)
    text = "Một đoạn.\n\n| trích dẫn\n| tiếp\n\n> không phải"
    want = []
    for fast in (False, True):
        cctp_fast_markdown.install(fast)
        try:
            plain = markdown.Markdown()
            plain.parser.blockprocessors.register(OwnExpression(plain.parser), "pipe", 25)
            want.append(plain.convert(text))
        finally:
            cctp_fast_markdown.install(False)
    assert want[0] == want[1] and "<blockquote>" in want[0]
