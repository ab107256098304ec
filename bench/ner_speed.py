"""Cost of the spaCy NER backend per 3 KB plain-text article on one core, against the rule-based default.

    .venv/bin/python -m bench.ner_speed [--articles 1000] [--corpora ../shared/corpora] [--ner-model NAME_OR_PATH]

Without --ner-model the pipeline is the one the tests use, grown to gazetteer size: spacy.blank("en") and an
entity_ruler whose phrase patterns are our place names (GPE), agency names (ORG) and demonyms (NORP). It
measures the backend's own overhead (tokenizer, ruler, mapping spans back); a statistical model such as
en_core_web_sm adds its network on top: pass its name to measure it. Same articles and timing as
`bench.metadata_speed`; ratios are to the rule-based `extract_metadata`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from bench.metadata_eval import default_corpora
from bench.metadata_speed import _timed, sample_articles
from tasks.entities import extract_entities
from tasks.entities_spacy import load_ner, spacy_entities, spacy_entities_many
from tasks.gazetteer import AGENCIES, DEMONYMS, PLACE_ALIASES, PLACES
from tasks.metadata import extract_metadata
from tasks.metadata_geo import gazetteer


def ruler_pipeline(folder: Path) -> str:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    places = gazetteer().regions | PLACES | set(PLACE_ALIASES)  # countries, US states, our place lists
    patterns = [{"label": "GPE", "pattern": name} for name in sorted(places)]
    patterns += [{"label": "ORG", "pattern": name} for name in sorted(set(AGENCIES.values()))]
    patterns += [{"label": "NORP", "pattern": name} for name in sorted(DEMONYMS)]
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    nlp.to_disk(folder)
    return str(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--ner-model", default=None, help="a spaCy pipeline to measure instead of the test ruler")
    args = parser.parse_args(argv)
    articles = sample_articles(args.corpora, args.articles)
    english = {"language": "en"}
    with tempfile.TemporaryDirectory() as tmp:
        model = args.ner_model or ruler_pipeline(Path(tmp) / "ruler")
        load_ner(model)
        batched_ms = _batched(articles, model)
        results = [
            _timed("extract_metadata, rule-based (default)", articles, lambda b: extract_metadata(b, hints=english)),
            _timed(
                "extract_metadata, --ner-model",
                articles,
                lambda b: extract_metadata(b, hints=english, ner_model=model),
            ),
            _timed("entities only: rule-based extract_entities", articles, extract_entities),
            _timed("entities only: spacy_entities, one article per call", articles, lambda b: spacy_entities(b, model)),
            ("entities only: spacy_entities_many, nlp.pipe batches of 64", batched_ms),
        ]
    baseline = results[0][1]
    mean_chars = statistics.mean(len(a) for a in articles)
    print(f"{len(articles)} articles, mean {mean_chars:,.0f} characters; pipeline {args.ner_model or 'test ruler'}")
    print("median of 3 rounds, one core\n\n| step | ms per article | x rule-based extract_metadata |\n|---|---|---|")
    for label, ms in results:
        print(f"| {label} | {ms:.3f} | {ms / baseline:.2f} |")
    return 0


def _batched(articles: list[str], model: str) -> float:
    import time

    spacy_entities_many(articles[:50], model)  # warm-up
    rounds = []
    for _ in range(3):
        started = time.perf_counter()
        spacy_entities_many(articles, model)
        rounds.append((time.perf_counter() - started) / len(articles) * 1000)
    return statistics.median(rounds)


if __name__ == "__main__":
    raise SystemExit(main())
