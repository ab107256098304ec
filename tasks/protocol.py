"""The commit protocol: how a run's files become part of the dataset, and how a killed run is recovered.

1. A run writes every data file under `_staging/<run_id>/data/<final path>` (hidden from readers: `_` prefix).
2. It commits with ONE write: the manifest `_runs/<run_id>.json`, created only if absent (If-None-Match on
   S3, an atomic link locally). The manifest lists the final paths (and, for compaction or reprocessing, the
   paths it removes). Committed = named by a manifest.
3. It publishes: moves each staged file to its final path, deletes removed files, then deletes its staging.
   Publishing is idempotent, so it can be rolled forward from any point.

Recovery (at the start of every run, under the DEST lease): a `_staging/<run_id>/` whose manifest exists is
rolled forward (publish again); one without a manifest is rolled back (deleted). Readers globbing
`articles/**/*.parquet` therefore only ever see files of committed runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tasks.errors import TerminalError
from tasks.faults import crash_point
from tasks.storage import Storage

RUNS = "_runs"
STAGING = "_staging"


def staging_dir(run_id: str) -> str:
    return f"{STAGING}/{run_id}"


def staged_data_path(run_id: str, final_path: str) -> str:
    return f"{staging_dir(run_id)}/data/{final_path}"


def manifest_path(run_id: str) -> str:
    return f"{RUNS}/{run_id}.json"


@dataclass(frozen=True)
class WrittenFile:
    """A staged file of a run, as its manifest lists it (path is the final path)."""

    table: str
    path: str
    rows: int
    bytes: int


class CommitConflict(TerminalError):
    """A manifest for this run id already exists: another writer committed under the same id."""


def commit(storage: Storage, manifest: dict[str, Any]) -> str:
    """The commit point: create the manifest if absent. Before it the run does not exist; after it, it does."""
    path = manifest_path(str(manifest["run_id"]))
    body = json.dumps(manifest, indent=2, sort_keys=True, default=str).encode()
    if not storage.put_if_absent(path, body) and storage.read_bytes(path) != body:
        # (An identical manifest is our own earlier attempt, whose reply was lost: the commit stands.)
        raise CommitConflict(f"{path} already exists in {storage.uri}; run ids must be unique")
    crash_point("after-commit")
    return path


def publish(storage: Storage, manifest: dict[str, Any]) -> None:
    """Move a committed run's staged files into place and drop what it removes; safe to repeat."""
    run_id = str(manifest["run_id"])
    staged = set(storage.list_files(f"{staging_dir(run_id)}/data"))
    for number, entry in enumerate(manifest.get("files", [])):
        final = str(entry["path"])
        source = staged_data_path(run_id, final)
        if source in staged:
            storage.move(source, final)
            if number == 0:
                crash_point("during-publish")
        elif not storage.exists(final):
            raise TerminalError(f"committed file {final} of run {run_id} is neither staged nor published")
    for removed in manifest.get("removed", []):
        if storage.exists(str(removed)):
            storage.delete(str(removed))
    crash_point("before-staging-cleanup")
    storage.delete_prefix(staging_dir(run_id))


@dataclass(frozen=True)
class Recovery:
    rolled_forward: list[str]
    rolled_back: list[str]


def recover(storage: Storage) -> Recovery:
    """Finish or undo every run that was interrupted; call while holding the DEST lease."""
    interrupted = sorted({p.split("/", 2)[1] for p in storage.list_files(STAGING) if p.count("/") >= 2})
    forward: list[str] = []
    back: list[str] = []
    for run_id in interrupted:
        if storage.exists(manifest_path(run_id)):
            publish(storage, json.loads(storage.read_bytes(manifest_path(run_id))))
            forward.append(run_id)
        else:
            storage.delete_prefix(staging_dir(run_id))
            back.append(run_id)
    for leftover in storage.list_files(RUNS, ".tmp"):  # a local manifest write cut off before its link
        storage.delete(leftover)
    return Recovery(forward, back)


def manifests(storage: Storage) -> list[dict[str, Any]]:
    return [json.loads(storage.read_bytes(p)) for p in storage.list_files(RUNS, ".json")]


def committed_entries(storage: Storage, table: str) -> list[dict[str, Any]]:
    """Manifest entries (table, path, rows, bytes) of a table's committed files: added by some manifest and
    removed by none, sorted by path."""
    added: dict[str, dict[str, Any]] = {}
    removed: set[str] = set()
    for manifest in manifests(storage):
        added.update((str(e["path"]), e) for e in manifest.get("files", []) if e["table"] == table)
        removed.update(str(p) for p in manifest.get("removed", []))
    return [added[p] for p in sorted(set(added) - removed)]


def committed_files(storage: Storage, table: str) -> list[str]:
    return [str(e["path"]) for e in committed_entries(storage, table)]
