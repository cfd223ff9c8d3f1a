"""Catalog hygiene: extract, update, compile and check, on top of Babel's own tools."""

from __future__ import annotations

import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from portal.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
SOURCE_LANGUAGE = "en"


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = POT) -> None:
    _pybabel(
        "extract", "-F", str(PROJECT_ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
        "--no-location", "--sort-output", "--project", "Kakehashi", "--copyright-holder", "Kakehashi contributors",
        "-o", str(output), str(PROJECT_ROOT),
    )


def _catalog_languages() -> list[str]:
    return sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES" / "messages.po").exists())


def update() -> None:
    for lang in _catalog_languages():
        _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang, "--no-fuzzy-matching",
                 "--ignore-obsolete")


def compile_catalogs() -> None:
    if _catalog_languages():
        _pybabel("compile", "-d", str(TRANSLATIONS))


def _ids(path: Path) -> set:
    with open(path, "rb") as handle:
        return {message.id if isinstance(message.id, str) else tuple(message.id)
                for message in read_po(handle) if message.id}


def check(languages) -> list[str]:
    """Every problem found, as sentences; an empty list means the catalogs are sound."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        extract(fresh)
        fresh_ids = _ids(fresh)
    committed_ids = _ids(POT) if POT.exists() else set()
    if fresh_ids != committed_ids:
        added, gone = fresh_ids - committed_ids, committed_ids - fresh_ids
        problems.append(
            f"messages.pot is stale: {len(added)} new and {len(gone)} removed strings "
            "(run `flask --app portal translate update`)."
        )
    for lang in languages:
        if lang == SOURCE_LANGUAGE:
            continue
        po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            problems.append(f"{lang}: no catalog at {po.relative_to(PROJECT_ROOT)}.")
            continue
        with open(po, "rb") as handle:
            catalog = read_po(handle)
        ids = set()
        for message in catalog:
            if not message.id:
                continue
            ids.add(message.id if isinstance(message.id, str) else tuple(message.id))
            label = message.id if isinstance(message.id, str) else message.id[0]
            if message.fuzzy:
                problems.append(f"{lang}: fuzzy entry {label!r}.")
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            if not all(strings):
                problems.append(f"{lang}: untranslated entry {label!r}.")
        missing = fresh_ids - ids
        if missing:
            problems.append(f"{lang}: {len(missing)} strings missing from the catalog (run translate update).")
    return problems
