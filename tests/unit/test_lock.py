"""The lock (requirements/constraints.txt) pins every dependency pyproject.toml declares, within its range."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from portal.config import PROJECT_ROOT


def test_every_declared_dependency_is_pinned_within_its_range():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [Requirement(line) for line in project["dependencies"]]
    declared += [Requirement(line) for extra in project["optional-dependencies"].values() for line in extra]
    lock = (PROJECT_ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8")
    pins = {canonicalize_name(name): version for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", lock, re.M)}
    stale = [f"{requirement} (locked: {pins.get(canonicalize_name(requirement.name))})" for requirement in declared
             if not requirement.specifier.contains(pins.get(canonicalize_name(requirement.name), "0"),
                                                   prereleases=True)
             or canonicalize_name(requirement.name) not in pins]
    assert not stale, f"run `make lock`: {stale}"
