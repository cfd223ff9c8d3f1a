"""The built wheel runs on its own: templates, catalogs, migrations and static files come with it.

The project is copied out of the checkout, built into a wheel and installed into a fresh virtual
environment; the environment borrows this one's third-party packages (a .pth line) so the test needs
no index, but `portal` itself can only come from the wheel. The installed site then migrates a new
database and gunicorn serves a Japanese page from it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import venv
from pathlib import Path

import requests
from babel.messages.pofile import read_po

from portal.config import PROJECT_ROOT

NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "instance", "*.egg-info", "__pycache__",
                                    "*.pyc", "*.mo", "artifacts", ".data", "results", ".pytest_cache")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _japanese(msgid: str) -> str:
    with open(PROJECT_ROOT / "translations" / "ja" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        translated = read_po(handle).get(msgid).string
    assert translated
    return translated


def _run(python: Path, *args: str, env: dict, cwd: Path) -> str:
    result = subprocess.run([str(python), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def test_wheel_installs_and_serves_a_page(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=NOT_SOURCE)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(source)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("kakehashi-*.whl")

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, timeout=300)

    workdir = tmp_path / "run"  # not the checkout: nothing may be found through the current folder
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE_", "FLASK_"))}
    env.update(PORTAL_ENV="production", SECRET_KEY="wheel-test-secret",
               DATABASE_URL=f"sqlite:///{tmp_path / 'site.db'}", PYTHONPATH="")
    where = _run(python, "-c", "import portal, flask; from portal import create_app; app = create_app(); "
                 "print(portal.__file__); print(app.instance_path)", env=env, cwd=workdir).split()
    assert where[0].startswith(str(site)), where  # the package comes from the wheel, not the checkout
    assert not where[1].startswith(str(site)), where  # instance data never inside site-packages
    _run(python, "-m", "flask", "--app", "portal", "db", "upgrade", env=env, cwd=workdir)
    _run(python, "-m", "flask", "--app", "portal", "reference", "load", env=env, cwd=workdir)

    port = _free_port()
    server = subprocess.Popen([str(python), "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                               "portal:create_app()"], env=env, cwd=workdir,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = requests.get(f"http://127.0.0.1:{port}/ja/", timeout=5)
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, server.stdout.read().decode()
                time.sleep(0.2)
        assert page.status_code == 200
        assert '<html lang="ja"' in page.text
        warning = _japanese("If anyone asks you for money for a job in Japan, do not pay.")
        assert warning in page.text  # from the compiled Japanese catalog inside the wheel
        assert requests.get(f"http://127.0.0.1:{port}/static/style.css", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
