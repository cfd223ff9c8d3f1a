"""CV files: checked by their content (not their name), stored outside the web root.

Only PDF and DOCX are accepted. A DOCX is a ZIP file, so it is opened and checked as one: it must
hold a Word document, and its entries may not expand beyond a sane size (a "zip bomb" of a few
kilobytes can unpack to gigabytes).
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100  # uncompressed ÷ compressed, per entry
MAX_ENTRIES = 1000

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}


class CVError(ValueError):
    """Why a file cannot be a CV; `code` is translated by the caller."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CheckedCV:
    mime: str
    size: int


MAX_NAME_CHARS = 100
_NAME_UNSAFE = re.compile(r"[^\w .()\-]+")  # \w is Unicode: Urdu and Japanese names stay readable


def clean_file_name(original: str | None, mime: str) -> str:
    """The name a CV is stored and downloaded under: the stem of what the person uploaded, without
    folders, control characters (a CR/LF would break the download's header) or punctuation, and
    always the extension of the type found in the content (an "x.html" PDF becomes "x.pdf")."""
    name = unicodedata.normalize("NFKC", original or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"\s+", " ", _NAME_UNSAFE.sub("_", stem)).strip(" ._")[:MAX_NAME_CHARS]
    return (stem or "cv") + EXTENSIONS[mime]


def download_name(stored_name: str | None, mime: str | None) -> str:
    """Names stored before they were cleaned are cleaned again on the way out."""
    return clean_file_name(stored_name, mime) if mime in EXTENSIONS else "cv"


def check(content: bytes) -> CheckedCV:
    if not content:
        raise CVError("empty")
    if len(content) > MAX_BYTES:
        raise CVError("too_large")
    if content.startswith(b"%PDF-"):
        if b"%%EOF" not in content[-2048:]:
            raise CVError("broken")
        return CheckedCV(PDF, len(content))
    if content.startswith(b"PK\x03\x04"):
        _check_docx(content)
        return CheckedCV(DOCX, len(content))
    raise CVError("type")


def _check_docx(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise CVError("broken") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise CVError("zip_bomb")
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise CVError("type")
        total = 0
        for entry in entries:
            total += entry.file_size
            if total > MAX_UNPACKED_BYTES:
                raise CVError("zip_bomb")
            if entry.compress_size and entry.file_size / entry.compress_size > MAX_RATIO and entry.file_size > 1_000_000:
                raise CVError("zip_bomb")
        # The sizes in the directory can lie: read the document itself with a hard limit.
        with archive.open("word/document.xml") as document:
            if len(document.read(MAX_UNPACKED_BYTES + 1)) > MAX_UNPACKED_BYTES:
                raise CVError("zip_bomb")
        content_types = archive.read("[Content_Types].xml")[:100_000]
        if b"wordprocessingml" not in content_types:
            raise CVError("type")


def store(directory: Path, content: bytes, checked: CheckedCV) -> str:
    """Write the file under a random name (nothing of the uploader's name reaches the disk)."""
    directory.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + EXTENSIONS[checked.mime]
    path = directory / name
    path.write_bytes(content)
    path.chmod(0o600)
    return name


def path_for(directory: Path, stored_name: str) -> Path:
    if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise CVError("type")
    return directory / stored_name


def remove(directory: Path, stored_name: str | None) -> None:
    if stored_name:
        path_for(directory, stored_name).unlink(missing_ok=True)
