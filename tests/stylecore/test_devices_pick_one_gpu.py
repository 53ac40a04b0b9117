"""STYLECORE_DEVICE=cuda:N pins a run to one GPU of several; a wrong name or number is a clear error (no GPU needed:
torch's CUDA queries are stood in for)."""

from __future__ import annotations

import pytest
import torch

from stylecore.devices import describe_device, pick_device
from stylecore.errors import OptionError


@pytest.fixture
def two_gpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)


@pytest.mark.usefixtures("two_gpus")
@pytest.mark.parametrize(("name", "index"), [("cuda:0", 0), ("cuda:1", 1), (" CUDA:1 ", 1), ("cuda:01", 1)])
def test_cuda_n_is_that_gpu(name: str, index: int) -> None:
    assert pick_device(name) == torch.device("cuda", index)


@pytest.mark.usefixtures("two_gpus")
def test_the_setting_names_the_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STYLECORE_DEVICE", "cuda:1")
    assert pick_device() == torch.device("cuda", 1)
    monkeypatch.setenv("STYLECORE_DEVICE", "cuda")
    assert pick_device() == torch.device("cuda")  # whichever CUDA_VISIBLE_DEVICES shows first


@pytest.mark.usefixtures("two_gpus")
def test_a_gpu_the_machine_lacks_says_which_it_has() -> None:
    with pytest.raises(
        OptionError, match=r"cuda:2 was asked for but this machine has 2 CUDA GPU\(s\): cuda:0 to cuda:1"
    ):
        pick_device("cuda:2")


@pytest.mark.parametrize("name", ["cuda:", "cuda:-1", "cuda:one", "cpu:0", "mps:1", "gpu"])
def test_a_malformed_name_lists_the_choices(name: str) -> None:
    with pytest.raises(OptionError, match=r"must be one of auto, cpu, cuda, cuda:N, mps"):
        pick_device(name)


def test_cuda_n_without_cuda_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(OptionError, match="cuda:1 was asked for but no CUDA GPU is available"):
        pick_device("cuda:1")


def test_a_result_names_the_gpu_it_ran_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device: f"GPU {torch.device(device).index}")
    assert describe_device(torch.device("cuda", 1)) == "cuda:1 (GPU 1)"
