"""Non-secret S3 connection settings: explicit overrides of the standard AWS configuration.

Credentials are never part of newsetl's configuration: they come from the AWS chain (env keys, `AWS_PROFILE`,
the shared config and credentials files, instance roles), so they never reach manifests or Prefect parameters.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class S3Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    endpoint_url: str | None = Field(
        default=None, description="S3 endpoint (MinIO, Ceph RGW, R2...); default: AWS_ENDPOINT_URL or AWS"
    )
    region: str | None = Field(default=None, description="Region; default: AWS_REGION / AWS_DEFAULT_REGION / profile")
    profile: str | None = Field(default=None, description="Named profile from ~/.aws; default: AWS_PROFILE")
    addressing_style: Literal["auto", "path", "virtual"] = Field(
        default="auto", description="Bucket addressing; auto = path-style for custom endpoints, virtual on AWS"
    )
    max_attempts: int = Field(
        default=10, ge=1, le=50, description="Attempts per request on connection errors, throttling and 5xx"
    )
    conditional_writes: bool = Field(
        default=True,
        description="Commit with If-None-Match; turn off only for stores that reject the header (the lease still"
        " serializes writers)",
    )
