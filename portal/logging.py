"""Structured logs: one JSON object per line, each carrying the request id.

Every request gets an id: the incoming X-Request-ID when it is a short safe token (so a proxy's id
follows the request through), otherwise a new one. It is returned in the X-Request-ID header and
added to every log line written during the request. One access line per request (logger
`portal.access`) gives method, path, status and duration; gunicorn's own access log stays off.

What is never logged: form fields (passwords), query strings, cookies, headers, uploaded files,
and path segments that are secrets (the `token` of unsubscribe and invitation links).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}\Z")
SECRET_VIEW_ARGS = frozenset({"token"})
access_log = logging.getLogger("portal.access")


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id, method, path (+ status, duration_ms, exception)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id")
            entry["method"] = request.method
            entry["path"] = loggable_path()
        for name in ("status", "duration_ms"):
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def loggable_path() -> str:
    """The request path without its query string, with secret URL segments replaced."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_VIEW_ARGS and value:
            path = path.replace(str(value), "[redacted]")
    return path


def request_id_from(header: str | None) -> str:
    if header and _SAFE_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def _start_request() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _finish_request(response):
    request_id = g.get("request_id")
    if request_id is None:  # a response made before our before_request ran
        _start_request()
        request_id = g.request_id
    response.headers[REQUEST_ID_HEADER] = request_id
    duration_ms = round((time.perf_counter() - g.request_started) * 1000, 1)
    if access_log.isEnabledFor(logging.INFO):
        access_log.info("%s %s %s", request.method, loggable_path(), response.status_code,
                        extra={"status": response.status_code, "duration_ms": duration_ms})
    return response


def configure(level: str | int = "INFO") -> None:
    """JSON lines on stderr from the root logger (once per process, whatever create_app is called)."""
    root = logging.getLogger()
    if not any(isinstance(handler, _StderrHandler) for handler in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # seven lines at each boot


def init_app(app: Flask) -> None:
    configure(app.config.get("LOG_LEVEL", "INFO"))
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)  # app.logger propagates to the JSON handler
    # First of all before_request functions, so that even a request refused early (rate limit) has an id.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
