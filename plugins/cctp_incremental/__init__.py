"""Incremental rendering: a page or feed is rendered again only when what it is made from changed.

Used by the build driver (`cctp build`, scrapers/site_build.py), which sets INCREMENTAL_STATE
(where the previous build's record is kept) and INCREMENTAL_SALT (a digest of everything
but content/: settings, theme, plugins, data files, versions). Without INCREMENTAL_STATE
(a plain `pelican` run) this plugin does nothing.

Every `Writer.write_file` / `write_feed` call gets a signature before anything is rendered:
the salt, the call's arguments (file name, template, URL, the articles to list) and every
template variable the template can read. Which variables those are is found statically:
Jinja's undeclared names of the template and of every template it extends, includes or
imports (a superset of what one render reads, since names in branches not taken count
too). A value's digest follows its data: an article is digested by everything on it,
including what the generators derived from other articles (related items, neighbours,
citation URLs), where another article it refers to counts by its source file's size and
modification time (what the reader cache trusts too). An article that cctp_read_cache
restored or read in this build counts as that file (what it was made from) plus whatever
was set on it since; plugins set new values rather than change its own in place, which the
tests check on every build they run (CCTP_INCREMENTAL_VERIFY). An article in a list (a listing's
page, related items) counts by its source file too: lists show an article by its list entry
(cctp_fragments), made from its own fields. When the signature equals the one
recorded for the same call last time and the files it wrote are still there as written,
the call is skipped: its files are kept.

At `finalized` (before the sitemap is written, which walks the output), files under the
output that this build neither wrote, kept nor skipped are removed: pages of deleted
articles, old pagination pages. The search index (`pagefind/`) is another step's and is
left alone. The record is saved for the next build.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import io
import logging
import operator
import os
import pickle
import sys
import time
from itertools import compress, repeat
from pathlib import Path

import blinker
from jinja2 import Environment, meta, nodes
from pelican import signals
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper
from pelican.writers import Writer

log = logging.getLogger(__name__)

# Output folders written by other steps of the build, never removed here.
NOT_OURS = ("pagefind",)
# Attributes that are not data a template shows: the settings (in the salt), the shared
# context, and memos that plugins add while pages are rendered.
SKIP_ATTRS = frozenset({"settings", "_context", "_cctp_url_memo"})
# An article's body, digested as UTF-8 beside its other data: cctp_read_cache restores it
# undecoded, as a Body in "_cctp_body", until a page needs it.
BODY, LAZY_BODY = "_content", "_cctp_body"
_DROP = (*sorted(SKIP_ATTRS), LAZY_BODY)
_DROP_WITH_BODY = (*_DROP, BODY)
# Names a paginated write derives from its article lists, name and URL (all in the signature).
PAGE_SUFFIXES = ("_paginator", "_page", "_previous_page", "_next_page")
# A group's attributes holding its articles: digested only for pages that read them.
DEEP_ATTRS = ("articles", "sections")

_state: dict = {"on": False}
_MISSING = object()
DEBUG = bool(os.environ.get("CCTP_INCREMENTAL_DEBUG"))
# The tests: every article digested both ways, checked against the last build (_verify).
VERIFY = bool(os.environ.get("CCTP_INCREMENTAL_VERIFY"))
_stock = {}


class _NO_GROUP:  # noqa: N801 - a type nothing is an instance of: no browse groups to note
    pass


# --- digests ------------------------------------------------------------------------------

def _own(content) -> bytes:
    """An article or page as the reader sees it: its source file's identity (and where its
    links to other articles lead, _links)."""
    memo = _state["own"]
    found = memo.get(id(content))
    if found is not None and found[0] is content:
        return found[1]
    made = _made_from(content)
    if made is not None:  # the file as it was read (no stat of every file, in every process)
        digest = made[1].encode("utf-8", "surrogateescape")
    else:
        path = getattr(content, "source_path", None) or ""
        try:
            st = os.stat(path)
            digest = f"{path}\0{st.st_size}\0{st.st_mtime_ns}".encode()
        except OSError:
            digest = f"{path}\0?".encode()
    # In a list, its summary may hold one of its links.
    digest += _links(content, _body(vars(content))).hex().encode()
    memo[id(content)] = (content, digest)
    # The same as a list item, by id alone: `memo` keeps the article alive, so no other
    # object can have its id while this build lasts.
    _state["own_items"][id(content)] = b"C" + digest
    _state["own_reduced"][id(content)] = (str, (digest.decode("utf-8", "surrogateescape"),))
    return digest


def _own_reduced(content):
    """How _Pickler takes another article: as its _own text (made once per article)."""
    found = _state["own_reduced"].get(id(content))
    if found is None:
        _own(content)
        found = _state["own_reduced"][id(content)]
    return found


def _subclasses(cls) -> list[type]:
    found, todo = [], [cls]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(current.__subclasses__())
    return found


def _dispatch() -> dict:
    """How _Pickler takes an article's data the way _feed digests it: other articles by their
    source file, tags and authors by name and slug. A table by exact type, looked up by
    pickle's C code: a Python hook called for every object (reducer_override) took 1.3 of
    the digests' 3.7 s, profiled. Made when the digests start, once every content and
    wrapper class exists. Sets are pickled in their order, which varies between processes: an article
    holding one would be rendered again on every build, never wrongly (none does; _feed,
    which sorts them, is the fallback for what pickle refuses)."""
    table = dict.fromkeys(_subclasses(Content), _own_reduced)
    table.update({cls: (lambda obj: (str, (f"W{type(obj).__name__}:{obj.name}\0{obj.slug}",)))
                  for cls in _subclasses(URLWrapper)})
    return table


class _Pickler(pickle.Pickler):
    """Pickles an article's data at C speed, with _dispatch's table."""

    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = _state["dispatch"]


def _made_from(content):
    """cctp_read_cache's made_from(content): how a restored or just-read article was made."""
    made_from = _state.get("made_from")
    return made_from(content) if made_from is not None else None


def _content_digest(content) -> bytes:
    memo = _state["memo"]
    key = id(content)
    found = memo.get(key)
    if found is not None and found[0] is content:
        return found[1]
    made = _made_from(content)
    digest = _made_digest(content, *made) if made is not None else None
    if digest is not None:
        if VERIFY:
            _verify(content, digest)
    else:
        digest = _full_digest(content)
    memo[key] = (content, digest)
    return digest


def _pickled(value) -> bytes | None:
    """`value` pickled by _Pickler, or None when pickle cannot take it."""
    buffer = io.BytesIO()
    try:
        pickler = _Pickler(buffer)
        # No memo: the bytes must follow the values, not which of them happen to be one
        # object (an article made afresh shares strings that one restored from
        # cctp_read_cache's memo, or read from the reader cache, does not).
        pickler.fast = True
        pickler.dump(value)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError):
        return None
    return buffer.getvalue()


def _made_digest(content, state: dict, _origin: str, body) -> bytes | None:
    """An article cctp_read_cache restored or read in this build, digested as what it was
    made from (its origin, in _own: its state follows from it, as that cache trusts) plus what
    was set on it since: what the generators derived from other articles (related items, neighbours,
    URLs). Pickling all of every article was 0.75-1.0 s of a build after one new article at
    10,000 articles. Values still the very objects it was made with are as made: plugins set
    new values instead of changing those in place (VERIFY checks it). None: something pickle
    cannot take (then it is digested whole)."""
    attrs = vars(content)
    # Compared in C: ~70 names an article, nearly all of them still the state's own objects.
    since = set(compress(state, map(operator.is_not, map(attrs.get, state, repeat(_MISSING)), state.values())))
    since.update(attrs.keys() - state.keys())
    since.difference_update(_DROP_WITH_BODY)
    gone = sorted(name for name in since if name not in attrs)
    refs = _state["own_items"]
    data = []
    for name in sorted(since.difference(gone)):
        value = attrs[name]
        # Other articles (related items, neighbours) by their list identity, looked up in C
        # instead of a pickler callback for each.
        if isinstance(value, Content):
            value = [value]
        if type(value) is list and value:
            known = list(map(refs.get, map(id, value)))
            if None in known and all(isinstance(item, Content) for item in value):
                known = [b"C" + _own(item) for item in value]
            if None not in known:
                value = (b"\0refs", b"".join(known))
        data.append((name, value))
    # The body, kept apart from the state: only a body set since counts as data.
    current = attrs.get(BODY, _MISSING)
    if current is _MISSING:
        current = attrs.get(LAZY_BODY)
    if current is not body and BODY not in state:
        data.append((BODY, _body(attrs)))
    pickled = _pickled(data)
    if pickled is None:
        return None
    h = hashlib.blake2b(b"made\0", digest_size=16)
    h.update(_own(content))  # its origin, and where its links lead
    h.update(b"\0since\0" + pickled)
    if gone:
        h.update(b"\0gone\0" + "\0".join(gone).encode())
    return h.digest()


def _verify(content, made: bytes) -> None:
    """CCTP_INCREMENTAL_VERIFY (the tests): the article digested whole as well, per attribute.
    When its made digest is the last build's but the whole one is not, something changed
    that _made_digest cannot see (a plugin changed a value of the state in place): fail,
    naming the file and the attributes."""
    attrs = vars(content)
    # An attribute pickle cannot take has no bytes that follow its data: left out.
    pickled = {name: _pickled(value) for name, value in attrs.items() if name not in _DROP_WITH_BODY}
    parts = {name: hashlib.blake2b(data, digest_size=16).digest() for name, data in pickled.items() if data}
    # The body as bytes, whether decoded or still waiting.
    parts[BODY] = hashlib.blake2b(_body(attrs) or b"", digest_size=16).digest()
    key = getattr(content, "source_path", None) or repr(content)
    _state["verify"][key] = (made, parts)
    old = _state["old_verify"].get(key)
    if old is not None and old[0] == made and old[1] != parts:
        changed = sorted(name for name in parts.keys() | old[1].keys() if parts.get(name) != old[1].get(name))
        raise RuntimeError(f"cctp_incremental: {key}: {', '.join(changed)} changed, yet the article "
                           "digests as in the last build: a plugin changed it in place after it was "
                           "made; set a new value instead")


def _full_digest(content) -> bytes:
    """An article or page digested whole: everything on it."""
    attrs = vars(content)
    body = _body(attrs)
    data = attrs.copy()  # in C, then a few names out: a comprehension took a fifth of the digests
    for name in (_DROP_WITH_BODY if body is not None else _DROP):
        data.pop(name, None)
    pickled = _pickled(data)
    if pickled is not None:
        h = hashlib.blake2b(pickled, digest_size=16)
        if body is not None:
            h.update(b"\0body\0")
            h.update(body)
        h.update(_links(content, body))
        return h.digest()
    # Something pickle cannot take (a function, a set, a cycle): digested field by field.
    h = hashlib.blake2b(digest_size=16)
    h.update(type(content).__qualname__.encode())
    stack = {id(content)}
    getattr(content, BODY, None)  # a body still waiting is decoded: one way of digesting it here
    for name, value in sorted(vars(content).items()):
        if name in SKIP_ATTRS:
            continue
        h.update(b"\1" + name.encode())
        _feed(h, value, stack, inner=True)
    h.update(_links(content, _body(vars(content))))
    return h.digest()


def _links(content, body: bytes | None) -> bytes:
    """Where the body's (and a summary of its own's) links to other articles and pages
    (``{filename}``) lead: Pelican puts the target's URL in when the page is rendered, so a
    page must be rendered again when a target's URL changes (its slug edited, or the target
    gone), though its own data did not. Found with Pelican's own resolution, relative to the
    site's root (the page's own depth is its own data); its warnings for a target not found are
    left to the page's rendering."""
    summary = vars(content).get("_summary")
    texts = [text for text in (body, summary.encode("utf-8", "surrogatepass") if type(summary) is str else None)
             if text is not None and b"filename" in text]
    if not texts:
        return b""
    regex = content._get_intrasite_link_regex()
    links = [m.group(0) for text in texts for m in regex.finditer(text.decode("utf-8", "surrogatepass"))
             if m.group("what") == "filename"]
    if not links:
        return b""
    logger = logging.getLogger("pelican.contents")
    muted, logger.disabled = logger.disabled, True
    try:
        resolved = content._update_content("\n".join(links), "")
    finally:
        logger.disabled = muted
    return b"\0links\0" + resolved.encode("utf-8", "surrogatepass")


def _body(attrs: dict) -> bytes | None:
    """The article's body as UTF-8, whether decoded or still waiting (None: not plain text)."""
    text = attrs.get(BODY)
    if type(text) is str:
        return text.encode("utf-8", "surrogatepass")
    waiting = attrs.get(LAZY_BODY)
    return waiting.utf8 if waiting is not None else None


def _feed(h, value, stack: set, inner: bool) -> None:
    """Feed `value`'s data into hash `h`. `inner`: inside an article, where other articles
    count by their source file (their own derived data is digested where they are shown)."""
    t = type(value)
    if value is None or t is bool or t is int or t is float:
        h.update(f"{t.__name__}:{value!r}".encode())
    elif t is str:
        data = value.encode("utf-8", "surrogatepass")
        h.update(b"s%d:" % len(data))
        h.update(data)
    elif isinstance(value, str):
        # Markup (a heading rendered once per listing) and other str subclasses: by their text
        # and type (a template escapes str, not Markup). Their empty __slots__ left the generic
        # branch below only the type's name.
        data = value.encode("utf-8", "surrogatepass")
        h.update(f"s{t.__module__}.{t.__qualname__}:%d:".encode() % len(data))
        h.update(data)
    elif isinstance(value, Content):
        h.update(b"C")
        h.update(_own(value) if inner else _content_digest(value))
    elif isinstance(value, URLWrapper):
        # Tags, authors, categories: as_dict() adds to __dict__ when a URL is formatted, so
        # only what they are is digested (their URLs follow from the slug and settings).
        h.update(f"W{t.__name__}:{value.name}\0{value.slug}".encode())
    elif _is_group(value):
        # Once per build: a group is on its own pages and in lists on many others.
        h.update(_shallow_digest(value))
    elif isinstance(value, (dt.date, dt.time)):
        h.update(f"{t.__name__}:{value.isoformat()}:{getattr(value, 'tzinfo', None)}".encode())
    elif isinstance(value, (list, tuple)):
        h.update(b"L%d:" % len(value))
        # Listings' pages hold articles whose source identity is known by now: looked up at C
        # speed, the same bytes as the loop below (17,000 page signatures a build).
        known = list(map(_state["own_items"].get, map(id, value)))
        if None not in known:
            h.update(b"".join(known))
            return
        for item in value:
            if isinstance(item, Content):
                # An article in a list is shown by its list entry (cctp_fragments), which reads
                # its own fields only: it counts by its source file, not by what other articles
                # gave it (related items, neighbours), which only its own page shows.
                h.update(b"C" + _own(item))
            else:
                _feed(h, item, stack, inner)
    elif isinstance(value, dict) and value and all(_is_group(v) for v in value.values()):
        # province_by_slug and the like: their keys; a page that looks a group up or goes
        # through the values has it recorded by _note, and digested then.
        h.update(b"GM%d:" % len(value))
        for key in value:
            _feed(h, key, stack, inner)
    elif isinstance(value, dict):
        h.update(b"D%d:" % len(value))
        for key, item in value.items():  # in order: templates iterate dicts in order
            _feed(h, key, stack, inner)
            _feed(h, item, stack, inner)
    elif isinstance(value, (set, frozenset)):
        parts = []
        for item in value:
            sub = hashlib.blake2b(digest_size=16)
            _feed(sub, item, stack, inner)
            parts.append(sub.digest())
        h.update(b"S" + b"".join(sorted(parts)))
    elif isinstance(value, (bytes, bytearray)):
        h.update(b"b%d:" % len(value) + bytes(value))
    elif _frozen(t):
        h.update(_frozen_digest(value, inner))
    else:
        _feed_object(h, value, stack, inner)


def _frozen(t: type) -> bool:
    """Whether `t` is a frozen dataclass (a province, a cited document's info...)."""
    memo = _state["frozen_types"]
    found = memo.get(t)
    if found is None:
        params = getattr(t, "__dataclass_params__", None)
        found = memo[t] = bool(params is not None and params.frozen)
    return found


def _frozen_digest(value, inner: bool) -> bytes:
    """A frozen dataclass's digest, once per value and build: its fields cannot be set again,
    and the same few (each cited document's provinces, by section) come up thousands of times
    a build, as as many equal copies (each restored article has its own)."""
    memo = _state["frozen_memo"]
    try:
        key = (type(value), value, inner)
        found = memo.get(key)
    except TypeError:  # a field that cannot be hashed
        key = found = None
    if found is None:
        h = hashlib.blake2b(digest_size=16)
        _feed_object(h, value, set(), inner)
        found = b"F" + h.digest()
        if key is not None:
            memo[key] = found
    return found


def _feed_object(h, value, stack: set, inner: bool) -> None:
    """Any other object: its type's name and its attributes."""
    t = type(value)
    h.update(b"O" + f"{t.__module__}.{t.__qualname__}".encode())
    if id(value) in stack:
        h.update(b"<cycle>")
        return
    data = getattr(value, "__dict__", None)
    if data is None and hasattr(t, "__slots__"):
        data = {s: getattr(value, s) for s in t.__slots__ if hasattr(value, s)}
    if data is None:  # functions, Jinja objects: their behaviour is code, in the salt
        return
    stack.add(id(value))
    for name, item in sorted(data.items()):
        if name not in SKIP_ATTRS:
            h.update(b"\1" + name.encode())
            _feed(h, item, stack, inner)
    stack.discard(id(value))


def _is_group(value) -> bool:
    t = type(value)
    return t.__name__ == "Group" and t.__module__ == "cctp_listing"


def _group_key(group) -> str:
    return f"{group.url}\0{group.slug}\0{group.name}"


def _feed_group(h, group, stack: set, inner: bool) -> None:
    """A browse group (cctp_listing.Group) by what it is and how many articles it has; the
    articles themselves only when the page being rendered reads them, which _deep_access
    records (province_by_slug and the like are on many pages for a link and a count)."""
    h.update(b"G")
    for name, item in sorted(vars(group).items()):
        if name not in DEEP_ATTRS:
            h.update(b"\1" + name.encode())
            _feed(h, item, stack, inner)
    h.update(b"n%d" % len(group.articles))


def _memo_digest(memo_name: str, group, with_articles: bool) -> bytes:
    memo = _state[memo_name]
    found = memo.get(id(group))
    if found is not None and found[0] is group:
        return found[1]
    h = hashlib.blake2b(digest_size=16)
    _feed_group(h, group, set(), inner=False)
    if with_articles:
        # `sections` (cctp_documents) is the articles grouped by province, set just before the
        # group's own page is written: the articles stand for it.
        _feed(h, group.articles, set(), inner=False)
    memo[id(group)] = (group, h.digest())
    return memo[id(group)][1]


def _group_digest(group) -> bytes:
    return _memo_digest("group_memo", group, with_articles=True)


def _shallow_digest(group) -> bytes:
    return _memo_digest("shallow_memo", group, with_articles=False)


def _deep_digest(keys) -> bytes | None:
    """The digest of the groups a page looked up ("shallow") or read the articles of
    ("deep"); None if one is gone."""
    groups = _state["groups"]
    h = hashlib.blake2b(digest_size=16)
    for depth, key in sorted(keys):
        group = groups.get(key)
        if group is None:
            return None
        h.update(depth.encode() + key.encode())
        h.update(_group_digest(group) if depth == "deep" else _shallow_digest(group))
    return h.digest()


def _value_digest(value) -> bytes:
    if type(value) is list and value:
        # A listing's articles are passed as `articles` and `dates`, and a group's list to
        # each of its pages: the same list object, unchanged while pages are written.
        memo = _state["list_memo"]
        found = memo.get(id(value))
        if found is not None and found[0] is value and found[1] == len(value):
            return found[2]
    h = hashlib.blake2b(digest_size=16)
    _feed(h, value, set(), inner=False)
    if type(value) is list and value:
        memo[id(value)] = (value, len(value), h.digest())
    return h.digest()


def _context_digest(context: dict, name: str) -> bytes:
    # The shared context does not change while pages are written, so each value is digested
    # once per build (the article list, the map, the groups...).
    if name not in context:
        return b"-"
    value = context[name]
    memo = _state["context_memo"]
    found = memo.get(name)
    if found is not None and found[0] is value:
        return found[1]
    digest = _value_digest(value)
    memo[name] = (value, digest)
    return digest


def _shared_digest(context: dict, names: frozenset, kwargs: dict, parts: dict | None) -> bytes:
    """The digest of what a template reads from the shared context (its variables the call
    does not pass). Pages of one template read the same variables, whose values do not change
    while pages are written: the digest is made once per template and set of passed names,
    and used again while every value is still the same object. `parts` (debugging) gets each
    variable's digest."""
    passed = tuple(sorted(k for k in kwargs if k in names))
    key = (id(context), id(names), passed)
    memo = _state["shared_memo"]
    found = memo.get(key)
    if (parts is None and found is not None and found[0] is context and found[1] is names
            # Every value still the same object, compared in C (17,000 calls × tens of names).
            and all(map(operator.is_, map(context.get, found[2], repeat(_MISSING)), found[3]))):
        return found[4]
    read = tuple(var for var in sorted(names) if var not in kwargs and not var.endswith(PAGE_SUFFIXES))
    h = hashlib.blake2b(digest_size=16)
    for var in read:
        digest = _context_digest(context, var)
        h.update(f"\0{var}:".encode() + digest)
        if parts is not None:
            parts[var] = digest
    memo[key] = (context, names, read, tuple(context.get(var, _MISSING) for var in read), h.digest())
    return memo[key][4]


# --- what a template reads ------------------------------------------------------------------

def _parse_template(env, name: str):
    """(undeclared names, referenced template names or None if one is chosen at render time)
    of one template, parsed once per build."""
    memo = _state["parsed"]
    if name not in memo:
        source, _, _ = env.loader.get_source(env, name)
        ast = env.parse(source)
        refs = list(meta.find_referenced_templates(ast))
        dynamic = None in refs or any(
            not isinstance(node.template, nodes.Const)
            for node in ast.find_all((nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)))
        memo[name] = (meta.find_undeclared_variables(ast), None if dynamic else refs)
    return memo[name]


def _template_names(env, name: str) -> frozenset | None:
    """Every undeclared variable of template `name` and the templates it pulls in; None when
    one of them is chosen at render time (then the page is always rendered)."""
    memo = _state["templates"]
    if name in memo:
        return memo[name]
    seen, todo, names = set(), [name], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        found, refs = _parse_template(env, current)
        if refs is None:
            memo[name] = None
            return None
        names |= found
        todo.extend(refs)
    memo[name] = frozenset(names)
    return memo[name]


# --- the writer -----------------------------------------------------------------------------

def _outputs_intact(names) -> bool:
    files = _state["old_files"]
    for name in names:
        recorded = files.get(name)
        if recorded is None:
            return False
        try:
            st = os.stat(os.path.join(_state["output"], name))
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns) != recorded:
            return False
    return True


def _final(base: bytes, deep) -> bytes | None:
    extra = _deep_digest(deep)
    return None if extra is None else hashlib.blake2b(base + extra, digest_size=20).digest()


def _run(key: str, base: bytes | None, render) -> None:
    """Skip the call when its signature and files are as last time; else render it, noting
    which files it wrote and which groups' articles it read. `base` covers the call's
    arguments and template variables; the signature adds the groups the previous render
    read: rendering is deterministic, so the same inputs read the same groups again."""
    calls = _state["calls"]
    if key in calls:  # a second call for the same file: no memo, render as Pelican would
        calls[key] = (None, calls[key][1], ())
        base = None
    old = _state["old_calls"].get(key)
    if (base is not None and old is not None and old[0] is not None
            and _final(base, old[2]) == old[0] and _outputs_intact(old[1])):
        calls[key] = old
        _state["kept"].update(old[1])
        _state["skipped"] += 1
        return
    before = len(_state["written"])
    _state["reading"] = deep = set()
    try:
        render()
    finally:
        _state["reading"] = None
    deep = tuple(sorted(deep))
    calls[key] = (None if base is None else _final(base, deep), _state["written"][before:], deep)
    _state["rendered"] += 1


def _note(obj, name, result) -> None:
    """What a template reads of the browse groups, as it reads it (obj.name or obj[name]),
    for a lookup that involves a group or a dict (_noting tells)."""
    group = _state["group"]
    obj_type = type(obj)
    reading = _state["reading"]
    if reading is None:
        return
    if type(result) is group:
        reading.add(("shallow", _group_key(result)))
    elif obj_type is group:
        if name in DEEP_ATTRS:
            reading.add(("deep", _group_key(obj)))
    elif name in ("items", "values", "get") and obj:
        values = list(obj.values())
        if all(_is_group(v) for v in values):
            reading.update(("shallow", _group_key(v)) for v in values)


def _noting(stock):
    """Jinja's getattr or getitem, noting what a page reads of the browse groups. Every lookup
    of every page goes through it (about 800,000 per process in a full build at 10,000
    articles): most are neither of a group nor of a dict, told by type alone, here."""
    def lookup(self, obj, name):
        result = stock(self, obj, name)
        group = _state["group"]
        if type(result) is group or type(obj) is group or type(obj) is dict:
            _note(obj, name, result)
        return result
    return lookup


def _relative(path: str) -> str:
    return os.path.relpath(path, _state["output"]).replace(os.sep, "/")


CONTENT_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                 "drafts_translations", "pages", "hidden_pages", "draft_pages", "draft_translations")


def remember_generators(generators) -> None:
    _state["generators"] = list(generators)
    _state["context"] = generators[0].context if generators else {}


def _before_first_write(owns) -> None:
    """Digest every article and page this process writes before any is rendered: rendering
    adds memos to some objects, and a digest must not depend on which pages happened to be
    rendered first. (A page's own article is the only one digested whole: others count by
    their source file.)"""
    _state["primed"] = True
    _state["dispatch"] = _dispatch()
    _state["made_from"] = getattr(sys.modules.get("cctp_read_cache.finished"), "made_from", None)
    # The browse groups' class (_is_group), for _note; none without cctp_listing.
    _state["group"] = getattr(sys.modules.get("cctp_listing"), "Group", None) or _NO_GROUP
    for value in (_state.get("context") or {}).values():
        if isinstance(value, (list, dict)):
            for item in (value.values() if isinstance(value, dict) else value):
                if type(item).__name__ == "Group" and type(item).__module__ == "cctp_listing":
                    _state["groups"].setdefault(_group_key(item), item)
    for generator in _state.get("generators", []):
        for name in CONTENT_LISTS:
            for content in getattr(generator, name, None) or []:
                if isinstance(content, Content) and (owns is None or owns(content.save_as)):
                    _content_digest(content)


def _mine(writer, name) -> bool:
    """Whether this process renders file `name`: with cctp_parallel_write, each of N processes
    signs and renders its share (and digests the articles whose pages are in it)."""
    owns = getattr(writer, "owns", None)
    if not _state["primed"]:
        _before_first_write(owns)
    return owns is None or owns(name)


def write_file(self, name, template, context, relative_urls=False, paginated=None,
               template_name=None, override_output=False, url=None, **kwargs):
    def render():
        return _stock["write_file"](self, name, template, context, relative_urls=relative_urls,
                                    paginated=paginated, template_name=template_name,
                                    override_output=override_output, url=url, **kwargs)
    if not _state["on"] or not name:
        return render()
    if not _mine(self, name):
        return None
    names = _template_names(template.environment, template.name)
    signature = None
    if names is not None:
        h = hashlib.blake2b(digest_size=20)
        h.update(repr((_state["salt"], "file", name, template.name, relative_urls, template_name,
                       override_output, url)).encode())
        parts = {}
        pages_of = paginated
        if pages_of is None:  # as the stock writer decides it
            pages_of = {k: v for k, v in kwargs.items() if k in ("articles", "dates")}
        # Lists Pelican pages through count whether or not the template names them.
        for key in sorted(pages_of):
            parts["paginated:" + key] = _value_digest(pages_of[key])
            h.update(f"\0paginated:{key}=".encode() + parts["paginated:" + key])
        for key in sorted(kwargs):
            if key in names:
                parts[key] = _value_digest(kwargs[key])
                h.update(f"\0{key}=".encode() + parts[key])
        h.update(_shared_digest(context, names, kwargs, parts if DEBUG else None))
        signature = h.digest()
        if DEBUG:
            _state["debug"][name] = parts
    _run("file:" + name, signature, render)


def write_feed(self, elements, context, path=None, url=None, feed_type="atom",
               override_output=False, feed_title=None):
    def render():
        return _stock["write_feed"](self, elements, context, path, url, feed_type, override_output, feed_title)
    if not _state["on"] or not path:
        return render()
    if not _mine(self, path):
        return None
    h = hashlib.blake2b(digest_size=20)
    h.update(repr((_state["salt"], "feed", path, url, feed_type, override_output, feed_title)).encode())
    h.update(_value_digest(list(elements[: self.settings["FEED_MAX_ITEMS"]])))
    for var in ("SITENAME", "SITEURL", "FEED_DOMAIN", "SITESUBTITLE"):
        h.update(_context_digest(context, var))
    _run("feed:" + path, h.digest(), render)


def _open_w(self, filename, encoding, override=False):
    if _state["on"] and filename != os.devnull:
        _state["written"].append(_relative(filename))
    return _stock["_open_w"](self, filename, encoding, override)


# --- the build --------------------------------------------------------------------------------

def start(pelican) -> None:
    settings = pelican.settings
    path = settings.get("INCREMENTAL_STATE")
    if _state.get("listing"):
        _state["listing"].close()
    _state.clear()
    _state["on"] = False
    # Noting what a page reads costs every attribute lookup of every template: only in a
    # build that keeps a record (a plain `pelican` run, a full bench build, has none).
    Environment.getattr = _stock["noting_getattr" if path else "getattr"]
    Environment.getitem = _stock["noting_getitem" if path else "getitem"]
    if not path:
        return
    _state.update(on=True, path=Path(path), salt=str(settings.get("INCREMENTAL_SALT") or ""),
                  output=os.path.abspath(pelican.output_path), started=time.time_ns(),
                  calls={}, debug={}, verify={}, old_verify={}, frozen_types={}, frozen_memo={}, primed=False, group=_NO_GROUP, groups={}, group_memo={}, shallow_memo={}, list_memo={}, shared_memo={}, reading=None, written=[], kept=set(), memo={}, own={}, own_items={}, own_reduced={}, context_memo={}, templates={}, parsed={},
                  skipped=0, rendered=0, old_calls={}, old_files={})
    try:
        with open(path, "rb") as fh:
            old = pickle.load(fh)
        if old.get("salt") == _state["salt"]:
            _state["old_calls"] = old["calls"]
            _state["old_files"] = old["files"]
            _state["old_verify"] = old.get("verify") or {}
            # The salt covers the theme, so the templates' variables are as last time.
            _state["parsed"] = old.get("parsed", {})
            _state["templates"] = old.get("templates", {})
    except (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError, AttributeError):
        pass  # no usable record: every page is rendered
    _state["listing"] = _Listing(_state["output"])


def _walk(output: str):
    for folder, dirs, files in os.walk(output):
        rel = folder[len(output) + 1:].replace(os.sep, "/")  # os.walk joins onto `output`
        if not rel:
            dirs[:] = [d for d in dirs if d not in NOT_OURS]
        for f in files:
            yield rel + "/" + f if rel else f


class _Listing:
    """The output's files as the build found them, listed by a child process while the build
    reads: on a disk whose caches are cold, listing 17,000 files in as many folders took
    about 1 s at the end of a 10,000-article build, and none of it needs the build."""

    def __init__(self, output: str) -> None:
        self.pid = None
        if not hasattr(os, "fork") or not os.path.isdir(output):
            return
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as out:
                    out.write("\0".join(_walk(output)).encode("utf-8", "surrogateescape"))
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self.pid, self.read_end = pid, read_end

    def files(self) -> list[str] | None:
        """The list, or None when it could not be made (then the caller walks)."""
        if self.pid is None:
            return None
        with os.fdopen(self.read_end, "rb") as fh:
            data = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if os.waitstatus_to_exitcode(status):
            return None
        return data.decode("utf-8", "surrogateescape").split("\0") if data else []

    def close(self) -> None:
        """For a build that ended before its clean-up (`make serve` goes on to the next)."""
        if self.pid is not None:
            os.close(self.read_end)  # the child's write fails, and it ends
            os.waitpid(self.pid, 0)
            self.pid = None


def finish(pelican) -> None:
    """finalized: remove what this build did not produce, then save the record."""
    if not _state.get("on"):
        return
    output = _state["output"]
    produced = set(_state["written"]) | _state["kept"]
    found = _state["listing"].files()
    if found is None:
        found = list(_walk(output))
    # A file the listing did not find was made during this build: produced, or kept below.
    listing = list(produced.difference(found))
    # Files a later finalized step writes or removes itself (cctp_sitemap's).
    later = tuple(getattr(pelican, "later_outputs", ()))
    emptied = set()
    removed = 0
    for rel in found:
        if rel in produced:  # nearly all of them: no path to make
            listing.append(rel)
            continue
        path = os.path.join(output, rel)
        try:
            # Kept too: what was written this build by other means (static files, plugins).
            if ((later and any(fnmatch.fnmatchcase(rel, p) for p in later))
                    or os.stat(path).st_mtime_ns >= _state["started"]):
                listing.append(rel)
                continue
            os.remove(path)
            removed += 1
            emptied.add(os.path.dirname(path))
        except OSError:
            continue
    # Only folders this clean-up emptied can have become empty: no second walk of the output.
    for folder in sorted(emptied, key=len, reverse=True):
        while folder.startswith(output + os.sep):
            try:
                os.rmdir(folder)  # fails when not empty (or gone already)
            except OSError:
                break
            folder = os.path.dirname(folder)
    # What is in the output now, for the sitemap (cctp_sitemap), which would walk it again.
    pelican.output_files = listing
    files = {}
    written = set(_state["written"])
    for rel in produced:
        if rel not in written:  # kept: found as recorded when its call was skipped
            files[rel] = _state["old_files"][rel]
            continue
        try:
            st = os.stat(os.path.join(output, rel))
        except OSError:
            continue
        files[rel] = (st.st_size, st.st_mtime_ns)
    # Every file the output now holds, with its size and modification time: `cctp build` keeps
    # this listing to tell an untouched output, instead of walking 17,000 files again.
    outputs = {}
    for rel in listing:
        stamp = files.get(rel)
        if stamp is None:
            try:
                st = os.stat(os.path.join(output, rel))
            except OSError:
                continue
            stamp = (st.st_size, st.st_mtime_ns)
        outputs[rel] = stamp
    path = _state["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump({"salt": _state["salt"], "calls": _state["calls"], "files": files, "outputs": outputs,
                     "debug": _state["debug"], "verify": _state["verify"],
                     "parsed": _state["parsed"], "templates": _state["templates"],
                     "stats": {"rendered": _state["rendered"], "skipped": _state["skipped"],
                               "removed": removed}}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    log.info("cctp_incremental: %d lượt dựng lại, %d lượt giữ nguyên, %d tệp cũ đã xoá",
                _state["rendered"], _state["skipped"], removed)
    _state["on"] = False


# What a worker of cctp_parallel_write did, handed to the parent for the record. Workers are
# forked just before the first write, when nothing is counted yet: their counts add up.
WORKER_FIELDS = ("calls", "debug", "verify", "written", "kept", "skipped", "rendered")


def worker_done(_pelican):
    return {name: _state[name] for name in WORKER_FIELDS} if _state.get("on") else None


def workers_joined(_pelican, results):
    if not _state.get("on"):
        return
    for result in results:
        mine = result.get(__name__)
        if not mine:
            continue
        _state["calls"].update(mine["calls"])
        _state["debug"].update(mine["debug"])
        _state["verify"].update(mine["verify"])
        _state["written"].extend(mine["written"])
        _state["kept"].update(mine["kept"])
        _state["skipped"] += mine["skipped"]
        _state["rendered"] += mine["rendered"]


def register() -> None:
    # Pelican registers plugins again for every instance (`make serve` rebuilds): the stock
    # methods are taken once, or each wrapper would end up calling itself.
    if not _stock:
        _stock.update(write_file=Writer.write_file, write_feed=Writer.write_feed, _open_w=Writer._open_w,
                      getattr=Environment.getattr, getitem=Environment.getitem,
                      noting_getattr=_noting(Environment.getattr), noting_getitem=_noting(Environment.getitem))
    Writer.write_file = write_file
    Writer.write_feed = write_feed
    Writer._open_w = _open_w
    signals.initialized.connect(start)
    signals.all_generators_finalized.connect(remember_generators)
    # cctp_parallel_write's signals, by name: this plugin works without it.
    blinker.signal("cctp_parallel_write.worker_done").connect(worker_done)
    blinker.signal("cctp_parallel_write.workers_joined").connect(workers_joined)
    # After cctp_parallel_write's (earlier in PLUGINS), which joins the workers first.
    signals.finalized.connect(finish)
