"""The one rule for web addresses people type (guide sources, organisation websites, application
pages, import sources): http or https with a host, nothing else. A `javascript:` or `data:` URL
stored once would run in every reader's browser that follows the link."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")  # controls and spaces: browsers strip some and read what is left


def is_web_url(value: str | None) -> bool:
    text = (value or "").strip()
    if not text or _UNSAFE.search(text):
        return False
    parts = urlsplit(text)
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


class WebURL:
    """WTForms validator: an http(s) address, or empty (pair with Optional())."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        from wtforms.validators import ValidationError

        if field.data and not is_web_url(field.data):
            raise ValidationError(self.message)
