"""Every algorithm's config refuses bad values the same way: OptionError(field, "must be ...")."""

from __future__ import annotations

import pytest

from stylecore import chen, johnson, video
from stylecore.errors import OptionError
from stylecore.gatys import GatysConfig
from stylecore.options import Options
from stylecore.zsn2n import DenoiseConfig

CONFIGS = (
    GatysConfig,
    DenoiseConfig,
    johnson.JohnsonConfig,
    johnson.TrainConfig,
    chen.ChenConfig,
    chen.DecoderTrainConfig,
    video.VideoConfig,
)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: c.__name__)
def test_every_config_is_an_options_dataclass_with_plain_params(config: type[Options]) -> None:
    assert issubclass(config, Options)
    params = config().to_params()
    assert isinstance(params, dict) and params


@pytest.mark.parametrize(
    ("config", "options", "message"),
    [
        (GatysConfig, {"steps": 0}, "steps: must be between 1 and 5000, not 0"),
        (GatysConfig, {"optimizer": "sgd"}, "optimizer: must be one of lbfgs, adam, not 'sgd'"),
        (DenoiseConfig, {"steps": 0}, "steps: must be between 1 and 20000, not 0"),
        (DenoiseConfig, {"seed": -1}, "seed: must be between 0 and"),
        (DenoiseConfig, {"preview_every": -1}, "preview_every: must be 0 or more, not -1"),
        (johnson.JohnsonConfig, {"size": 4}, "size: must be between 8 and"),
        (johnson.TrainConfig, {"variant": "huge"}, "variant: must be one of standard, light, not 'huge'"),
        (johnson.TrainConfig, {"batch": 0}, "batch: must be between 1 and 64, not 0"),
        (johnson.TrainConfig, {"lr": "fast"}, "lr: must be a number, not 'fast'"),
        (chen.ChenConfig, {"stride": 4}, "stride: must be between 1 and 3, not 4"),
        (chen.DecoderTrainConfig, {"batch": 1}, "batch: must be between 2 and 64, not 1"),
        (chen.DecoderTrainConfig, {"steps": 2.5}, "steps: must be a whole number, not 2.5"),
        (video.VideoConfig, {"height": 8}, "height: must be between 16 and 2160, not 8"),
        (video.VideoConfig, {"start": -1.0}, "start: must be 0 or more, not -1"),
        (video.VideoConfig, {"start": 2.0, "end": 1.0}, "end: must be after the start"),
        (video.VideoConfig, {"crf": 52}, "crf: must be between 0 and 51, not 52"),
        (video.VideoConfig, {"stable_blend": float("nan")}, "stable_blend: must be a number, not nan"),
    ],
)
def test_bad_values_are_named_and_explained(config: type[Options], options: dict, message: str) -> None:
    with pytest.raises(OptionError) as caught:
        config(**options)
    assert str(caught.value).startswith(message)
    assert caught.value.field == message.split(":")[0]


@pytest.mark.parametrize(
    ("config", "options"),
    [
        (GatysConfig, {"size": 4096, "steps": 5000, "seed": 2**63 - 1}),
        (DenoiseConfig, {"steps": 20_000, "seed": 0}),
        (johnson.TrainConfig, {"batch": 1, "size": 1024, "style_size": None, "tv_weight": 0}),
        (chen.DecoderTrainConfig, {"batch": 2, "steps": 1_000_000}),
        (chen.ChenConfig, {"patch": 9, "stride": 9, "style_size": None, "size": 16}),
        (video.VideoConfig, {"height": 16, "start": 0, "end": 0.5, "batch": 64, "stable_blend": 0.95, "crf": 0}),
    ],
)
def test_the_edges_of_the_ranges_are_accepted(config: type[Options], options: dict) -> None:
    config(**options)
