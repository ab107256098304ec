"""tasks/html_author.py against the function it replaces, trafilatura's `extract_author`, run for real.

The invented pages put the author where each of trafilatura's XPaths looks, next to what its pruning removes
(dates, comments, figures: a pruned element's tail joins the text before it); the corpus test compares the
two on every page of the shared HTML corpora.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml.html import HtmlElement
from trafilatura import metadata as trafilatura_metadata
from trafilatura.utils import load_html

from bench.extraction_score import AEB_FOLDER, load_pages
from tasks.html_author import extract_author
from tasks.metadata_corpora import mozilla_pages, trafilatura_pages
from tasks.normalize import decode_bytes

PAGES = {
    "rel author link": ('<p>By <a rel="author" href="/people/ana">Ana Lucia Ferreira</a></p>', "Ana Lucia Ferreira"),
    "specific before generic": (
        '<div class="byline">Coast Daily staff</div><span class="author-name">Ngozi Okonjo</span>',
        "Ngozi Okonjo",
    ),
    "generic byline class": ('<p class="byline">Tomas Berg</p>', "Tomas Berg"),
    "last resort any element": ('<li class="post-Author">Maria Jensen</li>', "Maria Jensen"),
    "itemprop author": ('<section><em itemprop="author">Jon Ruiz</em></section>', "Jon Ruiz"),
    "date inside byline is pruned, its tail joins": (
        '<div class="byline">By<time datetime="2026-03-01">1 March</time>Lena Hart, reporter</div>',
        "ByLena Hart; Reporter",  # trafilatura's own reading: no space where the date was
    ),
    "author inside comments is pruned": (
        '<div id="comments"><span class="author">Troll Account</span></div><p class="byline">Ida Moss</p>',
        "Ida Moss",
    ),
    "author inside a figure is pruned": (
        '<figure><span class="author">Photo Agency</span></figure><div class="writer">Paul Weber</div>',
        "Paul Weber",
    ),
    "too long to be a name: next candidate": (
        '<div class="author">' + "word " * 40 + '</div><p class="byline">Eva Lind</p>',
        "Eva Lind",
    ),
    "an address element": ('<address class="author">Sam Okafor</address>', "Sam Okafor"),
    "chinese editor id": ('<span id="zuozhe">Li Wei</span>', "Li Wei"),
    "no author": ("<p>The harbour reopened on Tuesday.</p>", None),
    "author element": ("<author>Kim Lee</author>", "Kim Lee"),
}


def _tree(body: str) -> HtmlElement:
    tree = load_html(f"<html><head><title>t</title></head><body>{body}<p>Body text.</p></body></html>")
    assert tree is not None
    return tree


@pytest.mark.parametrize("name", sorted(PAGES))
def test_same_author_as_trafilatura(name: str) -> None:
    body, expected = PAGES[name]
    tree = _tree(body)
    ours = extract_author(tree)
    assert ours == trafilatura_metadata.extract_author(_tree(body))
    assert ours == expected


def test_the_tree_is_left_as_it_was() -> None:
    tree = _tree('<div class="byline">By<time>1 March</time>Lena Hart</div><div id="comments">c</div>')
    before = len(list(tree.iter()))
    extract_author(tree)
    assert len(list(tree.iter())) == before


def test_same_author_as_trafilatura_on_the_corpora_pages(corpora: Path) -> None:
    raws = [page.raw_html() for page in load_pages(corpora / AEB_FOLDER)]
    raws += [page.html for page in mozilla_pages(corpora)] + [page.html for page in trafilatura_pages(corpora)]
    trees = [load_html(decode_bytes(raw, None, strict=False).text) for raw in raws]
    compared = [(extract_author(t), trafilatura_metadata.extract_author(t)) for t in trees if t is not None]
    assert len(compared) >= 300
    assert [pair for pair in compared if pair[0] != pair[1]] == []
    assert sum(ours is not None for ours, _ in compared) >= 150  # the pages do name authors
