"""An exported ONNX model runs in onnxruntime at other sizes (odd ones too) and matches torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime
import torch
from PIL import Image

from stylecore import johnson
from stylecore.cli import main
from stylecore.modelfile import save_model

from .conftest import photo


def test_the_onnx_model_matches_torch_at_any_size(tmp_path: Path) -> None:
    torch.manual_seed(3)
    net = johnson.TransformerNet(variant="light").eval()
    model = save_model(
        tmp_path / "m.safetensors", net.state_dict(), johnson.model_metadata(net, style="s", training={})
    )
    assert main(["export-onnx", str(model), "-o", str(tmp_path / "m.onnx")]) == 0
    session = onnxruntime.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    for size in [(32, 32), (27, 41)]:
        x = torch.rand(1, 3, *size)
        (got,) = session.run(None, {"image": x.numpy()})
        with torch.inference_mode():
            want = net(x).numpy()
        assert got.shape == (1, 3, *size)
        np.testing.assert_allclose(got, want, atol=1e-4)


def test_run_files_gives_the_same_picture_on_both_engines(tmp_path: Path, write_image) -> None:
    torch.manual_seed(4)
    net = johnson.TransformerNet(variant="light").eval()
    model = save_model(
        tmp_path / "m.safetensors", net.state_dict(), johnson.model_metadata(net, style="s", training={})
    )
    content = write_image("content.png", photo(45, 31))
    outputs = {}
    for engine in ("torch", "onnx"):
        record = johnson.run_files(model, content, tmp_path / f"{engine}.png", engine=engine, device="cpu")
        assert record.params["engine"] == engine
        outputs[engine] = np.asarray(Image.open(tmp_path / f"{engine}.png"), dtype=int)
    assert outputs["onnx"].shape == (31, 45, 3)
    assert np.abs(outputs["onnx"] - outputs["torch"]).max() <= 1  # rounding to 8 bits at most
