"""gunicorn, run with deploy/gunicorn.conf.py, writes its own lines in the app's JSON format."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import requests

from portal.config import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_lines_are_json(tmp_path):
    port = _free_port()
    env = {**os.environ, "PORTAL_ENV": "test", "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}", "PORTAL_INSTANCE_PATH": str(tmp_path)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                              cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()
                time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=30)
    lines = [line for line in err.splitlines() if line.strip()]
    gunicorn_lines = [json.loads(line) for line in lines if '"gunicorn.error"' in line]
    assert any("Listening at" in entry["message"] for entry in gunicorn_lines), err
    assert any("Booting worker" in entry["message"] for entry in gunicorn_lines), err
    for line in lines:
        entry = json.loads(line)  # every line, gunicorn's and the app's, is one JSON object
        assert {"time", "level", "logger", "message"} <= entry.keys()
