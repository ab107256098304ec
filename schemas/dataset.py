"""Arrow schemas (version 4) of the tables newsetl writes, with field documentation.

Version history: 2 added the nullable ARTICLES column `person_roles` (files of version 1 read with nulls there);
3 added the nullable `cluster_id` to ARTICLES and DUPLICATES, and the table SUPERSEDED; 4 added the nullable
ARTICLES column `page_title`.

The partition column `published_date` lives in the Hive path (`published_date=YYYY-MM-DD/`), not in the
files, which is what DuckDB, Spark, Athena and pyarrow expect of Hive-partitioned datasets.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 4

_UTC_US = pa.timestamp("us", tz="UTC")
_QUOTE = pa.struct(
    [
        pa.field("speaker", pa.string(), nullable=True),
        pa.field("text", pa.string(), nullable=False),
    ]
)
_PERSON_ROLE = pa.struct(
    [
        pa.field("name", pa.string(), nullable=False),
        pa.field("role", pa.string(), nullable=True),
        pa.field("mentions", pa.int32(), nullable=False),
    ]
)


def _field(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": doc})


def _schema(name: str, fields: list[pa.Field]) -> pa.Schema:
    return pa.schema(
        fields,
        metadata={"newsetl.table": name, "newsetl.schema_version": str(SCHEMA_VERSION)},
    )


ARTICLES = _schema(
    "articles",
    [
        _field(
            "article_id",
            pa.string(),
            "Stable id: hash of the item's identity (URL, else source URI) "
            "and its normalized text. The same input always gives the same id.",
            False,
        ),
        _field(
            "source_uri",
            pa.string(),
            "Where the item was read from (file URI, with #L<n> for a JSONL line or #<i> for a JSON array item).",
            False,
        ),
        _field("url", pa.string(), "Canonical URL of the article, when known."),
        _field(
            "title",
            pa.string(),
            "Headline: the story's title less site branding ('Story - Site' gives 'Story' where the site's name "
            "can be verified).",
        ),
        _field(
            "page_title",
            pa.string(),
            "Since schema v4 (null in older files): the title as the source states it, branding and all. For "
            "HTML, the title a reader view shows (Readability.js's rule: JSON-LD article name, else the "
            "dc/og/twitter title meta tag, else <title> cut at its separators); otherwise the title given.",
        ),
        _field(
            "text",
            pa.string(),
            "Normalized body text: dateline, credit and boilerplate lines removed; "
            "paragraphs separated by one blank line.",
            False,
        ),
        _field("language", pa.string(), "ISO 639-1 language code."),
        _field("published_at", _UTC_US, "Original publication time (UTC)."),
        _field("dateline", pa.string(), "Dateline as written, e.g. 'LONDON (Reuters)'."),
        _field("dateline_place", pa.string(), "Dateline place, normalized, e.g. 'London'."),
        _field("publisher", pa.string(), "Who published this copy (input field, site name, else agency)."),
        _field("agency", pa.string(), "News agency the copy comes from (dateline or credit line)."),
        _field("authors", pa.list_(pa.string()), "Authors (bylines, 'Reporting by'), in order.", False),
        _field("license", pa.string(), "Licence as an SPDX id, e.g. 'CC-BY-4.0'; null when none is stated."),
        _field("credits", pa.list_(pa.string()), "Credit and licence lines separated from the body.", False),
        _field("cited_sources", pa.list_(pa.string()), "Sources the text attributes information to.", False),
        _field("persons", pa.list_(pa.string()), "People named in the text (full names, roles removed).", False),
        _field("places", pa.list_(pa.string()), "Places named in the text, dateline place first.", False),
        _field("organizations", pa.list_(pa.string()), "Organizations named in the text.", False),
        _field("quotes", pa.list_(_QUOTE), "Direct quotations with their speaker (full name when known).", False),
        _field(
            "person_roles",
            pa.list_(_PERSON_ROLE),
            "Since schema v2 (null in older files): each person once, with the title or role the text gives them "
            "as written ('Rear Admiral', 'spokesman'; null when none) and how many times the text refers to them "
            "(full name, surname alone, 'the admiral').",
        ),
        _field("word_count", pa.int32(), "Words in the body text.", False),
        _field(
            "content_hash",
            pa.string(),
            "SHA-256 of the hash-normalized body: equal hash = exact copy.",
            False,
        ),
        _field("source_encoding", pa.string(), "Encoding the raw bytes were decoded from."),
        _field("fetched_at", _UTC_US, "When the raw item was read or fetched (UTC).", False),
        _field("run_id", pa.string(), "The run that wrote this row.", False),
        _field(
            "cluster_id",
            pa.string(),
            "Since schema v3 (null in older files): the story cluster, shared with every copy of the story in "
            "`duplicates`; the article_id of the story's first committed article, never changed afterwards.",
        ),
    ],
)

DUPLICATES = _schema(
    "duplicates",
    [
        _field("article_id", pa.string(), "Id of the duplicate item (same scheme as articles.article_id).", False),
        _field("duplicate_of", pa.string(), "article_id of the canonical article it duplicates.", False),
        _field(
            "method",
            pa.string(),
            "How it was found: 'exact' (same content hash), 'near' (verified "
            "MinHash candidate) or 'url' (same canonical URL).",
            False,
        ),
        _field("similarity", pa.float64(), "Verified similarity to the canonical (1.0 for exact).", False),
        _field("source_uri", pa.string(), "Where the duplicate was read from.", False),
        _field("url", pa.string(), "URL of the duplicate, when known."),
        _field("title", pa.string(), "Headline of the duplicate."),
        _field("publisher", pa.string(), "Publisher of the duplicate."),
        _field("published_at", _UTC_US, "Publication time of the duplicate (UTC)."),
        _field("content_hash", pa.string(), "Content hash of the duplicate's normalized body.", False),
        _field("fetched_at", _UTC_US, "When the duplicate was read or fetched (UTC).", False),
        _field("run_id", pa.string(), "The run that found it.", False),
        _field("cluster_id", pa.string(), "Since schema v3 (null in older files): the story cluster of its canonical."),
    ],
)

SUPERSEDED = _schema(
    "superseded",
    [
        _field(
            "article_id",
            pa.string(),
            "An article written by an earlier run that is no longer the original of its story.",
            False,
        ),
        _field(
            "superseded_by",
            pa.string(),
            "The article a later run brought that comes first (published earlier, or the agency's own copy): "
            "the story's original from then on. Both rows stay in `articles`; nothing is rewritten.",
            False,
        ),
        _field("method", pa.string(), "'exact' or 'near', as for duplicates.", False),
        _field("similarity", pa.float64(), "Verified similarity of the two articles.", False),
        _field("cluster_id", pa.string(), "The story cluster both belong to.", False),
        _field("run_id", pa.string(), "The run that found the earlier original.", False),
    ],
)

REJECTS = _schema(
    "rejects",
    [
        _field("reject_id", pa.string(), "Stable id: hash of source URI and raw bytes.", False),
        _field("source_uri", pa.string(), "Where the rejected input was read from.", False),
        _field("reason", pa.string(), "Reason code, e.g. 'empty', 'binary', 'malformed_json', 'no_text'.", False),
        _field("detail", pa.string(), "Human-readable detail of the reason.", False),
        _field("raw", pa.binary(), "The raw bytes of the input (for JSONL, the line).", False),
        _field("run_id", pa.string(), "The run that rejected it.", False),
        _field("rejected_at", _UTC_US, "When it was rejected (UTC).", False),
    ],
)

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "duplicates": DUPLICATES,
    "rejects": REJECTS,
    "superseded": SUPERSEDED,
}


def field_docs(schema: pa.Schema) -> list[tuple[str, str, str]]:
    """(name, type, description) for every field: the data dictionary."""
    return [(f.name, str(f.type), (f.metadata or {}).get(b"description", b"").decode()) for f in schema]
