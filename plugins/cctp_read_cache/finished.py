"""Finished articles kept between builds: what Pelican and every plugin's content_object_init
made of an unchanged file is restored instead of made again.

Part of cctp_read_cache (same settings digest, same folder). The reader cache saves the
Markdown and the front matter; turning them into an Article (Pelican's Content.__init__,
then cctp_metadata, cctp_dates, cctp_sanitize on content_object_init) cost about as much
again, on every build, for every article. Here the Article's attributes are pickled right
after it is made, before anything else touches it, and the next build restores them for a
file whose size and modification time are unchanged. The log records the file's making
produced (an unknown province, HTML removed...) are kept with it and logged again, so a
build says the same things.

Keyed on: the file (path, size, modification time in ns, content class), the reader cache's
digest (settings, reader code, Python, Pelican, Markdown, PyYAML), and a stamp of the code
and data content_object_init may use: the sizes and modification times of every file under
the plugin folders and the project's own packages that are imported (scrapers/, its data
files included), the installed distributions' versions (scrapers/installed.py), and the
names of the content_object_init receivers. The rule this relies on: a content_object_init
receiver depends only on the article, the settings, and that code and data (not on other
articles or the context); all of ours do.

Stored as a base file and a small file of what changed since, so that one new article does
not rewrite every article's state (the base is rewritten, without entries for files no
longer read, when the changes grow past a fifth of it).
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import sys
from pathlib import Path

from pelican import signals

from scrapers import installed, resident
from scrapers.stamps import file_stamp

log = logging.getLogger(__name__)

NOT_STATE = ("settings", "_context")
REWRITE_SHARE = 0.2
_salt: dict = {}  # id(settings) -> the code stamp of this build


class _Pickler(pickle.Pickler):
    """The live settings (tags and authors hold them) are referred to, not copied. The
    fallback of dumps(): pickle calls persistent_id for every object (about 200 per article)."""

    def __init__(self, file, settings):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.settings = settings

    def persistent_id(self, obj):
        # Tags read from the reader cache hold the copy of the settings pickled with them;
        # it only differs from the live settings where the reader cache's digest allows.
        if obj is self.settings or (type(obj) is dict and "PLUGIN_PATHS" in obj and "SITENAME" in obj):
            return "settings"
        return None


# Tags, authors and categories are pickled without their settings, and given the live ones
# when loaded (by _wrapper, inside loads()): a table by exact type, looked up by pickle's C code.
_wrappers: dict = {}
_loading: dict = {}


def _subclasses(cls) -> list[type]:
    found, todo = [], [cls]
    while todo:
        found.append(todo.pop())
        todo.extend(found[-1].__subclasses__())
    return found


def _reduce_wrapper(obj):
    return _wrapper, (type(obj), {k: v for k, v in vars(obj).items() if k != "settings"})


def _wrapper(cls, state):
    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    obj.settings = _loading["settings"]  # KeyError outside loads(): the entry is made again
    made = _loading.get("made")
    if made is not None:  # preloading: given the build's settings when restored
        made.append(obj)
    return obj


class _FastPickler(pickle.Pickler):
    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = _wrappers


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, settings):
        super().__init__(file)
        self.settings = settings

    def persistent_load(self, pid):
        if pid == "settings":
            return self.settings
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


def dumps(value, settings) -> bytes:
    """`value` pickled with the live settings referred to, not copied."""
    if not _wrappers:
        from pelican.urlwrappers import URLWrapper
        _wrappers.update((cls, _reduce_wrapper) for cls in _subclasses(URLWrapper))
    buffer = io.BytesIO()
    _FastPickler(buffer).dump(value)
    blob = buffer.getvalue()
    # A settings dict reached some other way (a wrapper class made after the table): the
    # pickler that finds it wherever it is. (Also taken for an article that names the setting.)
    if b"PLUGIN_PATHS" not in blob:
        return blob
    buffer = io.BytesIO()
    _Pickler(buffer, settings).dump(value)
    return buffer.getvalue()


def loads(blob: bytes, settings):
    _loading["settings"] = settings
    try:
        return _Unpickler(io.BytesIO(blob), settings).load()
    finally:
        _loading.clear()


# --- In a resident build process (`cctp build --watch`, scrapers/resident.py) -------------------

class _Preloaded:
    """The entries of one base and delta file, as loaded between builds, and their states
    unpickled: path -> (the entry's blob, its state, the wrappers in it awaiting settings)."""

    __slots__ = ("stamps", "salt", "entries", "delta", "base_size", "states")

    def __init__(self, stamps, salt, entries, delta, base_size, states) -> None:
        self.stamps, self.salt, self.entries, self.delta = stamps, salt, entries, delta
        self.base_size, self.states = base_size, states


_preloaded: dict[str, _Preloaded] = {}


class _Unsettled(pickle.Unpickler):
    """Unpickles without the build's settings: a state that refers to them as such (the
    fallback of dumps()) is left to the build."""

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("refers to the settings")


def _unpickle_unsettled(blob: bytes):
    made: list = []
    _loading.update(settings=None, made=made)
    try:
        return _Unsettled(io.BytesIO(blob)).load(), made
    except Exception:  # noqa: BLE001 - the build unpickles it itself, or makes it again
        return None
    finally:
        _loading.clear()


def preload(notes: list) -> None:
    """In the resident process, after a build: the entries of the files that build's Memos
    used (noted by Memo.__init__), loaded, and their states unpickled, so that the next build
    (a fork of this process) restores 10,000 articles without unpickling them (0.4 s of CPU;
    about 0.15 s less for the restore as a whole, which now copies the pages it touches).
    Unchanged blobs keep the states unpickled before."""
    for base, delta, salt in dict.fromkeys(notes):
        stamps = (file_stamp(base), file_stamp(delta))
        old = _preloaded.get(base)
        if old is not None and old.stamps == stamps and old.salt == salt:
            continue
        entries, new, size = load_split(Path(base), Path(delta), salt)
        before = old.states if old is not None and old.salt == salt else {}
        states = {}
        for path, entry in entries.items():
            if len(entry) != 7:
                continue
            kept = before.get(path)
            if kept is not None and kept[0] == entry[2]:
                states[path] = (entry[2], *kept[1:])
                continue
            made = _unpickle_unsettled(entry[2])
            if made is not None:
                states[path] = (entry[2], *made)
        _preloaded[base] = _Preloaded(stamps, salt, entries, new, size, states)


def load_split(base_path: Path, delta_path: Path, salt: str) -> tuple[dict, dict, int]:
    """(every entry, those in the delta file, how many the base file holds) of entries kept
    as a base file and a small file of what changed since (save_split)."""
    base = load(base_path, salt) or {}
    delta = (load(delta_path, salt) or {}) if base else {}
    return {**base, **delta}, delta, len(base)


def save_split(base_path: Path, delta_path: Path, salt: str, everything: dict, delta: dict,
               base_size: int) -> None:
    """One new entry writes the delta file, not all of them: the base is written again (with
    `everything`) only when the delta grows past REWRITE_SHARE of it."""
    if not base_size or len(delta) > REWRITE_SHARE * base_size:
        write(base_path, (salt, everything))
        delta_path.unlink(missing_ok=True)
    else:
        write(delta_path, (salt, delta))


def load(path: Path, salt: str) -> dict | None:
    """The entries written by write(path, (salt, entries)), or None (missing, unreadable or
    written for another salt)."""
    try:
        with open(path, "rb") as fh:
            found, entries = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        return None
    return entries if found == salt else None


class Body:
    """A restored article's body, not yet decoded: decoding 10,000 bodies of about 4 kB of
    Vietnamese text was about a quarter of unpickling the restored articles, and a build that
    renders a few pages reads a few of them. It waits in the article's ``_cctp_body`` until ``_content``
    is first read (_LazyBody), and cctp_incremental digests it as these bytes either way.
    ``static_links``: what Pelican's get_static_links, asked for every article while the
    context is made, found in it when it was read."""

    __slots__ = ("utf8", "static_links")

    def __init__(self, utf8: bytes, static_links: frozenset) -> None:
        self.utf8 = utf8
        self.static_links = static_links


class _LazyBody:
    """Content._content for an article whose body is still a Body: decoded at the first read,
    then an ordinary attribute (which, being in the instance, comes before this descriptor)."""

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        body = obj.__dict__.pop("_cctp_body", None)
        if body is None:
            raise AttributeError("_content")
        text = obj.__dict__["_content"] = body.utf8.decode("utf-8", "surrogatepass")
        made = _made.get(id(obj))
        if made is not None and made[0] is obj and made[3] is body:
            made[3] = text  # decoded, not changed: still the body it was made with
        return text


def get_static_links(self) -> set:
    body = self.__dict__.get("_cctp_body")
    if body is not None:
        return set(body.static_links)
    return _stock_static_links(self)


_stock_static_links = None
_stock_valid_save_as = None
_checked: dict = {}  # id(restored content) -> (content, the output folder its save_as is inside)
_pending: dict = {}  # id(content just kept) -> (content, its Memo, its path)
# id(content restored or kept in this build) -> [content, the state it was made with, what
# that state follows from, its body as made (its Body while undecoded)]: see made_from.
_made: dict = {}


def made_from(content) -> tuple | None:
    """(state, origin, body) of an article restored or kept in this build, else None.

    ``state``: its attributes as content_object_init left them, the dict it was restored from
    or kept as (values the same objects as the article's, unless a plugin set new ones since;
    the body is not among them).
    ``origin``: a text naming what that state follows from (the file's path, size and
    modification time, its content class and this cache's code stamp), as this cache trusts
    when it restores it. ``body``: the body it was made with (a str, or the Body still waiting
    undecoded). cctp_incremental digests such an article as its origin plus what was set on it
    since, instead of pickling it again."""
    found = _made.get(id(content))
    return tuple(found[1:]) if found is not None and found[0] is content else None


def _note_made(content, state: dict, memo, path: str, stamp, body) -> None:
    # The state itself, not a copy: nothing changes it once the article is made from it.
    origin = f"{path}\0{stamp[0]}\0{stamp[1]}\0{type(content).__qualname__}\0{memo.salt}"
    _made[id(content)] = [content, state, origin, body]


def _has_valid_save_as(self) -> bool:
    """Pelican asks every file it has just read whether its save_as stays in the output folder:
    for a restored article the answer kept with it (its save_as follows from the state it was
    kept with, unchanged since), instead of formatting its URL settings again (about a fifth of
    restoring 10,000 articles, profiled); for an article just made and kept, Pelican's answer,
    kept with it."""
    found = _checked.pop(id(self), None)
    if found is not None and found[0] is self and found[1] == self.settings.get("OUTPUT_PATH"):
        return True
    valid = _stock_valid_save_as(self)
    kept = _pending.pop(id(self), None)
    if valid and kept is not None and kept[0] is self:
        kept[1].checked(kept[2], self.settings.get("OUTPUT_PATH"))
    return valid


def install() -> None:
    """Restored bodies decoded when first read (see Body) and restored articles' save_as
    checked when kept (_has_valid_save_as); called by register()."""
    global _stock_static_links, _stock_valid_save_as
    from pelican.contents import Content
    if _stock_static_links is None:
        _stock_static_links = Content.get_static_links
        _stock_valid_save_as = Content._has_valid_save_as
    Content.get_static_links = get_static_links
    Content._has_valid_save_as = _has_valid_save_as
    Content._content = _LazyBody()


class _Keep(logging.Handler):
    """Records logged while one file is made into an article, as plain messages."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        copy = logging.makeLogRecord(record.__dict__)
        copy.msg, copy.args, copy.exc_info = record.getMessage(), None, None
        self.records.append(copy)


def _stat_tree(root: Path, out: list) -> None:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            out.append((path, st.st_size, st.st_mtime_ns))


def code_stamp(settings: dict) -> str:
    """Sizes and modification times of the plugins and of the project's imported packages
    (not the standard library's or installed ones: their versions count instead)."""
    prefixes = {os.path.realpath(p) for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}}
    roots = {os.path.realpath(p) for p in settings.get("PLUGIN_PATHS", [])}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not path or "." in name or name in ("__main__", "__mp_main__"):
            # A top-level package stands for its modules; the entry point (which
            # multiprocessing also lists as __mp_main__) is not read.
            continue
        real = os.path.realpath(path)
        if any(real.startswith(prefix + os.sep) for prefix in prefixes) or "site-packages" in real:
            continue
        roots.add(os.path.dirname(real) if os.path.basename(real) == "__init__.py" else real)
    files: list = []
    for root in sorted(roots):
        if os.path.isdir(root):
            _stat_tree(Path(root), files)
        elif os.path.exists(root):
            st = os.stat(root)
            files.append((root, st.st_size, st.st_mtime_ns))
    versions = installed.stamp()
    receivers = sorted(f"{getattr(r, '__module__', '')}.{getattr(r, '__qualname__', r)}"
                       for r in signals.content_object_init.receivers_for(None) if r is not None)
    return hashlib.sha256(repr((files, versions, receivers)).encode()).hexdigest()


def configure(settings: dict) -> None:
    """initialized, after the reader cache has its folder: this build's code stamp, or
    nothing when articles cannot be restored (Pelican's setlocale on a tuple date format is
    a side effect of making an article)."""
    _made.clear()
    formats = [settings.get("DEFAULT_DATE_FORMAT"), *dict(settings.get("DATE_FORMATS") or {}).values()]
    if any(isinstance(f, tuple) for f in formats):
        return
    _salt[id(settings)] = (settings, code_stamp(settings))


class Memo:
    """The finished articles of one Readers (one generator), loaded at its first file."""

    def __init__(self, readers) -> None:
        settings = readers.settings
        self.settings = settings
        self.salt = _salt[id(settings)][1]
        _checked.clear()  # what an earlier generator restored or kept was asked about right away
        _pending.clear()
        self.base_path = Path(readers._cache_path + "-finished")
        self.delta_path = Path(readers._cache_path + "-finished-new")
        self.entries: dict = {}
        self.delta: dict = {}
        self.base_size = 0
        self.used: set = set()
        self.states: dict = {}
        if settings.get("LOAD_CONTENT_CACHE"):
            pre = _preloaded.get(str(self.base_path))
            if (pre is not None and pre.salt == self.salt
                    and pre.stamps == (file_stamp(self.base_path), file_stamp(self.delta_path))):
                # In a fork of a resident build process: loaded and unpickled already.
                self.entries, self.delta, self.base_size = dict(pre.entries), dict(pre.delta), pre.base_size
                self.states = pre.states
            else:
                self.entries, self.delta, self.base_size = load_split(self.base_path, self.delta_path, self.salt)
        resident.note(__name__, (str(self.base_path), str(self.delta_path), self.salt))
        self.changed = False

    def entry(self, path: str, stamp: tuple, cls):
        entry = self.entries.get(path)
        if entry is None or entry[0] != stamp or entry[1] != cls.__qualname__ or len(entry) != 7:
            return None
        return entry

    def restore(self, path: str, entry, cls, context):
        pre = self.states.get(path)
        if pre is not None and pre[0] is entry[2]:
            state = pre[1]
            for wrapper in pre[2]:
                wrapper.settings = self.settings
        else:
            try:
                state = loads(entry[2], self.settings)
            except Exception:  # noqa: BLE001 - e.g. a class that moved: make it again
                return None
        content = cls.__new__(cls)
        content.__dict__.update(state)
        body = None
        if entry[4] is not None:
            body = content.__dict__["_cctp_body"] = Body(entry[4], entry[5])
        _note_made(content, state, self, path, entry[0], body)
        content.settings = self.settings
        content._context = context
        if entry[6] is not None:
            _checked[id(content)] = (content, entry[6])
        self.used.add(path)
        for record in entry[3]:
            logging.getLogger(record.name).handle(record)
        return content

    def keep(self, path: str, stamp: tuple, content, records: list) -> None:
        state = {k: v for k, v in vars(content).items() if k not in NOT_STATE}
        body = links = None
        if type(state.get("_content")) is str:
            # Kept apart, as UTF-8, with what Pelican finds in it for every article: see Body.
            links = frozenset(content.get_static_links())
            body = state.pop("_content").encode("utf-8", "surrogatepass")
        try:
            blob = dumps(state, self.settings)
            pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - something pickle cannot take: never restored
            self.delta.pop(path, None)
            return
        # Whether its save_as is inside the output folder: Pelican asks next (_has_valid_save_as).
        self.entries[path] = self.delta[path] = (stamp, type(content).__qualname__, blob, records,
                                                 body, links, None)
        _pending[id(content)] = (content, self, path)
        _note_made(content, state, self, path, stamp, vars(content).get("_content"))
        self.used.add(path)
        self.changed = True

    def checked(self, path: str, output: str | None) -> None:
        """The file just kept has its save_as inside `output` (Pelican's is_valid said so)."""
        entry = self.entries.get(path)
        if entry is not None:
            self.entries[path] = entry[:6] + (output,)
            if path in self.delta:
                self.delta[path] = self.entries[path]

    def save(self) -> None:
        if not self.changed:
            return
        # A rewritten base leaves out the files no longer read.
        save_split(self.base_path, self.delta_path, self.salt,
                   {p: e for p, e in self.entries.items() if p in self.used}, self.delta, self.base_size)
        self.changed = False


def write(path: Path, data) -> None:
    """Written whole or not at all (a build may be stopped at any point)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def read_file(stock, readers, base_path, path, content_class, context, preread_signal,
              preread_sender, context_signal, **kwargs):
    """Readers.read_file through the memo (see the module's docstring)."""
    if id(readers.settings) not in _salt or context_signal and context_signal.receivers:
        # Nothing to key on, or someone wants the metadata before the article is made.
        return stock(readers, base_path, path, content_class=content_class, context=context,
                     preread_signal=preread_signal, preread_sender=preread_sender,
                     context_signal=context_signal, **kwargs)
    memo = readers.__dict__.get("_cctp_finished")
    if memo is None:
        memo = readers.__dict__["_cctp_finished"] = Memo(readers)
    full = os.path.abspath(os.path.join(base_path, path))
    try:
        st = os.stat(full)
        stamp = (st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = None
    entry = memo.entry(full, stamp, content_class) if stamp is not None else None
    if entry is not None:
        if preread_signal:
            preread_signal.send(preread_sender)
        content = memo.restore(full, entry, content_class, context)
        if content is not None:
            return content
    keep = _Keep()
    root = logging.getLogger()
    root.addHandler(keep)
    try:
        content = stock(readers, base_path, path, content_class=content_class, context=context,
                        preread_signal=preread_signal, preread_sender=preread_sender,
                        context_signal=context_signal, **kwargs)
    finally:
        root.removeHandler(keep)
    if stamp is not None and type(content) is content_class:  # not a SkipStub
        memo.keep(full, stamp, content, keep.records)
    return content


def save(readers) -> None:
    memo = readers.__dict__.get("_cctp_finished")
    if memo is not None:
        memo.save()
