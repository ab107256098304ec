"""Optional spaCy NER backend: a spaCy pipeline decides the entity spans, our rules still do the rest.

How the two combine (the contract `tasks.metadata` relies on):
  * spaCy decides WHICH spans are persons, organizations and places (PERSON, ORG, GPE/LOC, and NORP for
    nationalities). The rule-based classifier of `tasks.entities` is not run: a union would bring back
    exactly the false positives a statistical model is used to avoid.
  * Rules still add what a generic NER model does not give: the title or role before a name ("Rear Admiral",
    "spokesman"), resolution of later mentions ("Ferreira" -> the full name), gazetteer normalization of
    places ("U.S." -> "United States", a city brings its country), canonical agency names, cited sources
    from the context around a span ("according to IRNA"), and the dateline place.
The result is the same `Entities` structure, so person roles and quotes work on top unchanged.

spaCy is imported only when a model is named (`newsetl[spacy]` extra); the default needs no download.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tasks.entities import Entities
from tasks.errors import ConfigError
from tasks.gazetteer import DEMONYMS, PLACE_ALIASES, ROLE_NOUNS, TITLE_HEADS
from tasks.metadata_geo import canonical_city, with_countries
from tasks.metadata_roles import title_as_written
from tasks.names import AFTER_CITE, AFTER_SAY, BEFORE_CITE, CITE_TRIGGERS, canonical_agency, canonical_place
from tasks.names import resolve_mentions as _resolve

INSTALL_HINT = "pip install 'newsetl[spacy]'"
BATCH_SIZE = 64  # nlp.pipe batch: enough to amortize per-call overhead of a neural NER, small in memory
_PLACE_LABELS = frozenset({"GPE", "LOC"})
# The capitalized words right before a PERSON span, where a title stands: "Rear Admiral |Ana Lucia Ferreira".
_TITLE_RUN = re.compile(r"((?:[A-Z][\w.'’-]*|of|the|for) )+$")
_LEADING_THE = re.compile(r"^[Tt]he ")
_HONORIFIC_DOTS = frozenset({"Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Mrs", "Ms", "Dr"})

_PIPELINES: dict[str, Any] = {}
# One pipeline per process, shared by the thread runner's workers: loading twice would double ~50-500 MB.
# spaCy does not promise that one Language is safe to call from two threads, so calls are serialized too.
_LOCK = threading.Lock()


def load_ner(name_or_path: str) -> Any:
    """The spaCy pipeline `name_or_path` (an installed package or an `nlp.to_disk` folder), loaded once per
    process with only the components that set `doc.ents` (and the embedding layers they listen to) enabled.
    ConfigError, naming what to install, when spaCy or the pipeline is missing."""
    with _LOCK:
        nlp = _PIPELINES.get(name_or_path)
        if nlp is None:
            nlp = _PIPELINES[name_or_path] = _load(name_or_path)
    return nlp


def _load(name_or_path: str) -> Any:
    try:
        import spacy
    except ImportError:
        raise ConfigError(f"--ner-model {name_or_path!r} needs spaCy, which is not installed: {INSTALL_HINT}") from None
    path = Path(name_or_path).expanduser()
    looks_like_path = path.is_absolute() or name_or_path.startswith((".", "~")) or "/" in name_or_path
    if looks_like_path and not path.is_dir():
        raise ConfigError(f"--ner-model {name_or_path!r}: no spaCy pipeline folder there (written by nlp.to_disk)")
    if not looks_like_path and not path.is_dir() and not spacy.util.is_package(name_or_path):
        raise ConfigError(
            f"--ner-model {name_or_path!r}: no installed spaCy pipeline of that name; install it with "
            f"{INSTALL_HINT} and then the model (python -m spacy download {name_or_path}), or pass a folder"
        )
    try:
        nlp = spacy.load(path if path.is_dir() else name_or_path)
    except (OSError, ValueError, KeyError, ImportError) as exc:  # damaged, another spaCy version, missing plugin
        raise ConfigError(f"--ner-model {name_or_path!r} cannot be loaded: {exc}") from None
    needed = {name for name in nlp.pipe_names if "doc.ents" in nlp.get_pipe_meta(name).assigns}
    if not needed:
        raise ConfigError(f"--ner-model {name_or_path!r} has no component that finds entities (ner, entity_ruler)")
    for name, component in nlp.pipeline:  # a shared tok2vec/transformer the NER listens to must stay on
        if set(getattr(component, "listener_map", {})) & needed:
            needed.add(name)
    for name in nlp.pipe_names:
        if name not in needed:
            nlp.disable_pipe(name)  # tagger, parser, lemmatizer: most of sm's time, nothing NER needs
    return nlp


def spacy_entities(body: str, model: str, dateline_place: str | None = None) -> Entities:
    return spacy_entities_many([body], model, [dateline_place])[0]


def spacy_entities_many(
    bodies: Sequence[str], model: str, dateline_places: Sequence[str | None] | None = None
) -> list[Entities]:
    """Entities of many bodies through one `nlp.pipe` call (batched), in the order given."""
    nlp = load_ner(model)
    places = dateline_places or [None] * len(bodies)
    with _LOCK:
        docs = list(nlp.pipe(bodies, batch_size=BATCH_SIZE))
    return [
        _entities(body, [(ent.label_, ent.text, ent.start_char, ent.end_char) for ent in doc.ents], place)
        for body, doc, place in zip(bodies, docs, places, strict=True)
    ]


def _entities(text: str, spans: Iterable[tuple[str, str, int, int]], dateline_place: str | None) -> Entities:
    places: dict[str, None] = {}
    orgs: dict[str, None] = {}
    cited: dict[str, None] = {}
    raw: list[tuple[int, str, str | None, bool, str | None]] = []
    if dateline_place:
        places[canonical_place(dateline_place) or dateline_place] = None
    for label, name, start, end in spans:
        if label == "PERSON":
            mention = _person(text, name, start)
            if mention is not None:
                raw.append(mention)
                if _cited_before(text, mention[0]):
                    cited.setdefault(mention[1], None)
        elif label == "ORG":
            org = _LEADING_THE.sub("", name)
            org = canonical_agency(org) or org
            orgs.setdefault(org, None)
            place = DEMONYMS.get(org.split(" ", 1)[0]) or PLACE_ALIASES.get(org.split(" ", 1)[0])
            if place:  # "U.S. Treasury", "Brazilian Navy"
                places.setdefault(place, None)
            said = canonical_agency(org) is not None and AFTER_SAY.match(text, end) is not None
            if said or _cited_before(text, start) or AFTER_CITE.match(text, end):
                cited.setdefault(org, None)
        elif label in _PLACE_LABELS:
            place_name = _LEADING_THE.sub("", name)
            places.setdefault(canonical_place(place_name) or canonical_city(place_name) or place_name, None)
        elif label == "NORP" and name in DEMONYMS:  # "Iranian" -> Iran, as the rule-based backend does
            places.setdefault(DEMONYMS[name], None)
    mentions = _resolve(raw)
    persons = dict.fromkeys(mention.name for mention in mentions)
    for person in persons:
        orgs.pop(person, None)
    return Entities(
        persons=tuple(persons),
        places=tuple(with_countries(list(places))),
        organizations=tuple(orgs),
        cited_sources=tuple(cited),
        mentions=tuple(mentions),
    )


def _person(text: str, name: str, start: int) -> tuple[int, str, str | None, bool, str | None] | None:
    """(start, name, role key, weak, title as written) for a PERSON span, its title taken from the words before
    it or from its own head ("Admiral Ferreira" when the model includes the title); None if only a title."""
    words = name.removesuffix("'s").removesuffix("’s").split()
    run = _TITLE_RUN.search(text, max(0, start - 60), start)
    before = run.group().split() if run else []
    while len(words) > 1 and (words[0] in _HONORIFIC_DOTS or words[0] in TITLE_HEADS):
        start += len(words[0]) + 1
        before.append(words.pop(0))  # a title inside the span counts as one written before it
    if not words or words[0] in TITLE_HEADS:
        return None
    for index in range(len(before) - 1, -1, -1):
        role = TITLE_HEADS.get(before[index])
        if role is not None:
            title = title_as_written([*before, *words], index, len(before))
            return start, " ".join(words), role, False, title
    previous = text[max(0, start - 20) : start].split()
    noun = previous[-1].lower() if previous else ""
    if noun in ROLE_NOUNS:  # "spokesman Ali Rezaei"
        return start, " ".join(words), noun, False, previous[-1]
    # The model decided this is a person: a one-word name is kept even if no full name resolves it.
    return start, " ".join(words), None, False, None


def _cited_before(text: str, start: int) -> bool:
    window = text[max(0, start - 60) : start]
    return any(trigger in window for trigger in CITE_TRIGGERS) and BEFORE_CITE.search(window) is not None
