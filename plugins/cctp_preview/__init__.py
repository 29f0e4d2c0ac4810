"""The editors' preview (`make serve`, settings `previewconf.py`); never in a public build.

- Drafts are written at the address they will have once published, with a banner, so an
  editor reads them as readers will (they stay out of every listing, as drafts).
- A review page (`REVIEW_SAVE_AS`) lists what `cctp review` lists, linked to each page.
- After each build (and each rebuild of `pelican --autoreload`): the search index is rebuilt,
  every page gets a preview ribbon and a small script that reloads it when a rebuild is
  done, and `/admin/` is written when `CCTP_ADMIN` is set (the form editor, see admin/).
"""
from __future__ import annotations

import html
import logging
import os
import secrets
from pathlib import Path

from pelican import signals
from pelican.generators import Generator
from pelican.urlwrappers import Category

from scrapers.review import DRAFT, collect, day

log = logging.getLogger(__name__)

DEFAULTS = {"REVIEW_URL": "can-xem/", "REVIEW_SAVE_AS": "can-xem/index.html", "CCTP_PREVIEW_INDEX": True}
RELOAD_EVERY_MS = 1500


def _setting(settings: dict, key: str):
    return settings.get(key, DEFAULTS[key])


def mark_drafts(generator) -> None:
    """Drafts get a category (Pelican's draft writer needs one; this site has none) and a
    banner. Open review reasons are already in the theme's metadata panel."""
    category = Category(generator.settings["DEFAULT_CATEGORY"], generator.settings)
    banner = (f'<div class="preview-draft" data-pagefind-ignore role="note"><strong>Bản nháp — chỉ thấy khi xem '
              f'trước.</strong> {html.escape(DRAFT[2])}</div>\n')
    for draft in generator.drafts:
        draft.category = category
        draft._content = banner + draft._content


class ReviewGenerator(Generator):
    """The review page: `cctp review`'s list, each file linked to its page in the preview."""

    def generate_context(self) -> None:
        self.context["REVIEW_URL"] = _setting(self.settings, "REVIEW_URL")

    def generate_output(self, writer) -> None:
        content = Path(self.settings["PATH"])
        pages = {}
        for name in ("articles", "drafts", "pages"):
            for item in self.context.get(name, []):
                pages[Path(item.source_path).resolve()] = item
        items = []
        for entry in collect(content):
            path = Path(entry.path).resolve()   # entry.path is relative to the working directory
            page = pages.get(path)
            items.append({"entry": entry, "url": page.url if page else None, "day": day(entry.date),
                          "since": day(entry.waiting_since),
                          "file": path.relative_to(content.resolve().parent).as_posix()})
        writer.write_file(_setting(self.settings, "REVIEW_SAVE_AS"), self.get_template("review"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], template_name="review",
                          url=_setting(self.settings, "REVIEW_URL"), review_items=items,
                          review_count=sum(len(i["entry"].reasons) for i in items))


def get_generators(pelican):
    return ReviewGenerator


RIBBON = """<div class="preview-ribbon" data-pagefind-ignore>Bản xem trước (có bài nháp) ·
<a href="{review}">Việc cần xem</a>{admin}</div>
<style>.preview-ribbon{{position:fixed;right:0;bottom:0;z-index:50;background:#fff3cd;border:1px solid #e0c36b;
padding:.3rem .6rem;font-size:.9rem}}.preview-draft{{background:#fdecea;border-left:4px solid #b3261e;
padding:.6rem .9rem;margin:0 0 1rem}}</style>
<meta name="cctp-preview-build" content="{build}">
<script>
/* Reload this page when the preview is rebuilt (pelican --autoreload): the build mark changes. */
(function () {{
  var mark = document.querySelector('meta[name="cctp-preview-build"]').content;
  setInterval(function () {{
    fetch(location.href, {{cache: "no-store"}}).then(function (r) {{ return r.ok ? r.text() : ""; }})
      .then(function (t) {{
        var m = t.match(/name="cctp-preview-build" content="([^"]+)"/);
        if (m && m[1] !== mark) location.reload();
      }}).catch(function () {{}});
  }}, {every});
}})();
</script>
"""


def _relative_root(page: Path, output: Path) -> str:
    depth = len(page.relative_to(output).parts) - 1
    return "../" * depth or "./"


def finish(pelican) -> None:
    """Index, then mark every page of this build (ribbon, reload script), then /admin/."""
    output = Path(pelican.output_path)
    settings = pelican.settings
    if _setting(settings, "CCTP_PREVIEW_INDEX"):
        from scrapers.index import IndexBuildError, build_index
        try:
            build_index(output)
        except IndexBuildError as exc:
            log.warning("xem trước: chưa lập được chỉ mục tìm kiếm: %s", exc)
    admin = os.environ.get("CCTP_ADMIN")
    if admin:
        from admin.build import AdminBuildError, build_admin
        try:
            build_admin(output / "admin", local_backend=admin if admin.startswith("http") else None)
        except AdminBuildError as exc:
            log.error("xem trước: không dựng được /admin/: %s", exc)
            admin = None
    build = secrets.token_hex(8)
    for page in output.rglob("*.html"):
        if page.relative_to(output).parts[:1] in (("admin",), ("pagefind",)):
            continue
        text = page.read_text(encoding="utf-8")
        if "</body>" not in text or 'name="cctp-preview-build"' in text:
            continue
        root = _relative_root(page, output)
        ribbon = RIBBON.format(review=root + _setting(settings, "REVIEW_URL"), build=build, every=RELOAD_EVERY_MS,
                               admin=f' · <a href="{root}admin/">Sửa bằng biểu mẫu</a>' if admin else "")
        page.write_text(text.replace("</body>", ribbon + "</body>", 1), encoding="utf-8")


def register() -> None:
    signals.article_generator_finalized.connect(mark_drafts)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(finish)
