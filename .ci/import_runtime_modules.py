"""Import every module under gallery/ and stylecore/, with Django set up.

`./dev check-runtime` runs this in the venv before requirements-dev.txt is installed (CI does, on a fresh
clone), so a runtime module importing a package only the dev tools bring fails here instead of on `./dev up`.
Exits 1, with each failing module's traceback, if any module does not import.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("gallery", "stylecore")


def module_names() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.name == "__main__.py":  # `python -m stylecore`: importing it would run the CLI
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gallery.settings")
    os.environ.setdefault("STYLECORE_VGG_WEIGHTS", "random")  # nothing is downloaded on import anyway
    import django

    django.setup()
    names = module_names()
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - report every module that fails, then fail once
            failed.append(name)
            print(f"--- {name} does not import:", file=sys.stderr)
            traceback.print_exc()
    print(f"imported {len(names) - len(failed)} of {len(names)} runtime modules", file=sys.stderr)
    if failed:
        print("these do not import with requirements.txt alone: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
