"""Every module the site and the worker import is installed by requirements.txt (what `./dev up` installs).

The bug this guards against: a runtime module imported a package only requirements-dev.txt installs, so the
test suite passed while `./dev up` failed as soon as that module loaded. Static, with `ast`: every import in
gallery/, stylecore/ and manage.py (migrations aside), inside functions too, must be the standard library,
our own packages, or come from a distribution requirements.txt pins or one of those declares it depends on.
Imports under `if TYPE_CHECKING:` never run and are not counted. (`./dev check-runtime`, run by CI before the
dev tools are installed, imports every module for real in a venv holding requirements.txt only.)

examples/client.py is not part of the install: it is the API client people copy to their own machines, and its
docstring promises it needs only `requests`, so it is held to that instead.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = frozenset({"gallery", "stylecore"})
RUNTIME_PACKAGES = ("gallery", "stylecore")
RUNTIME_SCRIPTS = ("manage.py",)


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_files(root: Path = ROOT) -> list[Path]:
    files = [root / name for name in RUNTIME_SCRIPTS]
    for package in RUNTIME_PACKAGES:
        files += sorted(path for path in (root / package).rglob("*.py") if "migrations" not in path.parts)
    return files


def requirement_names(file: Path) -> Iterator[str]:
    """Distribution names a requirements file installs (following `-r other.txt`)."""
    for raw in file.read_text().splitlines():
        line = raw.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r ", "--requirement ")):
            yield from requirement_names(file.parent / line.split(maxsplit=1)[1])
        elif not line.startswith("-"):
            yield Requirement(line).name


def dependency_closure(names: Iterable[str]) -> set[str]:
    """The distributions and everything they declare they need (markers evaluated here, extras not taken)."""
    todo, seen = [normalize(name) for name in names], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # pinned but not installed here: pip install would have said so
        for spec in requires:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(normalize(requirement.name))
    return seen


@cache
def providers() -> dict[str, list[str]]:
    """Top-level import name -> the installed distributions that provide it."""
    return metadata.packages_distributions()


@cache
def runtime_modules(requirements: Path = ROOT / "requirements.txt") -> frozenset[str]:
    """Top-level import names that requirements.txt makes importable: stdlib, ours, and its distributions'."""
    installed = dependency_closure(requirement_names(requirements))
    provided = {
        module
        for module, distributions in providers().items()
        if any(normalize(dist) in installed for dist in distributions)
    }
    return frozenset(sys.stdlib_module_names) | FIRST_PARTY | provided


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level module) for every absolute import in the file, at any depth."""

    def visit(node: ast.AST) -> Iterator[tuple[int, str]]:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]
        elif (  # importlib.import_module("name") / __import__("name")
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__"))
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and not node.args[0].value.startswith(".")
        ):
            yield node.lineno, node.args[0].value.split(".")[0]
        for child in ast.iter_child_nodes(node):
            yield from visit(child)

    yield from visit(ast.parse(path.read_text(), filename=str(path)))


def unprovided_imports(files: Iterable[Path], allowed: frozenset[str], root: Path = ROOT) -> list[str]:
    """'file:line: module' for every import of a module not in `allowed`."""
    problems = []
    for path in files:
        for line, module in imports(path):
            if module not in allowed:
                where = path.relative_to(root) if path.is_relative_to(root) else path
                found = providers().get(module)
                source = f"from {', '.join(sorted(set(found)))}" if found else "not installed here either"
                problems.append(f"{where}:{line}: imports {module!r} ({source})")
    return problems


def test_runtime_code_imports_only_what_requirements_txt_installs() -> None:
    files = runtime_files()
    assert len(files) > 50 and ROOT / "gallery" / "settings.py" in files  # the walk found the code
    problems = unprovided_imports(files, runtime_modules())
    assert not problems, (
        "runtime code imports modules that requirements.txt does not install (add the distribution to "
        "requirements.txt, or move the code out of the runtime packages):\n  " + "\n  ".join(problems)
    )


def test_the_example_client_needs_only_requests() -> None:
    allowed = frozenset(sys.stdlib_module_names) | {"requests"}
    problems = unprovided_imports(sorted((ROOT / "examples").rglob("*.py")), allowed)
    assert not problems, "examples/ promises it needs only requests:\n  " + "\n  ".join(problems)


def test_the_checker_flags_dev_only_imports_wherever_they_are(tmp_path: Path) -> None:
    module = tmp_path / "pipeline.py"
    module.write_text(
        "from __future__ import annotations\n"
        "import os, json\n"
        "from typing import TYPE_CHECKING\n"
        "import torch\n"
        "from django.conf import settings\n"
        "import gallery.core\n"
        "from . import sibling\n"
        "if TYPE_CHECKING:\n"
        "    import hypothesis\n"
        "def smooth(image):\n"
        "    from skimage.filters import gaussian\n"
        "    return gaussian(image)\n"
        "class Fixture:\n"
        "    def use(self):\n"
        "        import pytest\n"
        "        return pytest\n"
        "def late():\n"
        "    import importlib\n"
        "    return importlib.import_module('schemathesis.core')\n"
    )
    problems = unprovided_imports([module], runtime_modules(), root=tmp_path)
    assert [p.split(" (")[0] for p in problems] == [
        "pipeline.py:11: imports 'skimage'",
        "pipeline.py:15: imports 'pytest'",
        "pipeline.py:19: imports 'schemathesis'",
    ]
    assert "from scikit-image" in problems[0]
