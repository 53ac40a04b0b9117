"""The "video" entry of the studio's algorithm registry (registered by this app's ready()): a
Johnson model or Chen (with one style upload) over every frame of an uploaded video, through
stylecore.video.run_files.

The video's id travels in the job's options and is judged by `_check_video` when job_create
runs; the worker copies it (and the model files) to its scratch folder, and stores the MP4 as a
Result with a VideoResult (services.video_result_create).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms

from gallery.core.files import local_copy
from gallery.core.users import User
from gallery.studio.algorithms import Algorithm, FinishOptionsForm, RunInputs, finish_options, preview_every
from gallery.studio.models import Job
from gallery.stylemodels.algorithms import NO_JOHNSON_MODEL, StyleModelChoiceField, enabled_model
from gallery.stylemodels.models import Kind, StyleModel
from stylecore import video
from stylecore.errors import OptionError, StylecoreError
from stylecore.progress import ProgressCallback
from stylecore.record import RunRecord

from . import selectors
from .models import Video
from .services import video_result_create

CHEN = "chen"


class VideoOptionsForm(FinishOptionsForm):
    """Types and widgets only (strength and colours first): VideoConfig checks the ranges."""

    video = forms.IntegerField(widget=forms.HiddenInput)
    model = StyleModelChoiceField(
        Kind.JOHNSON, missing=NO_JOHNSON_MODEL, required=False, label="Johnson style model", empty_label="—"
    )
    decoder = StyleModelChoiceField(
        Kind.CHEN_DECODER,
        missing="No Chen decoder is enabled.",
        required=False,
        label="Or Chen with a style image: decoder",
        empty_label="—",
    )
    height = forms.IntegerField(required=False, help_text="Output height in pixels; empty keeps the video's.")
    start = forms.FloatField(initial=0.0, help_text="First second to stylize.")
    end = forms.FloatField(required=False, help_text="Second to stop at; empty = the end.")
    stable = forms.BooleanField(required=False, label="Reduce flicker (optical-flow blending)")


@dataclass(frozen=True)
class VideoRun:
    video_id: int
    model: StyleModel | None  # Johnson, or
    decoder: StyleModel | None  # Chen (the job's one style upload is the style)
    config: video.VideoConfig


def _build(options: Mapping[str, Any], style_weights: Sequence[float]) -> VideoRun:
    model_id, decoder_id = options.get("model"), options.get("decoder")
    if (model_id is None) == (decoder_id is None):
        raise OptionError("model", "Choose a Johnson style model, or a Chen decoder with a style image.")
    if decoder_id is not None and len(style_weights) != 1:
        raise OptionError("styles", "Chen needs exactly one style image.")
    if model_id is not None and style_weights:
        raise OptionError("styles", "A Johnson model brings its own style: choose no style image.")
    return VideoRun(
        video_id=options["video"],
        model=enabled_model(model_id, Kind.JOHNSON, "model") if model_id is not None else None,
        decoder=enabled_model(decoder_id, Kind.CHEN_DECODER, "decoder") if decoder_id is not None else None,
        config=video.VideoConfig(
            height=options.get("height"),
            start=options.get("start") or 0.0,
            end=options.get("end"),
            stable=bool(options.get("stable")),
            preview_every=preview_every(),
            **finish_options(options),
        ),
    )


def _check_video(owner: User, options: Mapping[str, Any]) -> dict[str, str]:
    """The job's input is one of the owner's videos (a missing one and someone else's read alike)."""
    if not selectors.videos_of(owner).filter(pk=_video_id(options)).exists():
        return {"video": "No such video: choose one of your videos."}
    return {}


def _video_id(options: Mapping[str, Any]) -> int | None:
    try:
        return int(options.get("video"))
    except (TypeError, ValueError):
        return None


def _work(options: Mapping[str, Any], photo: Any) -> int:
    """Every frame of the whole video (start and end are not counted off) at the output height."""
    source = Video.objects.filter(pk=_video_id(options)).first()
    if source is None:
        return 0  # judged missing by _check_video already
    height = options.get("height") or source.height
    return source.frames * round(source.width * height / source.height) * height


def _prepare(job: Job, folder: Path) -> RunInputs:
    source = Video.objects.filter(pk=job.options.get("video")).first()
    if source is None:
        raise StylecoreError("The video this job needs was deleted before it ran.")
    styles = [local_copy(s.upload.image, folder, f"style-{i}") for i, s in enumerate(job.job_styles.all())]
    return RunInputs(content=local_copy(source.file, folder, "source"), styles=styles, output=folder / "result.mp4")


def _run(job: VideoRun, inputs: RunInputs, on_progress: ProgressCallback) -> RunRecord:
    folder = Path(inputs.output).parent
    network = job.model or job.decoder
    copy = local_copy(network.file, folder, "network")
    model, style, decoder = (copy, None, None) if job.model else (CHEN, inputs.styles[0], copy)
    return video.run_files(
        model,
        inputs.content,
        inputs.output,
        job.config,
        style=style,
        decoder=decoder,
        network_name=network.name,
        on_progress=on_progress,
    )


VIDEO = Algorithm(
    name="video",
    label="Video (Johnson or Chen, frame by frame)",
    description="Stylizes every frame of an uploaded video; the sound is kept.",
    options_form=VideoOptionsForm,
    build_config=_build,
    run=_run,
    work=_work,
    min_styles=0,
    max_styles=1,
    output_suffix=".mp4",
    offered=False,
    check_input=_check_video,
    prepare_inputs=_prepare,
    store_output=video_result_create,
)
