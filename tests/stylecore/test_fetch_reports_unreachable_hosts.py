"""An unreachable host or an HTTP error is one FetchError line naming the file, the problem and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from stylecore.catalogue import load_catalogue
from stylecore.errors import FetchError
from stylecore.fetch import fetch
from tests.helpers.catalogue_server import CatalogueServer, johnson_entry, write_catalogue
from tests.helpers.network import free_port


def test_a_closed_port_is_one_clear_line(tmp_path: Path, served: CatalogueServer) -> None:
    port = free_port()
    entry = johnson_entry(served, "candy", url=f"http://127.0.0.1:{port}/saved_models.zip")
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [entry]))

    with pytest.raises(FetchError) as unreachable:
        fetch(entry, tmp_path / "models", timeout=5)

    message = str(unreachable.value)
    assert message.startswith(f"candy: saved_models.zip: cannot reach 127.0.0.1:{port} (")
    assert message.endswith("check the network, or fetch from a mirror with --from") and "\n" not in message
    assert list((tmp_path / "models").iterdir()) == []


def test_an_http_error_is_one_clear_line(tmp_path: Path, served: CatalogueServer) -> None:
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [johnson_entry(served, "candy")]))
    with pytest.raises(FetchError) as missing:
        fetch(entry, tmp_path)
    assert str(missing.value) == (
        f"candy: saved_models.zip: HTTP 404 Not Found from 127.0.0.1:{served.port}; "
        "check the catalogue's URL or try again later"
    )


def test_a_file_missing_from_a_mirror_folder_says_so(tmp_path: Path, served: CatalogueServer) -> None:
    [entry] = load_catalogue(write_catalogue(tmp_path / "c.json", [johnson_entry(served, "candy")]))
    with pytest.raises(FetchError, match=r"^candy: saved_models\.zip: not found in the mirror folder"):
        fetch(entry, tmp_path / "models", mirror=str(tmp_path / "empty"))
