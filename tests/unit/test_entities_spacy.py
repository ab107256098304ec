"""The optional spaCy NER backend, run for real on a small pipeline built here (spacy.blank + entity_ruler).

spaCy is in the dev extras, so these tests run in CI; no published model is needed: the test pipeline's
patterns decide the spans exactly as a statistical model would, and our rules add roles and normalization.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import spacy

from flows.cli import main
from tasks.batch import prepare_batch
from tasks.config import RunConfig, load_config
from tasks.discover import discover
from tasks.entities import extract_entities
from tasks.entities_spacy import load_ner, spacy_entities, spacy_entities_many
from tasks.errors import ConfigError
from tasks.metadata import extract_metadata
from tasks.minhash import DedupParams

PATTERNS = [
    {"label": "PERSON", "pattern": "Ana Lucia Ferreira"},
    {"label": "PERSON", "pattern": "Ferreira"},
    {"label": "PERSON", "pattern": "Zephyrine Okwuosa"},
    {"label": "PERSON", "pattern": "Ali Rezaei"},
    {"label": "ORG", "pattern": "IRNA"},
    {"label": "ORG", "pattern": [{"LOWER": "the"}, {"TEXT": "Quantum"}, {"TEXT": "Collective"}]},
    {"label": "GPE", "pattern": "U.S."},
    {"label": "GPE", "pattern": "Tokyo"},
    {"label": "NORP", "pattern": "Brazilian"},
]
STORY = (
    "Rear Admiral Ana Lucia Ferreira met Zephyrine Okwuosa in Tokyo on Monday. "
    '"We will not be drawn into this," Ferreira said, according to IRNA. '
    "The admiral added that Brazilian ships would stay clear of U.S. waters. "
    "Foreign ministry spokesman Ali Rezaei and the Quantum Collective declined to comment. "
    "Tobias Grunwald said nothing."
)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real spaCy pipeline on disk, loaded by path as an installed model would be by name."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")  # not needed for NER: the backend must switch it off
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(PATTERNS)  # type: ignore[attr-defined]
    path = tmp_path_factory.mktemp("ner") / "pipeline"
    nlp.to_disk(path)
    return str(path)


def test_spacy_decides_which_spans_are_persons_orgs_and_places(pipeline: str) -> None:
    entities = spacy_entities(STORY, pipeline)
    assert entities.persons == ("Ana Lucia Ferreira", "Zephyrine Okwuosa", "Ali Rezaei")
    assert entities.organizations == ("IRNA", "Quantum Collective")
    # Tokyo brings Japan, "U.S." is normalized, the demonym gives its country: the gazetteer still applies.
    assert set(entities.places) == {"Tokyo", "Japan", "Brazil", "United States"}
    assert entities.cited_sources == ("IRNA",)
    # The rules alone find the name the model was not told about, and miss those without context.
    rules = extract_entities(STORY)
    assert "Tobias Grunwald" in rules.persons and "Tobias Grunwald" not in entities.persons
    assert "Zephyrine Okwuosa" not in rules.persons


def test_roles_mentions_and_quotes_still_work_on_spacy_spans(pipeline: str) -> None:
    meta = extract_metadata(STORY, hints={"language": "en"}, ner_model=pipeline)
    roles = {p.name: (p.role, p.mentions) for p in meta.person_roles}
    # Full name, "Ferreira" and "the admiral": three references to her, the title kept apart from the name.
    assert roles["Ana Lucia Ferreira"] == ("Rear Admiral", 3)
    assert roles["Ali Rezaei"][0] == "spokesman"
    assert roles["Zephyrine Okwuosa"] == (None, 1)
    assert [(q.speaker, q.text) for q in meta.quotes] == [("Ana Lucia Ferreira", "We will not be drawn into this")]
    assert meta.places == spacy_entities(STORY, pipeline).places
    assert meta.organizations == ("IRNA", "Quantum Collective")


def test_bodies_run_in_batches_in_order_and_the_dateline_place_is_kept(pipeline: str) -> None:
    bodies = [STORY, "Nothing to see here.", "Zephyrine Okwuosa flew to Tokyo."]
    many = spacy_entities_many(bodies, pipeline, ["London", None, None])
    assert many[1:] == [spacy_entities(body, pipeline) for body in bodies[1:]]
    assert many[0].places[0] == extract_entities(STORY, "London").places[0] == "London"
    assert many[1].persons == () and many[2].persons == ("Zephyrine Okwuosa",)


def test_the_pipeline_is_loaded_once_with_only_its_ner_components(pipeline: str) -> None:
    nlp = load_ner(pipeline)
    assert load_ner(pipeline) is nlp
    assert nlp.pipe_names == ["entity_ruler"] and nlp.disabled == ["sentencizer"]


def test_a_missing_model_fails_fast_naming_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"pip install 'newsetl\[spacy\]'.*spacy download xx_no_such_model"):
        load_config(ner_model="xx_no_such_model")
    with pytest.raises(ConfigError, match="no spaCy pipeline folder"):
        load_config(ner_model=str(tmp_path / "missing"))
    no_ner = tmp_path / "no-ner"
    spacy.blank("en").to_disk(no_ner)
    with pytest.raises(ConfigError, match="no component that finds entities"):
        load_config(ner_model=str(no_ner))


def test_without_spacy_installed_the_option_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import spacy` raise ImportError, as on an install without the extra.
    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(ConfigError, match=r"needs spaCy, which is not installed: pip install 'newsetl\[spacy\]'"):
        load_config(ner_model="yy_other_model")


def test_cli_refuses_a_missing_model_before_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "out"
    assert main(["run", "--dest", str(dest), "--ner-model", "xx_no_such_model"]) == 2
    assert "pip install 'newsetl[spacy]'" in capsys.readouterr().err
    assert not dest.exists()
    assert main(["reprocess", str(dest), "--ner-model", "xx_no_such_model"]) == 2
    assert "pip install 'newsetl[spacy]'" in capsys.readouterr().err
    assert not dest.exists()


def test_the_setting_travels_as_a_string_and_reaches_every_article(pipeline: str, tmp_path: Path) -> None:
    config = load_config(ner_model=pipeline, dest=str(tmp_path / "data"))
    # What Prefect and Dask ship to a worker: the config as JSON, the model as its name.
    assert RunConfig.model_validate_json(config.model_dump_json()).ner_model == pipeline
    assert config.config_hash() != load_config(dest=str(tmp_path / "data")).config_hash()
    source = tmp_path / "story.txt"
    source.write_text(STORY, encoding="utf-8")
    files = discover([str(source)]).files
    for model, expected in ((pipeline, ["Ana Lucia Ferreira", "Zephyrine Okwuosa", "Ali Rezaei"]), (None, None)):
        run_id = f"run-{datetime.now(UTC):%H%M%S%f}"
        staged = prepare_batch(files, 0, run_id, config.dest, DedupParams(), ner_model=model)
        persons = pq.read_table(Path(config.dest) / staged.articles_path).column("persons").to_pylist()[0]
        if expected is None:
            assert "Zephyrine Okwuosa" not in persons  # the rule-based default, unchanged
        else:
            assert persons == expected
