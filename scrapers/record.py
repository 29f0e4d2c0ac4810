"""The plain record that flows through every stage, and the review reasons it collects."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    """One paragraph-level unit of the body. kind: para | heading | item | numbered."""
    text: str
    kind: str = "para"
    line: int = 0          # 1-based line of the raw input it starts on


@dataclass
class Review:
    code: str
    field: str
    message: str           # Vietnamese, says how to clear it

    def as_dict(self) -> dict:
        return {"code": self.code, "field": self.field, "message": self.message}


@dataclass
class Document:
    # Source
    raw: str
    source_file: str | None = None      # project-relative path of the raw input
    source_url: str | None = None
    source_sha256: str = ""
    retrieved: str | None = None
    also_sources: list[dict] = field(default_factory=list)   # the same story from other sources
    outlet: str | None = None           # the outlet the source URL belongs to
    source_province: str | None = None  # the province that outlet declares
    # What a web page states in machine-readable form (meta tags, JSON-LD), set by the page
    # reader (scrapers/html.py); it outranks cues in the text.
    page_title: str | None = None
    page_date: str | None = None        # ISO date or date-time with +07:00
    page_authors: list[str] = field(default_factory=list)
    page_section: str | None = None
    figures: list[dict] = field(default_factory=list)   # {src, caption, credit}: photos kept out of the text
    # Working state
    blocks: list[Block] = field(default_factory=list)
    header_lines: list[tuple[int, str]] = field(default_factory=list)
    # Metadata
    title: str | None = None
    title_derived: bool = False
    date: str | None = None             # ISO date or date-time with +07:00
    date_basis: str | None = None
    date_text: str | None = None        # what the text said, for drafts
    page_header_date: str | None = None # a masthead's "today" (a year cue, not the date)
    lang: str = "vi"
    province: str | None = None
    province_basis: str | None = None   # text | stamp | source: what the province rests on
    unit_2025: str | None = None        # stored only when the old province cannot be told
    scope: str = "unknown"
    doc_type: str = "news"
    authors: list[str] = field(default_factory=list)
    author_affiliation: str | None = None
    agency: str | None = None
    topics: list[str] = field(default_factory=list)
    topic_evidence: dict[str, list[str]] = field(default_factory=dict)
    about: str | None = None            # code of the document a news item presents
    tags: list[str] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    # Full-text documents
    full_text: bool = False
    doc_heading: str | None = None      # "CHỈ THỊ", as printed
    doc_number: str | None = None
    doc_subject: str | None = None
    issuer: str | None = None
    issuer_term: str | None = None      # "khóa XX": kept in the title, not in the issuer
    signer: str | None = None
    signer_title: str | None = None
    recipients: list[str] = field(default_factory=list)
    received: dict | None = None
    place_date: str | None = None
    review: list[Review] = field(default_factory=list)
    slug: str | None = None

    @property
    def status(self) -> str:
        return "published" if self.date else "draft"

    def flag(self, code: str, field_name: str, message: str) -> None:
        if not any(r.code == code for r in self.review):
            self.review.append(Review(code, field_name, message))

    def body_text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)
