"""Build step: the wheel carries the top-level templates and the compiled catalogs.

The project keeps `templates/` and `translations/` beside `portal/` (the layout every contributor
knows); an installed package has no project folder, so the build copies them into
`portal/bundled/`, compiling each catalog to .mo on the way. `portal.config` finds them there when
the package is not running from a checkout. Editable installs read the checkout directly.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithTemplatesAndCatalogs(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        bundled = Path(self.build_lib) / "portal" / "bundled"
        shutil.rmtree(bundled, ignore_errors=True)
        shutil.copytree(ROOT / "templates", bundled / "templates",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for po in sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po")):
            target = bundled / po.relative_to(ROOT).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(po, "rb") as source:
                catalog = read_po(source)
            with open(target, "wb") as out:
                write_mo(out, catalog)


setup(cmdclass={"build_py": BuildWithTemplatesAndCatalogs})
