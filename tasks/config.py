"""One typed, validated configuration object for a run.

Validation happens before anything is read or written; every message says what to fix.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tasks.errors import ConfigError
from tasks.fetch_settings import DEFAULT_USER_AGENT, FetchSettings
from tasks.storage import Dest
from tasks.storage_options import S3Options

DEFAULT_DEST = "./data"


def sample_data_dir() -> str:
    """The bundled sample set, ingested when a run names no SOURCE."""
    return str(resources.files("flows") / "sample_data")


class DedupSettings(BaseModel):
    """Near-duplicate detection parameters (see tasks.dedup.DedupParams for their meaning)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shingle_size: int = Field(default=3, ge=1, le=16)
    num_perm: int = Field(default=128, ge=8, le=1024)
    bands: int = Field(default=42, ge=1, le=1024)
    threshold: float = Field(default=0.7, gt=0.0, le=1.0)
    min_shingles: int = Field(default=10, ge=1)
    window_days: float | None = Field(default=None, gt=0, description="Compare only copies published this close")

    @model_validator(mode="after")
    def _bands_fit(self) -> DedupSettings:
        if self.bands > self.num_perm:
            raise ValueError(f"dedup.bands ({self.bands}) must not exceed dedup.num_perm ({self.num_perm})")
        return self


class FetchOptions(BaseModel):
    """How URLs, feeds and sitemaps are fetched (see tasks.fetch_settings.FetchSettings for their meaning)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    allow_hosts: list[str] = Field(default_factory=list, description="Hosts exempt from the private-address refusal")
    full_refresh: bool = Field(default=False, description="Ignore the fetch ledger: fetch and ingest everything again")
    user_agent: str = Field(default=DEFAULT_USER_AGENT, min_length=3)
    connect_timeout: float = Field(default=10.0, gt=0, le=600)
    read_timeout: float = Field(default=30.0, gt=0, le=3600)
    retries: int = Field(default=3, ge=0, le=20)
    per_host_concurrency: int = Field(default=2, ge=1, le=64)
    per_host_delay: float = Field(default=1.0, ge=0, le=600)
    max_bytes: int = Field(default=20_000_000, ge=1024)
    respect_robots: bool = True


class RunConfig(BaseModel):
    """Everything that shapes a run's output. Hashed into the manifest as `config_hash`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: list[str] = Field(default_factory=list, description="Files, folders or globs; empty = sample set")
    dest: str = Field(
        default=DEFAULT_DEST, min_length=1, description="Dataset root: a local path or s3://bucket/prefix"
    )
    batch_size: int = Field(default=2000, ge=1, le=1_000_000, description="Input items per batch task")
    workers: int = Field(default=2, ge=1, le=64, description="Batch tasks run at once")
    processes: int = Field(
        default=0,
        ge=0,
        le=256,
        description="Processes that build a batch's articles (0 = one per CPU core; 1 = in the batch task's own "
        "process); the output is the same",
    )
    strict_encoding: bool = Field(False, description="Reject non-UTF-8 input without a BOM or declared charset")
    max_item_bytes: int = Field(default=20_000_000, ge=1024, description="Larger items are rejected as too_large")
    dedup: DedupSettings = Field(default_factory=lambda: DedupSettings())
    s3: S3Options = Field(default_factory=lambda: S3Options(), description="Overrides of the AWS configuration")
    wait_lock_seconds: float = Field(
        default=0.0, ge=0, description="How long to wait for another run holding DEST; 0 fails at once"
    )
    lease_ttl_seconds: float = Field(
        default=120.0, ge=5, description="S3 lease expiry; renewed every third of it while the run lives"
    )
    fetch: FetchOptions = Field(default_factory=lambda: FetchOptions(), description="HTTP fetching of URL sources")
    sources_file: str | None = Field(default=None, description="TOML file naming sources, read at each run")
    max_internal_error_share: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Fail the run, committing nothing, when more than this share of its items hit an internal "
        "error (a bug, not bad input; from 20 such items on)",
    )
    ner_model: str | None = Field(
        default=None,
        min_length=1,
        description="spaCy pipeline (installed package or nlp.to_disk folder) for persons, places and "
        "organizations; None = the rule-based extractor, which needs no model",
    )

    @field_validator("ner_model")
    @classmethod
    def _ner_model_loads(cls, value: str | None) -> str | None:
        # Loaded here, once per process, so a missing spaCy or model fails before anything is read or written
        # (ConfigError naming what to install); the thread runner's batches reuse the loaded pipeline.
        if value is not None:
            from tasks.entities_spacy import load_ner

            load_ner(value)
        return value

    def target(self) -> Dest:
        return Dest(self.dest, self.s3)

    def effective_sources(self) -> list[str]:
        from tasks.sources_file import read_sources_file

        named = list(self.sources) + (read_sources_file(self.sources_file) if self.sources_file else [])
        return named or [sample_data_dir()]

    def fetch_settings(self) -> FetchSettings:
        f = self.fetch
        return FetchSettings(
            allow_hosts=tuple(f.allow_hosts),
            user_agent=f.user_agent,
            connect_timeout=f.connect_timeout,
            read_timeout=f.read_timeout,
            retries=f.retries,
            per_host_concurrency=f.per_host_concurrency,
            per_host_delay=f.per_host_delay,
            max_bytes=f.max_bytes,
            max_decompressed_bytes=max(f.max_bytes, self.max_item_bytes),
            respect_robots=f.respect_robots,
            full_refresh=f.full_refresh,
            ledger=self.target(),
            s3=self.s3,
        )

    def config_hash(self) -> str:
        """Hash of what changes the output; the DEST is where, not what, so it is left out."""
        shaping = self.model_dump(
            exclude={
                "dest",
                "workers",
                "processes",
                "s3",
                "wait_lock_seconds",
                "lease_ttl_seconds",
                "fetch",
                "sources_file",
                "max_internal_error_share",
            }
        )
        if shaping["ner_model"] is None:  # keeps the hash of every run made before the option existed
            del shaping["ner_model"]
        return hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:16]


def load_config(**values: object) -> RunConfig:
    """Build a RunConfig, turning pydantic's errors into one ConfigError that names each bad setting."""
    try:
        return RunConfig.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'config'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None
