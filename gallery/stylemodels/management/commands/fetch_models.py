"""manage.py fetch_models: download what the model catalogue lists and take it in.

The VGG19 weights go where torchvision looks for them (so Gatys and Chen find them); each
fast-neural-style network is checked, converted to .safetensors and becomes an enabled
StyleModel with its style image and a preview. Running it again downloads and adds nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gallery.stylemodels import services
from gallery.stylemodels.models import StyleModel
from stylecore import fetch
from stylecore.errors import StylecoreError


class Command(BaseCommand):
    help = "Download the VGG19 weights and the public style networks the model catalogue lists, and enable them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--catalogue", type=Path, help="A catalogue file in the same format (default: stylecore's)."
        )
        parser.add_argument("--from", dest="mirror", help="A folder or base URL holding the same file names.")
        parser.add_argument("--only", nargs="+", metavar="NAME", help="Fetch only these entries.")
        parser.add_argument("--list", action="store_true", help="List the catalogue and what is here already.")

    def handle(self, *args: Any, catalogue: Path | None, mirror: str | None, only: list[str] | None, **options: Any):
        try:
            entries = fetch.load_catalogue(catalogue)
        except StylecoreError as error:
            raise CommandError(str(error)) from None
        unknown = sorted(set(only or ()) - {entry.name for entry in entries})
        if unknown:
            raise CommandError(f"Not in the catalogue: {', '.join(unknown)} (see --list).")
        chosen = [entry for entry in entries if not only or entry.name in only]
        if options["list"]:
            for entry in chosen:
                here = "here" if self._is_here(entry) else "missing"
                self.stdout.write(f"{entry.name:16} {entry.kind:8} {here:8} {entry.title} ({entry.licence})")
            return
        failed = [entry.name for entry in chosen if not self._take_in(entry, mirror)]
        fetch.remove_archives(chosen, self.folder)  # the networks' zip, once each network is out of it
        if failed:
            rest = "; the rest is in place" if len(failed) < len(chosen) else ""
            raise CommandError(
                f"{len(failed)} of {len(chosen)} could not be fetched ({', '.join(failed)}){rest}. "
                "Run the command again when the network (or a --from mirror) is reachable."
            )

    def _is_here(self, entry: fetch.Entry) -> bool:
        if entry.kind == "vgg19":
            return fetch.vgg_target(entry).is_file()
        return StyleModel.objects.filter(catalogue_name=entry.name).exists()

    @property
    def folder(self) -> Path:
        """Downloads and converted networks; VGG19 goes where torchvision looks instead (fetch.vgg_target)."""
        return Path(settings.VAR_DIR) / "catalogue"

    def _take_in(self, entry: fetch.Entry, mirror: str | None) -> bool:
        """Fetch one entry and add its StyleModel; one line either way (False when it failed)."""
        folder = None if entry.kind == "vgg19" else self.folder
        with tqdm(desc=entry.name, unit="B", unit_scale=True, leave=False, disable=None) as bar:

            def progress(done: int, total: int | None) -> None:
                if done < bar.n:  # the next file of this entry (its style image) has started
                    bar.reset(total=total)
                bar.total = total
                bar.update(done - bar.n)

            try:
                fetched = fetch.fetch(entry, folder, mirror=mirror, on_progress=progress)
                model = services.style_model_from_catalogue(fetched=fetched) if entry.kind == "johnson" else None
            except StylecoreError as error:  # its message names the entry and the file
                self.stderr.write(str(error))
                return False
            except ValidationError as error:  # the style image was refused
                self.stderr.write(f"{entry.name}: {' '.join(error.messages)}")
                return False
        if model is not None:
            self.stdout.write(f"{entry.name}: added the style model “{model.name}” (enabled)")
        else:
            self.stdout.write(f"{entry.name}: {'downloaded' if fetched.downloaded else 'already here'}")
        return True
