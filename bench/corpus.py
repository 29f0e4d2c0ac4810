"""Synthetic archive generator: N articles shaped like the real archive, for tests and benches.

    python bench/corpus.py --articles 10000 --out /tmp/corpus   # writes /tmp/corpus/content/

Provinces follow a long-tailed distribution over all 63, years 2010-2025 with more recent
items, document types, topics, tags, authors and citations (key central documents and the
provinces' own plans) as a real archive has them; bodies are paragraphs of the seed articles
with the province swapped. Deterministic for a given seed. Writes the same front matter as
`cctp ingest` (scrapers.write.render), so every file passes `cctp check`.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapers.gazetteer import gazetteer, load_json, topics  # noqa: E402
from scrapers.record import Block, Document  # noqa: E402
from scrapers.write import article_path, atomic_write, render  # noqa: E402
from slugify import slugify  # noqa: E402

DOC_TYPES = [("news", 58), ("plan", 14), ("report", 6), ("directive", 5), ("resolution", 4), ("conclusion", 3),
             ("decision", 3), ("project", 3), ("notice", 3), ("other", 1)]
TITLES = {
    "news": ["Ban Chỉ đạo Cải cách tư pháp tỉnh {p} họp phiên thứ {n} năm {y}",
             "{p}: Sơ kết công tác cải cách tư pháp 6 tháng đầu năm {y}",
             "{p} tổng kết {n} năm thực hiện Nghị quyết số 49-NQ/TW về Chiến lược cải cách tư pháp",
             "Nâng cao chất lượng tranh tụng tại phiên tòa ở {p}",
             "{p} đẩy mạnh công tác thi hành án dân sự năm {y}",
             "Hội nghị giao ban khối Nội chính tỉnh {p} quý {q} năm {y}"],
    "plan": ["Ban Chỉ đạo Cải cách tư pháp tỉnh {p} ban hành Kế hoạch thực hiện nhiệm vụ trọng tâm năm {y}",
             "{p} ban hành Kế hoạch triển khai Nghị quyết số 27-NQ/TW"],
    "report": ["Báo cáo kết quả công tác cải cách tư pháp năm {y} của tỉnh {p}"],
    "directive": ["Chỉ thị của Ban Thường vụ Tỉnh ủy {p} về tăng cường lãnh đạo đối với công tác tư pháp năm {y}"],
    "resolution": ["Nghị quyết của Tỉnh ủy {p} về công tác cải cách tư pháp giai đoạn {y}-{y5}"],
    "conclusion": ["Kết luận của Ban Thường vụ Tỉnh ủy {p} về công tác nội chính năm {y}"],
    "decision": ["Quyết định kiện toàn Ban Chỉ đạo Cải cách tư pháp tỉnh {p} năm {y}"],
    "project": ["{p} triển khai Đề án nâng cao chất lượng công tác tư pháp giai đoạn {y}-{y5}"],
    "notice": ["Thông báo kết luận của Ban Chỉ đạo Cải cách tư pháp tỉnh {p} phiên họp quý {q} năm {y}"],
    "other": ["Tờ trình về công tác cải cách tư pháp của tỉnh {p} năm {y}"],
}
NATIONAL_TITLES = ["Ban Chỉ đạo Cải cách tư pháp Trung ương họp phiên thứ {n} năm {y}",
                   "Bộ Tư pháp tổng kết công tác năm {y}"]
FIRST = ["Hồng", "Minh", "Thu", "Quốc", "Thanh", "Ngọc", "Văn", "Hải", "Lan", "Đức", "Phương", "Bảo"]
LAST = ["Nga", "Anh", "Hà", "Huy", "Huyền", "Sơn", "Trang", "Tuấn", "Hương", "Long", "Yến", "Dũng"]
AGENCIES = ["TTXVN", "PLVN", "VOV", "Báo Nhân Dân"]
TAGS = ["cải cách tư pháp", "Ban Chỉ đạo", "thi hành án", "tòa án", "viện kiểm sát", "luật sư", "hòa giải",
        "phổ biến pháp luật", "chuyển đổi số", "phòng chống tham nhũng", "nội chính", "tranh tụng"]


def _weights(n: int) -> list[float]:
    return [1 / (i + 1) ** 0.8 for i in range(n)]


def _paragraphs() -> list[str]:
    """Body paragraphs of the committed seed articles, province names marked for swapping."""
    names = sorted((p.name for p in gazetteer().provinces), key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, names)))
    out = []
    for path in sorted((ROOT / "content" / "articles").rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        for para in body.split("\n\n"):
            para = para.strip()
            if len(para.split()) >= 25 and not para.startswith(("-", "#")):
                out.append(pattern.sub("{p}", para))
    return out


def make_documents(n: int, seed: int = 1):
    """Yield n synthetic Documents (deterministic for a seed)."""
    rng = random.Random(seed)
    provinces = gazetteer().provinces[:]
    rng.shuffle(provinces)
    weights = _weights(len(provinces))
    years = list(range(2010, 2026))
    year_w = [1 + (y - 2010) ** 1.3 for y in years]
    paras = _paragraphs()
    topic_slugs = list(topics())
    key_docs = load_json("key_documents.json")["documents"]   # verified entries only
    kinds, kind_w = zip(*DOC_TYPES)
    for i in range(n):
        national = rng.random() < 0.05
        province = None if national else rng.choices(provinces, weights)[0]
        year = rng.choices(years, year_w)[0]
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        kind = "news" if national else rng.choices(kinds, kind_w)[0]
        pname = province.name if province else "Việt Nam"
        template = rng.choice(NATIONAL_TITLES if national else TITLES[kind])
        title = template.format(p=pname, y=year, y5=year + 5, n=rng.randint(1, 5), q=rng.choice("I II III IV".split()))
        title = f"{title} ({i + 1})" if rng.random() < 0.02 else title
        body = [rng.choice(paras).replace("{p}", pname) for _ in range(rng.randint(4, 9))]
        body[0] = f"Ngày {day}/{month}/{year}, " + body[0][0].lower() + body[0][1:]
        cited = rng.sample(key_docs, rng.randint(0, 3))
        citations = [{"code": d["code"], "type": d["type"], "date": d["date"], "issuer": d["issuer"]} for d in cited]
        if province and kind in ("plan", "directive", "project") and rng.random() < 0.8:
            citations.append({"code": f"{rng.randint(1, 99):02d}-KH/TU", "type": "Kế hoạch",
                              "date": f"{year}-{month:02d}-{day:02d}", "issuer": f"Ban Thường vụ Tỉnh ủy {pname}"})
        text = "\n\n".join(body)
        doc = Document(raw=text, source_file=f"raw/synthetic/{i:06d}.txt",
                       source_sha256=hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())
        doc.blocks = [Block(p) for p in body]
        doc.title = title
        doc.date, doc.date_basis = f"{year}-{month:02d}-{day:02d}", rng.choice(["published", "event"])
        doc.province, doc.scope = (province.name, "province") if province else (None, "national")
        doc.province_basis = "text" if province else None
        doc.doc_type = kind
        doc.authors = [rng.choice(AGENCIES)] if rng.random() < 0.2 else [f"{rng.choice(FIRST)} {rng.choice(LAST)}"]
        doc.topics = rng.sample(topic_slugs, rng.randint(1, 4))
        doc.tags = rng.sample(TAGS, rng.randint(0, 3))
        doc.citations = citations
        doc.slug = slugify(title, max_length=70, word_boundary=True) + f"-{i:06d}"
        if rng.random() < 0.01:
            doc.lang = "en"
        yield doc


def generate(n: int, out: Path, seed: int = 1) -> Path:
    """Write a content/ tree of n articles (plus the real pages) under `out`; return it."""
    content = out / "content"
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    for doc in make_documents(n, seed):
        atomic_write(article_path(content, doc), render(doc))
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    content = generate(args.articles, args.out, args.seed)
    print(f"{args.articles} bài → {content}")


if __name__ == "__main__":
    main()
