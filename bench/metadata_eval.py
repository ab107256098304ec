"""Metadata scores against real labels, as a Markdown table: field, data set, our score, cases, floor.

    .venv/bin/python -m bench.metadata_eval [--corpora ../shared/corpora] [--only reuters,mozilla,...]

Data sets (folders of the shared corpora; a missing one is listed as skipped, never scored as zero):
  reuters      Reuters-21578 DATELINE and PEOPLE / PLACES / ORGS index labels (19,043 stories)
  mozilla      Mozilla Readability news pages: title, byline, publishedTime, lang, siteName (40 pages)
  giveme       Giveme5W1H news-please records through our JSON reader (383 + 96 records)
  licences     trafilatura eval subset: annotated page licences (82 pages)
  titles       trafilatura eval subset: annotated page titles (81 pages; labels made with trafilatura as target)
  quotes       our hand labels of direct quotes in Giveme5W1H articles (tests/fixtures/giveme_quotes.json)
  sample       our bundled sample set (flows/sample_data) against its labels (tests/fixtures/sample_labels.json)

Floors are the minimums `tests/corpus/` pins (tasks/metadata_scores.py FLOORS); targets are the issue's. No
published tool reports these fields on these data sets (the corpus READMEs list none); Mozilla's labels are
Readability.js's own output, so Readability.js scores 1.0 there by construction. Exit status 1 when a score is
below its floor.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tasks.metadata_corpora import GIVEME, MOZILLA, REUTERS, TRAFILATURA, reuters_stories
from tasks.metadata_floors import FLOORS, TARGETS
from tasks.metadata_geo import country_of_place
from tasks.metadata_pages import (
    giveme_scores,
    mozilla_scores,
    sample_scores,
    trafilatura_licence_scores,
    trafilatura_title_scores,
)
from tasks.metadata_quotes_eval import QUOTE_LABELS, quote_scores
from tasks.metadata_scores import Score, reuters_entity_scores, score_datelines

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "flows" / "sample_data"
SAMPLE_LABELS = REPO / "tests" / "fixtures" / "sample_labels.json"


def _reuters(root: Path) -> list[Score]:
    stories = list(reuters_stories(root))
    return [score_datelines(stories), *reuters_entity_scores(stories, country_of_place)]


SUITES: dict[str, tuple[str, Callable[[Path], list[Score]]]] = {
    "reuters": (REUTERS, _reuters),
    "mozilla": (MOZILLA, mozilla_scores),
    "giveme": (GIVEME, giveme_scores),
    "licences": (TRAFILATURA, trafilatura_licence_scores),
    "titles": (TRAFILATURA, trafilatura_title_scores),
    "quotes": (GIVEME, lambda root: quote_scores(root, QUOTE_LABELS)),
    "sample": ("", lambda root: sample_scores(SAMPLE_DIR, SAMPLE_LABELS)),
}


def default_corpora() -> Path:
    named = os.environ.get("NEWSETL_CORPORA")
    return Path(named) if named else REPO.parent / "shared" / "corpora"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--only", default=",".join(SUITES), help="comma-separated suites: " + ", ".join(SUITES))
    args = parser.parse_args(argv)
    rows = ["| field | data set | our score | cases | floor | issue target |", "|---|---|---|---|---|---|"]
    below = 0
    for name in args.only.split(","):
        folder, suite = SUITES[name]
        if folder and not (args.corpora / folder).is_dir():
            rows.append(f"| ({name}) | {folder} | skipped: folder missing | | | |")
            continue
        started = time.perf_counter()
        for score in suite(args.corpora):
            floor = FLOORS.get(score.key)
            below += floor is not None and score.value < floor
            mark = "" if floor is None or score.value >= floor else " **below floor**"
            floor_text = "" if floor is None else f"{floor:.2f}"
            target = TARGETS.get(score.key)
            target_text = "" if target is None else f"{target:.2f}" + (" (not met)" if score.value < target else "")
            rows.append(
                f"| {score.field} | {score.dataset} | {score.value:.4f}{mark} | {score.total} | {floor_text} "
                f"| {target_text} |"
            )
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print("\n".join(rows))
    return 1 if below else 0


if __name__ == "__main__":
    raise SystemExit(main())
