"""Shared machinery for the grouped listings (topics, document types, authors, 2025 units,
cited documents, months, provinces): not a plugin itself, a library the feature plugins use.

A ``GroupedGenerator`` sorts the published articles into groups in one pass (so the cost
grows with the number of articles, not articles × groups), writes one paginated listing per
group and an index page, and, when a ``<NAME>_FEED_ATOM`` setting is set, an Atom feed per
group. Subclasses say what an article's groups are; templates say how they look.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any, Iterable, NamedTuple

from pelican.generators import Generator


@dataclass
class Group:
    """One listing: a topic, an author, a cited document, a month…"""
    slug: str
    name: str
    url: str = ""
    save_as: str = ""
    articles: list = field(default_factory=list)
    info: Any = None          # the data-file record behind the group, when there is one
    feed_url: str = ""

    @property
    def count(self) -> int:
        return len(self.articles)


class Link(NamedTuple):
    """A group as a page links to it, by name and address only: unlike the group, it does not
    change when the group gains an article, so neither does the page (cctp_incremental)."""
    name: str
    url: str


class GroupedGenerator(Generator):
    """Subclasses set ``name`` (template and settings prefix), ``defaults`` (the URL settings)
    and implement ``keys(article)``; they may override ``known_groups`` (groups that exist
    even without articles, in data order) and ``order``."""

    name = ""
    index_name = ""           # template of the index page; "" for none
    defaults: dict[str, str] = {}
    paginate = True
    feed_title = ""           # "{name}" is replaced by the group's name

    def setting(self, key: str) -> str:
        full = f"{self.name.upper()}{key}"
        return self.settings.get(full, self.defaults.get(full, ""))

    # --- what subclasses say ----------------------------------------------------------

    def keys(self, article) -> Iterable[tuple[str, str, Any]]:
        """(slug, display name, info) of each group the article belongs to."""
        raise NotImplementedError

    def known_groups(self) -> Iterable[tuple[str, str, Any]]:
        return ()

    def order(self, groups: list[Group]) -> list[Group]:
        return groups

    def annotate(self, article, groups: list[Group]) -> None:
        """Called once per article with its groups, e.g. to give the article their URLs."""

    def extra_context(self) -> dict:
        return {}

    def group_urls(self) -> dict[str, str]:
        """Slug → address of each group with a page. For pages that only link to a group:
        unlike the groups, the addresses do not change with every article a group gains
        (cctp_incremental digests what a page reads)."""
        return {slug: group.url for slug, group in self.by_slug.items() if group.articles and group.url}

    # --- the one pass -----------------------------------------------------------------

    def make_group(self, slug: str, name: str, info: Any) -> Group:
        group = Group(slug=slug, name=name, info=info,
                      url=self.setting("_URL").format(slug=slug),
                      save_as=self.setting("_SAVE_AS").format(slug=slug))
        feed = self.setting("_FEED_ATOM")
        if feed:
            group.feed_url = feed.format(slug=slug)
        return group

    def generate_context(self) -> None:
        self.by_slug: dict[str, Group] = {}
        for slug, name, info in self.known_groups():
            self.by_slug[slug] = self.make_group(slug, name, info)
        # context["articles"] is newest first (ARTICLE_ORDER_BY), so every group is too.
        for article in self.context.get("articles", []):
            mine = []
            for slug, name, info in self.keys(article):
                group = self.by_slug.get(slug)
                if group is None:
                    group = self.by_slug[slug] = self.make_group(slug, name, info)
                if not group.articles or group.articles[-1] is not article:
                    group.articles.append(article)
                    mine.append(group)
            self.annotate(article, mine)
        self.groups = self.order(list(self.by_slug.values()))
        self.context[f"{self.name}_groups"] = self.groups
        self.context[f"{self.name.upper()}S_URL"] = self.setting("S_URL")
        self.context.update(self.extra_context())

    # --- writing ----------------------------------------------------------------------

    def write_group(self, write, template, group: Group) -> None:
        kwargs = {"articles": group.articles, "dates": group.articles} if self.paginate else {}
        write(group.save_as, template, self.context, group=group, template_name=self.name,
              url=group.url, **kwargs)

    def generate_output(self, writer) -> None:
        write = partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        template = self.get_template(self.name)
        for group in self.groups:
            if group.articles and group.save_as:
                self.write_group(write, template, group)
                if group.feed_url:
                    writer.write_feed(group.articles, self.context, group.feed_url,
                                      feed_title=self.feed_title.format(name=group.name) or None)
        if self.index_name and self.setting("S_SAVE_AS"):
            write(self.setting("S_SAVE_AS"), self.get_template(self.index_name), self.context,
                  groups=self.groups, template_name=self.index_name, url=self.setting("S_URL"))
