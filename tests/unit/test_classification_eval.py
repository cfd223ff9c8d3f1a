"""The evaluation set of the posting classifier, and the floor its held-out part must stay above."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from portal.matching.classify import DATA_DIR, load_taxonomy
from portal.matching.evaluation import EVALUATION_DIR, HELDOUT, TUNING, confusion_table, evaluate, load_items

HELDOUT_SECTOR_FLOOR = 0.90  # the suite fails below this (goal 95 %)
HELDOUT_OCCUPATION_FLOOR = 0.80  # goal 85 %
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(DATA_DIR)


@pytest.fixture(scope="module")
def heldout():
    return load_items(EVALUATION_DIR / HELDOUT)


@pytest.fixture(scope="module")
def tuning():
    return load_items(EVALUATION_DIR / TUNING)


def test_the_set_is_large_labelled_and_covers_every_sector(taxonomy, heldout, tuning):
    items = heldout + tuning
    assert len(items) >= 300 and len(heldout) >= 100
    assert len({item["id"] for item in items}) == len(items), "ids must be unique across both parts"
    for item in items:
        assert item["sector"] in taxonomy.sectors, item["id"]
        assert item["occupation"] in taxonomy.occupations, item["id"]
        assert item["lang"] in {"en", "ja", "mixed"}, item["id"]
        assert item["style"] in {"kyujinhyo", "board", "blog", "recruiter"}, item["id"]
        text = item["title"] + item["description"]
        if item["lang"] == "en":
            assert not JAPANESE.search(text), item["id"]
        else:
            assert JAPANESE.search(text), item["id"]
        if item["lang"] == "mixed":
            assert LATIN_WORD.search(text), item["id"]
    for part in (heldout, tuning):
        per_sector = Counter(item["sector"] for item in part)
        assert set(per_sector) == set(taxonomy.sectors), set(taxonomy.sectors) - set(per_sector)
        assert min(per_sector.values()) >= 5, per_sector
        assert {item["style"] for item in part} == {"kyujinhyo", "board", "blog", "recruiter"}


def test_the_set_holds_the_confusable_pairs(heldout, tuning):
    """Hard cases named in the brief are in both parts, labelled as the portal decides them."""
    def labels(part, word):
        return {item["sector"] for item in part if word in item["title"] + item["description"]}

    for part in (heldout, tuning):
        assert labels(part, "給食") >= {"food_manufacturing", "food_service"}
        assert "accommodation" in labels(part, "客室清掃")
        assert labels(part, "保線") == {"railway"}
        assert labels(part, "森林組合") == {"forestry"}
        assert "it_engineering" in labels(part, "Kubernetes")


def test_heldout_accuracy_stays_above_the_floor(taxonomy, heldout):
    evaluation = evaluate(taxonomy, heldout)
    misses = [(item["id"], item["sector"], result.sector) for item, result in evaluation.misses()]
    table = confusion_table(evaluation, list(taxonomy.sectors))
    assert evaluation.sector_accuracy >= HELDOUT_SECTOR_FLOOR, (evaluation.sector_accuracy, misses, table)
    assert evaluation.occupation_accuracy >= HELDOUT_OCCUPATION_FLOOR, evaluation.occupation_accuracy


def test_confusion_table_counts_every_posting(taxonomy, heldout):
    evaluation = evaluate(taxonomy, heldout)
    table = confusion_table(evaluation, list(taxonomy.sectors))
    rows = table.splitlines()[1:]
    assert sum(int(row.split()[-1]) for row in rows) == len(heldout)
    assert sum(evaluation.confusion().values()) == len(heldout)


def test_learned_labels_override_the_text_they_were_given_for(taxonomy):
    from portal.matching.classify import classify, learn

    title, description = "Airport cleaning", "Clean the terminal."
    labels = learn([(title, description, "building_cleaning", "9112")])
    before = classify(taxonomy, title=title, description=description)
    assert before.runner_up is not None
    after = classify(taxonomy, title=title, description=description, learned=labels)
    assert (after.sector, after.occupation, after.source, after.runner_up) == ("building_cleaning", "9112",
                                                                              "correction", None)
    # Case, width and white space do not matter; other text is classified as before.
    same = classify(taxonomy, title_en="AIRPORT  cleaning", description_en="Clean the\nterminal.", learned=labels)
    assert same.source == "correction"
    other = classify(taxonomy, title="Airport cleaning", description="Clean the runway lights.", learned=labels)
    assert other.source == "text"


def test_evaluation_module_is_pure():
    import ast
    from pathlib import Path

    from portal.matching import evaluation

    tree = ast.parse(Path(evaluation.__file__).read_text(encoding="utf-8"))
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert modules <= {"__future__", "json", "collections", "collections.abc", "dataclasses", "pathlib",
                       "portal.matching.classify"}, modules
