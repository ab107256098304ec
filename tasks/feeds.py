"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds -> the article links they list, with feed fields as metadata hints.

XML is parsed with no entity expansion, no DTD loading and no network access (billion laughs, XXE).
Elements are matched by local name, so the namespaces publishers mix in (dc, content, media, a10) all work.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


class NotXML(Exception):
    """The document is not well-formed XML even after the encoding fallback."""


@dataclass(frozen=True)
class Entry:
    url: str
    hints: tuple[tuple[str, str], ...]  # (field, value): title, published_at, authors, publisher, language, ...


def parse_xml(data: bytes) -> etree._Element:
    """Safe XML parse. Feeds in the wild declare no encoding yet are latin-1: retried as Windows-1252 text."""
    try:
        return etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as first:
        body = data.split(b"?>", 1)[1] if data.lstrip().startswith(b"<?xml") else data
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = body.decode("cp1252", "replace")
        try:
            # recover: undeclared HTML entities (&nbsp;) and stray '&' are common in hand-made feeds.
            parser = etree.XMLParser(recover=True, **_PARSER_OPTIONS)
            root = etree.fromstring(text.strip(), parser)
        except (etree.XMLSyntaxError, ValueError):
            raise NotXML(str(first)) from None
        if root is None:
            raise NotXML(str(first)) from None
        return root


def local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def root_kind(root: etree._Element) -> str | None:
    """feed | sitemap | None, from the root element."""
    name = local(root)
    if name in ("rss", "rdf", "feed"):
        return "feed"
    if name in ("urlset", "sitemapindex"):
        return "sitemap"
    return None


def feed_entries(root: etree._Element) -> list[Entry]:
    """The entries of an RSS 2.0, RSS 1.0 or Atom document, in document order, each link once."""
    is_atom = local(root) == "feed"
    channel = _child(root, "channel")
    feed_title = _text(_child(channel if channel is not None else root, "title"))
    entries: list[Entry] = []
    seen: set[str] = set()
    for item in root.iter():
        if local(item) not in ("item", "entry"):
            continue
        url = _atom_link(item) if is_atom else _rss_link(item)
        if not url or url in seen:
            continue
        seen.add(url)
        hints = {
            "title": _text(_child(item, "title")),
            "published_at": iso_date(_first_text(item, ("published", "pubdate", "date", "issued", "updated"))),
            "authors": _authors(item),
            "categories": "; ".join(c for c in (_category(e) for e in _children(item, "category", "subject")) if c),
            "publisher": feed_title,
            # The channel's language is not every item's: only an item's own xml:lang is a hint.
            "language": item.get(_XML_LANG),
        }
        entries.append(Entry(url, tuple((k, v) for k, v in hints.items() if v)))
    return entries


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def iso_date(value: str | None) -> str | None:
    """A feed date as ISO 8601 UTC; unparseable dates (e.g. localized month names) are dropped so that the
    page's own date is used instead."""
    from tasks.article import parse_timestamp

    parsed = parse_timestamp(value)
    return parsed.isoformat() if parsed else None


def _children(parent: etree._Element | None, *names: str) -> list[etree._Element]:
    return [] if parent is None else [c for c in parent if local(c) in names]


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(parent, name)
    return found[0] if found else None


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    text = " ".join("".join(element.itertext()).split())
    return text or None


def _first_text(item: etree._Element, names: tuple[str, ...]) -> str | None:
    # In preference order: Atom's `published` is the original date, `updated` only a fallback.
    for name in names:
        value = _text(_child(item, name))
        if value:
            return value
    return None


def _rss_link(item: etree._Element) -> str | None:
    link = _text(_child(item, "link"))
    if link:
        return link
    guid = _child(item, "guid")
    if guid is not None and guid.get("isPermaLink", "true").lower() == "true":
        text = _text(guid)
        if text and text.startswith(("http://", "https://")):
            return text
    about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    return about if about and about.startswith(("http://", "https://")) else None


def _atom_link(entry: etree._Element) -> str | None:
    links = _children(entry, "link")
    hrefs = [(str(link.get("rel", "alternate")), str(link.get("href") or "")) for link in links]
    for rel, href in hrefs:
        if rel == "alternate" and href:
            return href
    return hrefs[0][1] or None if hrefs else None


def _authors(item: etree._Element) -> str | None:
    names = []
    for element in _children(item, "author", "creator"):
        name = _text(_child(element, "name")) or _text(element)
        if name and "(" in name and "@" in name:  # RSS's `email (Name)` form
            name = name.split("(", 1)[1].rstrip(")").strip()
        if name and name not in names:
            names.append(name)
    return "; ".join(names) or None


def _category(element: etree._Element) -> str | None:
    term = element.get("term")
    return str(term) if term else _text(element)
