"""Builds from a process that stays: `cctp build --watch`.

A build after one new article at 10,000 articles spends about 0.7 s before Pelican reads
anything new: Python starts and imports Pelican, the plugins and Markdown (0.2 s), the
finished articles' cache is loaded (0.1 s) and 10,000 kept states are unpickled (0.4 s). After
a pause, when the disk's caches have emptied, the modules and caches are read from the disk
again.

`cctp build --watch` builds once, then waits for files under content/ to change and builds
again, for as long as it runs. Each build is the same as `cctp build`'s (site_build.build),
except that Pelican runs in a fork of this process (Zygote) instead of a new Python: the
modules are imported once, and the states the last build's finished-articles cache held are
kept unpickled here and reloaded after each build (while the editor looks at the page). It
saves less than those 0.7 s (about 0.3 s a build, docs/build-speed.md): the fork still makes
10,000 articles from the held states, and copies each memory page of them that it touches.
A plugin takes part by calling note() in the build's process with what it wants kept, and by
providing preload(notes), which this process calls after a successful build. The last notes
are kept beside the build's record and preloaded when the command starts, so that the first
change after it is built from held states too (the build at the start finds nothing to do
when nothing changed since the last one, and so notes nothing: the first addition after it
took 0.2-0.3 s longer than the next ones at 10,000 articles).

A change to anything else a build reads (the settings files, theme/, plugins/, scrapers/ and
its data, the installed packages: the build's salt) starts the command again (exec), so the
code that runs is always the code on disk.
"""
from __future__ import annotations

import gc
import os
import pickle
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

# Where a build's process writes what plugins noted (set in the fork by Zygote.start).
REPORT = "CCTP_RESIDENT_REPORT"
_notes: dict[str, list] = {}
# How long files must stay unchanged before a build starts: an editor's save or a checkout
# writes its files within a few milliseconds of each other; one that pauses longer is built
# in two goes, the second right after the first.
WAIT_MS = 20


def note(module: str, data) -> None:
    """In a build's process: keep `data` for `module`'s preload() in the resident process.
    Does nothing in a build not run by one."""
    if REPORT in os.environ:
        _notes.setdefault(module, []).append(data)


def write_report() -> None:
    """At the end of a successful build (scrapers/pelican_run)."""
    path = os.environ.get(REPORT)
    if path and _notes:
        from scrapers.write import atomic_write

        atomic_write(Path(path), pickle.dumps(_notes, protocol=pickle.HIGHEST_PROTOCOL))


class Forked:
    """A build's process forked from the zygote, waited for like a subprocess.Popen."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def wait(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


class Zygote:
    """This process, with Pelican and the plugins imported and the last build's kept states
    loaded, forked for each build's Pelican run (site_build.build's `launch`)."""

    def __init__(self, settings: Path, state_dir: Path) -> None:
        from scrapers.site_build import ROOT

        self.root = ROOT
        state_dir.mkdir(parents=True, exist_ok=True)
        self.report = state_dir / f"resident-{os.getpid()}.report"
        self.notes = state_dir / f"held-{settings.stem}.notes"
        # The modules every build imports: Pelican reads the settings again in each fork
        # and loads the plugins from sys.modules (pelican.plugins._utils.load_legacy_plugin).
        from pelican.plugins._utils import load_plugins
        from pelican.settings import read_settings

        import scrapers.check  # noqa: F401 - the changed files are checked here
        import scrapers.index  # noqa: F401 - and indexed here
        from scrapers import pelican_run  # noqa: F401

        cwd = os.getcwd()
        os.chdir(ROOT)  # settings name paths relative to the project, as a build's process sees them
        try:
            load_plugins(read_settings(str(settings)))
        except Exception as exc:  # noqa: BLE001 - each build's Pelican says what is wrong
            print(f"Chưa nạp sẵn được plugin ({exc}); mỗi lần dựng sẽ tự nạp.", file=sys.stderr)
        finally:
            os.chdir(cwd)
        try:
            with open(self.notes, "rb") as fh:
                self._preload(pickle.load(fh))
        except (OSError, EOFError, pickle.UnpicklingError):
            pass  # none yet: the first build's notes come after it
        self._settle()

    @staticmethod
    def _settle() -> None:
        # What this process holds lives until it ends: out of the cycle collector's sight, so
        # that neither it nor a fork's collector walks (and copies) it again.
        gc.collect()
        gc.freeze()

    def start(self, args: list[str], env: dict, stdout, pass_fds=(), close_fds=()) -> Forked:
        """Pelican (scrapers/pelican_run) with `args`, in a fork of this process (which has
        every file descriptor, `pass_fds` too; it closes `close_fds`)."""
        self.report.unlink(missing_ok=True)
        pid = os.fork()
        if pid:
            return Forked(pid)
        try:  # the fork never returns to the caller
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            for fd in close_fds:
                os.close(fd)
            if stdout == subprocess.DEVNULL:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.close(null)
            os.environ.update(env)
            os.environ[REPORT] = str(self.report)
            os.chdir(self.root)
            from scrapers import pelican_run

            pelican_run.main(args)  # ends the process
        except BaseException:  # noqa: BLE001 - said, then the fork ends as a failed build
            traceback.print_exc()
        finally:
            os._exit(1)

    def absorb(self) -> None:
        """After a successful build: what its plugins noted, handed to their preload()."""
        try:
            with open(self.report, "rb") as fh:
                notes = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError):
            self.report.unlink(missing_ok=True)
            return
        try:
            self.report.replace(self.notes)  # held from the start next time
        except OSError:
            self.report.unlink(missing_ok=True)
        gc.unfreeze()
        self._preload(notes)
        self._settle()

    @staticmethod
    def _preload(notes: dict) -> None:
        for module, data in notes.items():
            preload = getattr(sys.modules.get(module), "preload", None)
            if preload is not None:
                try:
                    preload(data)
                except Exception as exc:  # noqa: BLE001 - held states only save time
                    print(f"Không nạp sẵn được {module}: {exc}", file=sys.stderr)


def _restart() -> None:
    print("Mã nguồn, giao diện, cấu hình hoặc gói cài đặt đã đổi: khởi động lại.", file=sys.stderr)
    sys.stderr.flush()
    os.execv(sys.executable, sys.orig_argv)


def watch(content: Path, output: Path, settings: Path, index: bool = True, check: bool = True,
          state_dir: Path | None = None) -> int:
    """Build, then build again whenever content/ changes, until interrupted (Ctrl-C)."""
    import watchfiles

    from scrapers import site_build

    state_dir = state_dir or site_build.STATE_DIR
    stock_term = signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop: as Ctrl-C
    started_salt = site_build.salt(settings)
    zygote = Zygote(settings, state_dir)

    def once() -> None:
        code = site_build.build(content, output, settings, index=index, check=check, state_dir=state_dir,
                                launch=zygote.start)
        if code == 0:
            zygote.absorb()
        else:
            print(f"Dựng trang thất bại (mã {code}); chờ thay đổi tiếp theo.", file=sys.stderr)

    # Everything the salt covers that can change while this runs.
    salted = [site_build.ROOT / top for top in site_build.SALT_PATHS] + sorted(site_build.ROOT.glob("*conf.py"))
    watching = False
    try:
        # The first build comes at the first (empty) yield, once the folders are watched: what
        # changes during a build is then seen after it. Idle, the loop wakes once a second.
        # A change is built once nothing more changed for WAIT_MS (watchfiles' default, 50 ms,
        # was most of the 60-80 ms between a saved file and its build's start).
        for changes in watchfiles.watch(content, *salted, settings, watch_filter=_wanted, step=WAIT_MS,
                                        rust_timeout=1000, yield_on_timeout=True):
            if watching and not changes:
                continue
            if watching and site_build.salt(settings) != started_salt:
                _restart()
            once()
            print(f"{time.strftime('%H:%M:%S')}: {len(changes)} thay đổi; đang theo dõi." if watching else
                  f"Đang theo dõi {content} (Ctrl-C để dừng).", file=sys.stderr)
            watching = True
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, stock_term)
    zygote.report.unlink(missing_ok=True)
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _wanted(change, path: str) -> bool:
    """What starts a build: not editors' swap and backup files, nor compiled Python."""
    name = os.path.basename(path)
    return not (name.endswith(("~", ".swp", ".swx", ".pyc", ".tmp")) or name.startswith(".#")
                or "__pycache__" in path)
