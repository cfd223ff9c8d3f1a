"""gunicorn settings for Kakehashi: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be changed through the environment (names below) without editing this file.
See docs/deploy.md.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: requests are short and the app is not async. 2 × cores + 1 is gunicorn's rule of
# thumb; each worker holds its own database pool (DATABASE_POOL_SIZE connections, default 5).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request slower than this is killed and its worker restarted (CV uploads on slow links included).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Each worker builds the app after the fork: no database connection or Redis socket is shared
# between processes.
preload_app = False
# The app writes one JSON access line per request with its request id (portal/logging.py);
# gunicorn's own access log would only repeat it. Errors (worker boots, timeouts) go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's own lines (boots, worker timeouts, signals) in the app's JSON format, so one log
# pipeline reads them all. Both of gunicorn's handler names are defined: its defaults refer to them.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "portal.logging.JsonFormatter"}},
    "handlers": {
        name: {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        for name in ("console", "error_console")
    },
    "root": {"level": loglevel.upper(), "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False,
                           "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": loglevel.upper(), "handlers": ["console"], "propagate": False,
                            "qualname": "gunicorn.access"},
    },
}
# Addresses of the reverse proxies allowed to set X-Forwarded-Proto/-For for gunicorn. Keep the
# default (127.0.0.1) when nginx runs on the same host; list the proxy's address otherwise, never
# "*" unless only the proxy can reach this port. The app itself trusts PROXY_FIX_X_FOR hops.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Request line and header limits (gunicorn's defaults, stated).
limit_request_line = 4094
limit_request_fields = 100
