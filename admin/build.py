"""Build the form editor (/admin/): Decap CMS configured from the project's own data.

    python -m admin.build OUTPUT/admin            # backend from CCTP_ADMIN_* (see docs/hosting.md)
    python -m admin.build OUTPUT/admin --local http://127.0.0.1:8081/api/v1

The collection's fields follow the front matter the ingest writes (scrapers.write.front_matter,
same names, same order); provinces and 2025 units come from the gazetteer, document types
and topics from the taxonomy. The page loads only files copied next to it from admin/
node_modules (installed by `npm ci`), so nothing is fetched from another host.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
from pathlib import Path

import yaml

from scrapers.gazetteer import doc_types, gazetteer, topics
from scrapers.pipeline import SLUG_MAX
from scrapers.record import Document, Review
from scrapers.write import front_matter

HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
# What the page needs at run time, copied from node_modules (source maps left out).
ASSETS = {
    "decap-cms": (MODULES / "decap-cms" / "dist", ["decap-cms.js", "*.decap-cms.js"]),
    "yaml": (MODULES / "yaml" / "browser" / "dist", ["**/*.js"]),
}
FORMAT = "cctp-frontmatter"          # registered by cctp-cms.js
DATE = {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False,
        "picker_utc": False}
BACKENDS = ("github", "gitlab", "gitea", "bitbucket", "git-gateway")


class AdminBuildError(RuntimeError):
    """/admin/ cannot be built; the message (Vietnamese) says what to do."""


def _probe(full: bool) -> Document:
    """A Document with every field filled (full) or left empty: front_matter() of it gives
    the keys the ingest writes, in its order, and which of them it leaves out when empty."""
    doc = Document(raw="")
    if not full:
        return doc
    for f in dataclasses.fields(Document):
        kind = str(f.type)
        if f.name == "raw":
            continue
        if "Review" in kind:
            value = [Review("x", "x", "x")]
        elif kind.startswith("list"):
            value = ["x"]
        elif kind.startswith("dict"):
            value = {"x": "x"}
        elif kind.startswith("bool"):
            value = True
        elif kind.startswith(("str", "int", "float")):
            value = "2000-01-01" if f.name == "date" else "x"
        else:
            continue
        setattr(doc, f.name, value)
    return doc


def schema() -> dict:
    """Key order, keys always written, their empty values, and the slug length, for cctp-cms.js."""
    order = [*front_matter(_probe(full=True)), "ingest"]
    empty = json.loads(json.dumps(front_matter(_probe(full=False)), default=str))
    empty["source"] = {k: None for k in empty["source"]}
    return {"order": order, "always": empty, "nested": {k: [f["name"] for f in v["fields"]]
                                                        for k, v in _field_specs().items() if "fields" in v},
            "slug_max": SLUG_MAX}


def _province_options() -> list[dict]:
    out = []
    for p in gazetteer().provinces:
        label = p.name if p.unit_2025 == p.name else f"{p.name} (từ 1/7/2025 thuộc {p.unit_2025})"
        out.append({"label": label, "value": p.name})
    return out


def _field_specs() -> dict[str, dict]:
    """The form, field by field, in Vietnamese. Keys the form does not show are kept as
    they are (hidden), so saving never drops or reorders what the ingest wrote."""
    hint_remove = "Làm xong việc nào thì xoá mục đó (nút × ở góc mục)."
    return {
        "title": {"label": "Tiêu đề", "widget": "string"},
        "slug": {"label": "Slug (tên tệp, địa chỉ bài)", "widget": "string", "required": False,
                 "pattern": ["^[a-z0-9]+(-[a-z0-9]+)*$", "Chỉ chữ thường không dấu, số và '-', ví dụ bac-kan-trien-khai"],
                 "hint": "Để trống với bài mới: tạo từ tiêu đề khi lưu. Đừng đổi slug của bài đã xuất bản (địa chỉ bài sẽ đổi)."},
        "date": {"label": "Ngày", **DATE, "hint": "Ngày đăng, ngày sự kiện hoặc ngày ban hành: nói rõ ở ô \"Ngày trên là\" ngay dưới."},
        "date_basis": {"label": "Ngày trên là", "widget": "select", "default": "published", "options": [
            {"label": "Ngày đăng bài", "value": "published"}, {"label": "Ngày diễn ra sự kiện", "value": "event"},
            {"label": "Ngày ban hành văn bản", "value": "issued"},
            {"label": "Ngày nhận (dấu công văn đến)", "value": "received"}]},
        "status": {"label": "Trạng thái", "widget": "select", "default": "draft", "options": [
            {"label": "Bản nháp (chưa công bố)", "value": "draft"}, {"label": "Xuất bản", "value": "published"}],
            "hint": "Bài nháp không bao giờ có trên trang công khai."},
        "lang": {"label": "Ngôn ngữ", "widget": "select", "default": "vi", "options": [
            {"label": "Tiếng Việt", "value": "vi"}, {"label": "Tiếng Anh", "value": "en"}]},
        "scope": {"label": "Phạm vi", "widget": "select", "default": "province", "options": [
            {"label": "Một tỉnh/thành", "value": "province"}, {"label": "Toàn quốc", "value": "national"},
            {"label": "Chưa rõ", "value": "unknown"}]},
        "province": {"label": "Tỉnh/thành (trước 2025)", "widget": "select", "required": False,
                     "options": _province_options(),
                     "hint": "Tên tỉnh/thành trước sáp nhập 2025; trong ngoặc là đơn vị mới từ 1/7/2025."},
        "unit_2025": {"label": "Tỉnh/thành sau sáp nhập 2025", "widget": "select", "required": False,
                      "options": [u.name for u in gazetteer().units_2025],
                      "hint": "Chỉ dùng khi bài (sau 1/7/2025) không nói tỉnh cũ nào; khi đó để trống ô tỉnh/thành trước 2025."},
        "doc_type": {"label": "Loại văn bản", "widget": "select", "default": "news",
                     "options": [{"label": t["label"], "value": slug} for slug, t in doc_types().items()]},
        "authors": {"label": "Tác giả", "widget": "list", "required": False,
                    "field": {"label": "Tác giả", "name": "author", "widget": "string"},
                    "hint": "Người viết; không ghi tác giả ảnh."},
        "author_affiliation": {"label": "Đơn vị tác giả", "widget": "string", "required": False},
        "topics": {"label": "Chủ đề", "widget": "select", "multiple": True, "required": False,
                   "options": [{"label": t["label"], "value": slug} for slug, t in topics().items()]},
        "tags": {"label": "Thẻ", "widget": "list", "required": False,
                 "field": {"label": "Thẻ", "name": "tag", "widget": "string"}},
        "citations": {"label": "Văn bản được trích dẫn", "widget": "list", "required": False,
                      "summary": "{{fields.code}} {{fields.type}}", "fields": [
                          {"label": "Số hiệu", "name": "code", "widget": "string", "hint": "Ví dụ 49-NQ/TW"},
                          {"label": "Loại", "name": "type", "widget": "string", "required": False,
                           "hint": "Ví dụ Nghị quyết, Kế hoạch"},
                          {"label": "Ngày ban hành", "name": "date", **DATE, "required": False},
                          {"label": "Cơ quan ban hành", "name": "issuer", "widget": "string", "required": False}]},
        "doc_number": {"label": "Số hiệu của chính văn bản", "widget": "string", "required": False,
                       "hint": "Chỉ với văn bản toàn văn, ví dụ 14-CT/TU."},
        "issuer": {"label": "Cơ quan ban hành", "widget": "string", "required": False},
        "signer": {"label": "Người ký", "widget": "string", "required": False},
        "signer_title": {"label": "Chức danh người ký", "widget": "string", "required": False},
        "recipients": {"label": "Nơi nhận", "widget": "list", "required": False,
                       "field": {"label": "Nơi nhận", "name": "recipient", "widget": "string"}},
        "received": {"label": "Dấu công văn đến", "widget": "object", "required": False, "collapsed": True, "fields": [
            {"label": "Cơ quan nhận", "name": "office", "widget": "string", "required": False},
            {"label": "Số đến", "name": "number", "widget": "string", "required": False},
            {"label": "Ngày đến", "name": "date", **DATE, "required": False}]},
        "source": {"label": "Nguồn", "widget": "object", "fields": [
            {"label": "Tệp gốc trong raw/", "name": "file", "widget": "string", "required": False,
             "hint": "Do máy ghi khi nhập tài liệu; không sửa."},
            {"label": "Địa chỉ gốc (URL)", "name": "url", "widget": "string", "required": False,
             "pattern": ["^(https?://\\S+)?$", "Địa chỉ web bắt đầu bằng http:// hoặc https://"],
             "hint": "Bắt buộc với bài nhập tay: địa chỉ trang gốc của bài."},
            {"label": "sha256", "name": "sha256", "widget": "hidden", "required": False},
            {"label": "Ngày tải", "name": "retrieved", "widget": "hidden", "required": False}]},
        "review": {"label": "Việc cần biên tập viên xem", "widget": "list", "required": False,
                   "summary": "{{fields.code}}: {{fields.message}}", "hint": hint_remove, "fields": [
                       {"label": "Mã", "name": "code", "widget": "string"},
                       {"label": "Trường", "name": "field", "widget": "string", "required": False},
                       {"label": "Cần làm gì", "name": "message", "widget": "text"}]},
    }


def fields() -> list[dict]:
    """The collection's fields in the front matter's order, then the body."""
    specs = _field_specs()
    out = []
    for key in schema()["order"]:
        spec = specs.get(key) or {"label": key, "widget": "hidden"}
        out.append({"name": key, "required": spec.get("widget") not in ("hidden",), **spec})
    out.append({"label": "Nội dung", "name": "body", "widget": "markdown", "modes": ["raw", "rich_text"],
                "editor_components": [], "hint": "Markdown: mỗi đoạn cách nhau một dòng trống; ## cho tiêu đề mục."})
    return out


def backend_from_env(env=os.environ) -> dict:
    """The git host the published /admin/ saves to (CCTP_ADMIN_BACKEND, _REPO, _BRANCH, _BASE_URL)."""
    name = env.get("CCTP_ADMIN_BACKEND", "")
    if name not in BACKENDS:
        raise AdminBuildError(f"đặt CCTP_ADMIN_BACKEND là một trong: {', '.join(BACKENDS)} (hiện: '{name}'); "
                              "xem docs/hosting.md, mục /admin/.")
    backend = {"name": name, "branch": env.get("CCTP_ADMIN_BRANCH", "main")}
    if name != "git-gateway":
        if not env.get("CCTP_ADMIN_REPO"):
            raise AdminBuildError("đặt CCTP_ADMIN_REPO=chủ/tên-kho (kho git chứa content/).")
        backend["repo"] = env["CCTP_ADMIN_REPO"]
    if env.get("CCTP_ADMIN_BASE_URL"):
        backend["base_url"] = env["CCTP_ADMIN_BASE_URL"]
    return backend


def config(backend: dict) -> dict:
    return {
        "backend": backend,
        "locale": "vi",
        "publish_mode": "simple",
        # Required by Decap; the form has no image or file fields (sources live in raw/).
        "media_folder": "raw/bien-tap",
        "site_url": "../",
        "display_url": "../",
        "collections": [{
            "name": "articles",
            "label": "Bài viết",
            "label_singular": "bài viết",
            "description": "Mọi bài trong content/articles/. Tệp lưu ở đây được 'cctp check' kiểm tra như mọi tệp khác.",
            "folder": "content/articles",
            "path": "{{year}}/{{slug}}",
            "slug": "{{fields.slug}}",
            "identifier_field": "title",
            "extension": "md",
            "format": FORMAT,
            "create": True,
            # The raw values: Decap's {{day}} reads a bare date as UTC and can show the day before.
            "summary": "{{title}} — {{fields.date}}, {{fields.status}}",
            "sortable_fields": ["date", "title", "province"],
            "view_filters": [{"label": "Bản nháp", "field": "status", "pattern": "draft"},
                             {"label": "Đã xuất bản", "field": "status", "pattern": "published"}],
            "fields": fields(),
        }],
    }


def _copy_assets(target: Path) -> None:
    for name, (folder, patterns) in ASSETS.items():
        if not folder.is_dir():
            raise AdminBuildError(f"chưa cài {name} cho /admin/: chạy 'npm ci --prefix admin' (hoặc make admin).")
        for pattern in patterns:
            for path in folder.glob(pattern):
                dest = target / (name if name == "yaml" else "") / path.relative_to(folder)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest)


def build_admin(target: Path, local_backend: str | None = None, backend: dict | None = None) -> Path:
    """Write /admin/ into `target`: the page, config.yml and the scripts it loads."""
    if backend is None:
        backend = {"name": "proxy", "proxy_url": local_backend, "branch": "main"} if local_backend else backend_from_env()
    target = Path(target)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    _copy_assets(target)
    shutil.copyfile(HERE / "cctp-cms.js", target / "cctp-cms.js")
    page = (HERE / "index.html").read_text(encoding="utf-8")
    # "</" cannot end the inline JSON early: no value in it contains it, but be safe.
    data = json.dumps(schema(), ensure_ascii=False).replace("</", "<\\/")
    (target / "index.html").write_text(page.replace("{{ schema }}", data), encoding="utf-8")
    (target / "config.yml").write_text(
        "# Generated by admin/build.py from the project's data: edit that, not this file.\n"
        + yaml.safe_dump(config(backend), allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m admin.build", description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="where to write /admin/ (e.g. output/admin)")
    parser.add_argument("--local", metavar="URL", help="decap-server address (local editing), e.g. http://127.0.0.1:8081/api/v1")
    args = parser.parse_args(argv)
    try:
        build_admin(args.target, local_backend=args.local)
    except AdminBuildError as exc:
        print(f"lỗi /admin/: {exc}", file=sys.stderr)
        return 1
    print(f"/admin/ → {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
