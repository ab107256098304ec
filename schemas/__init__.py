"""The dataset contract: one explicit Arrow schema per table, with a description for every field.

Every writer passes these schemas explicitly; nothing is ever inferred from data.
"""

from schemas.dataset import (
    ARTICLES,
    DUPLICATES,
    REJECTS,
    SCHEMA_VERSION,
    SUPERSEDED,
    TABLES,
    field_docs,
)
from schemas.raw import RAW

__all__ = ["ARTICLES", "DUPLICATES", "RAW", "REJECTS", "SCHEMA_VERSION", "SUPERSEDED", "TABLES", "field_docs"]
