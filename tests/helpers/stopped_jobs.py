"""A Gatys job stopped mid-run, in the test process and in a moment: the entry's runner is swapped
for one that reports its steps (with a small preview, as stylecore does), is told to stop, and
writes its picture so far with its RunRecord the way stylecore's run_files does."""

from __future__ import annotations

import dataclasses

import pytest
from PIL import Image

from gallery.studio import algorithms, services
from gallery.studio.models import Job
from stylecore.images import save_image
from stylecore.progress import Progress
from stylecore.record import RunRecord


def picture(size: tuple[int, int]) -> Image.Image:
    """Something to look at in a screenshot: warm and cool gradients crossing."""
    ramp = Image.linear_gradient("L")
    return Image.merge("RGB", (ramp.rotate(90).resize(size), ramp.resize(size), Image.new("L", size, 150)))


def stop_mid_run(job: Job, *, steps_done: int = 3, total: int = 10, size: tuple[int, int] = (64, 48)) -> Job:
    """Run `job` (queued) to step `steps_done` of `total`, cancelled there; returns it reloaded."""

    def run(config, inputs, on_progress) -> RunRecord:  # noqa: ANN001
        record = RunRecord(
            algorithm="gatys", weights="random", random_weights=True, steps_done=steps_done, stopped=True
        )
        if steps_done:  # else stopped before its first step: no picture
            stop = on_progress(Progress(step=steps_done, total=total, preview=Image.new("RGB", (16, 12), "navy")))
            assert stop, "the worker did not pass on the cancel"
            save_image(picture(size), inputs.output, record=record)
        return record

    Job.objects.filter(pk=job.pk).update(cancel_requested=True)  # asked just as the worker took it
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(algorithms.REGISTRY, "gatys", dataclasses.replace(algorithms.REGISTRY["gatys"], run=run))
        services.job_execute(job_id=job.pk)
    return Job.objects.get(pk=job.pk)
