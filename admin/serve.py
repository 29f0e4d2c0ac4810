"""`make admin`: the editors' preview with the form editor, saving into this working tree.

Starts decap-server (the CMS's local backend, from admin/node_modules) on 127.0.0.1 and
the preview (`make serve`) with /admin/ in it, and stops both together. Saved articles are
plain files in content/: review them with `git diff`, then commit as usual.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVER = HERE / "node_modules" / "decap-server" / "dist" / "index.js"


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def decap_server(repo: Path, port: int = 8081, timeout: float = 90):
    """decap-server writing files (its 'fs' mode, no commits) under `repo`, on 127.0.0.1 only.
    Yields its API address."""
    if not SERVER.is_file():
        raise RuntimeError("chưa cài decap-server: chạy 'npm ci --prefix admin' (make admin làm việc này).")
    if _listening(port):
        raise RuntimeError(f"cổng {port} đang bận: dừng chương trình đang dùng nó hoặc chọn cổng khác (--cms-port).")
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "fs",
           "GIT_REPO_DIRECTORY": str(Path(repo).resolve()), "LOG_LEVEL": "warn"}
    # cwd: decap-server reads a .env file from it; the repository's own would apply.
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    process = subprocess.Popen(["node", str(SERVER)], cwd=HERE, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"decap-server không khởi động được trên 127.0.0.1:{port} (mã {process.poll()}): "
                                   f"{log.read()[-2000:]}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        stop_group(process, timeout=10)
        log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m admin.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--cms-port", type=int, default=8081, help="decap-server's port (default 8081)")
    args = parser.parse_args(argv)
    try:
        with decap_server(HERE.parent, args.cms_port) as api:
            print("Biểu mẫu biên tập: http://127.0.0.1:8000/admin/ (lưu thẳng vào content/; "
                  "xem lại bằng git diff rồi commit). Ctrl-C để dừng.", flush=True)
            # The same preview as `make serve`, with /admin/ pointed at this decap-server.
            return subprocess.call(["make", "--no-print-directory", "serve"], cwd=HERE.parent,
                                   env={**os.environ, "CCTP_ADMIN": api})
    except RuntimeError as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())


def stop_group(process: subprocess.Popen, timeout: float) -> None:
    """Stop a process started in its own session and everything it started: politely,
    then for good after `timeout` seconds."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
