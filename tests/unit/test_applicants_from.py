"""Who an imported posting takes, read from its text (portal/feeds/applicants.py), on the labelled
texts of tests/fixtures/applicants_from/: the accuracy is printed, and every text is expected right."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from portal.feeds.applicants import infer_applicants_from, infer_dispatch, infer_sub_area

FIXTURE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "applicants_from" / "postings.json")
                     .read_text(encoding="utf-8"))["postings"]


def test_the_labelled_texts_are_many_and_mixed():
    assert len(FIXTURE) >= 20
    languages = Counter(row["lang"] for row in FIXTURE)
    labels = Counter(row["expected"] for row in FIXTURE)
    assert languages["ja"] >= 10 and languages["en"] >= 10
    assert all(labels[value] >= 3 for value in ("abroad", "in_japan_only", "unknown")), labels


def test_accuracy_on_the_labelled_texts(capsys):
    wrong = []
    for row in FIXTURE:
        got = infer_applicants_from([row["text"]], row["employment_type"])
        if got != row["expected"]:
            wrong.append((row["id"], row["expected"], got))
    right = len(FIXTURE) - len(wrong)
    with capsys.disabled():
        print(f"\napplicants_from inferred right for {right} of {len(FIXTURE)} texts "
              f"({100 * right / len(FIXTURE):.0f} %); wrong: {wrong or 'none'}")
    assert not wrong


@pytest.mark.parametrize(("texts", "employment", "expected"), [
    (["<p>国内在住の方</p>"], "FULL_TIME", "in_japan_only"),  # HTML is fine
    (["ＯＶＥＲＳＥＡＳ ＡＰＰＬＩＣＡＮＴＳ ＷＥＬＣＯＭＥ"], "FULL_TIME", "abroad"),  # full-width letters
    (["Overseas applicants welcome.", "No visa sponsorship."], "FULL_TIME", "in_japan_only"),  # a refusal wins
    (["国内在住の方、海外からの応募も可"], "FULL_TIME", "abroad"),  # both welcome: abroad
    ([None, ""], None, "unknown"),
    (["海外からの応募可"], "PART_TIME", "abroad"),  # the text says so; the recruiter's editor refuses this pair
])
def test_inference_edge_cases(texts, employment, expected):
    assert infer_applicants_from(texts, employment) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("派遣社員として食品工場で勤務", True),
    ("人材派遣会社からの紹介です", True),
    ("You will be a dispatched worker at a car parts plant.", True),
    ("直接雇用です（派遣ではありません）", False),
    ("Direct employment by the farm.", False),
    ("正社員・寮あり", False),
])
def test_dispatch_is_read_from_the_text(text, expected):
    assert infer_dispatch([text]) is expected


ROWS = [("construction", "civil_engineering", "Civil engineering", "土木"), ("construction", "building", "Building", "建築"),
        ("construction", "lifelines", "Lifelines and facilities", "ライフライン・設備"),
        ("food_service", "cooking_service", "Cooking, customer service and store management", "飲食物調理・接客・店舗管理")]


@pytest.mark.parametrize(("sector", "text", "expected"), [
    ("food_service", "ラーメン店の調理", "cooking_service"),  # the field's only category
    ("construction", "型枠大工の募集です", "building"),
    ("construction", "道路工事（土木）", "civil_engineering"),
    ("construction", "建築と土木の両方", None),  # two named: undecided
    ("construction", "建設作業員", None),
    ("other", "倉庫作業", None),
])
def test_sub_area_is_read_from_the_text(sector, text, expected):
    assert infer_sub_area(sector, [text], ROWS) == expected
