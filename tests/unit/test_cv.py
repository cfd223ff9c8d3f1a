import io
import zipfile

import pytest

from portal.accounts import cv


def docx(document: bytes = b"<w:document/>", extra: dict | None = None, content_types: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types or
                         b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
                         b'wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_pdf_and_docx_are_accepted():
    assert cv.check(PDF).mime == cv.PDF
    assert cv.check(docx()).mime == cv.DOCX


@pytest.mark.parametrize(("content", "code"), [
    (b"", "empty"),
    (b"<html><script>alert(1)</script></html>", "type"),  # a renamed HTML file
    (b"MZ\x90\x00" + b"\x00" * 100, "type"),  # a program
    (b"%PDF-1.7 but cut off", "broken"),
    (b"PK\x03\x04 not really a zip", "broken"),
    (docx(content_types=b"<Types>spreadsheet</Types>"), "type"),
    (b"%PDF-" + b"x" * (5 * 1024 * 1024), "too_large"),
])
def test_bad_files_are_refused(content, code):
    with pytest.raises(cv.CVError) as raised:
        cv.check(content)
    assert raised.value.code == code


def test_zip_bomb_docx_is_refused():
    bomb = docx(document=b"<w:document>" + b"A" * (60 * 1024 * 1024) + b"</w:document>")
    assert len(bomb) < 1024 * 1024  # small on the wire
    with pytest.raises(cv.CVError) as raised:
        cv.check(bomb)
    assert raised.value.code == "zip_bomb"


def test_a_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.html", "<script>")
    with pytest.raises(cv.CVError):
        cv.check(buffer.getvalue())


def test_stored_under_a_random_name(tmp_path):
    name = cv.store(tmp_path, PDF, cv.check(PDF))
    assert name.endswith(".pdf") and len(name) == 36
    assert (tmp_path / name).read_bytes() == PDF
    with pytest.raises(cv.CVError):
        cv.path_for(tmp_path, "../etc/passwd")
    cv.remove(tmp_path, name)
    assert not (tmp_path / name).exists()
