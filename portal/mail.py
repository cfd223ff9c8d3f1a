"""Sending e-mail: through SMTP when MAIL_SERVER is set, else into instance/outbox/ as .eml files
(the default, so development and tests never send real mail)."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app, url_for


def site_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail, always on SITE_URL: never from the request's Host header,
    which the sender of a request chooses. `lang` must be given for pages under /<lang>/."""
    base = current_app.config["SITE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def outbox() -> Path:
    return Path(current_app.config.get("MAIL_OUTBOX") or Path(current_app.instance_path) / "outbox")


def send(to: str, subject: str, text: str, html: str | None = None, headers: dict[str, str] | None = None) -> None:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4()}@kakehashi>"
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    # After the content: set_content() removes every Content-* header (Content-Language too).
    for name, value in (headers or {}).items():
        message[name] = value
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        folder = outbox()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
        return
    with smtplib.SMTP(server, int(current_app.config.get("MAIL_PORT", 587)), timeout=30) as smtp:
        if current_app.config.get("MAIL_USE_TLS", True):
            smtp.starttls()
        if current_app.config.get("MAIL_USERNAME"):
            smtp.login(current_app.config["MAIL_USERNAME"], current_app.config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)
