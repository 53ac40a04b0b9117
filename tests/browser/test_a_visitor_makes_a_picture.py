"""A real browser (Playwright + Debian's chromium) against the live server and a real worker:
sign up, upload a photo and a style, start a job, watch the progress bar move, find the result.

Screenshots go to test-artifacts/ (ignored by git); readme-job-page.png there is the mid-run
one sized for the README (copy it over docs/job-page.png by hand when the page changes).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.conftest import ARTIFACTS, PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


@pytest.fixture
def page(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport={"width": 1200, "height": 860})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    shot(page, "last-page")  # where a failing test stopped
    context.close()


def photo(path: Path) -> Path:
    """A small 'landscape': sky gradient, sun, hills."""
    sky = Image.linear_gradient("L").resize((96, 64))
    img = Image.merge(
        "RGB", [sky.point(lambda v: 90 + v // 3), sky.point(lambda v: 140 + v // 4), Image.new("L", sky.size, 230)]
    )
    draw = ImageDraw.Draw(img)
    draw.ellipse((60, 8, 80, 28), fill=(255, 210, 90))
    draw.polygon([(0, 64), (0, 44), (30, 30), (55, 46), (96, 34), (96, 64)], fill=(60, 120, 70))
    img.save(path)
    return path


def style(path: Path) -> Path:
    """Bold diagonal stripes in warm colours."""
    img = Image.new("RGB", (64, 64), (30, 30, 60))
    draw = ImageDraw.Draw(img)
    for index, offset in enumerate(range(-64, 64, 10)):
        colour = [(240, 90, 60), (250, 190, 50), (80, 60, 200)][index % 3]
        draw.line([(offset, 64), (offset + 64, 0)], fill=colour, width=5)
    img.save(path)
    return path


def shot(page, name: str) -> Path:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def test_a_visitor_signs_up_uploads_runs_a_job_and_finds_the_result(live_server, worker, page, tmp_path: Path):  # noqa: ANN001
    url = live_server.url
    page.goto(f"{url}/")
    shot(page, "01-home")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("painter")
    page.get_by_label("Email").fill("painter@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.get_by_text("Welcome, painter!").wait_for()
    shot(page, "02-studio")

    for kind, file in (("Photo", photo(tmp_path / "lake-view.png")), ("Style", style(tmp_path / "warm-stripes.png"))):
        page.goto(f"{url}/uploads/new/")
        page.get_by_label("Image").set_input_files(file)
        page.get_by_label(kind, exact=True).check()
        page.get_by_role("button", name="Upload").click()
        page.get_by_text(f"Uploaded “{file.stem.replace('-', ' ')}”").wait_for()
    shot(page, "03-uploads")

    page.get_by_role("link", name="New job").first.click()
    page.locator(".pick-card label", has_text="lake view").click()
    page.locator(".pick-card label", has_text="warm stripes").click()
    assert page.get_by_label("Algorithm").input_value() == "gatys"  # no Chen decoder here: Gatys paints it
    page.locator("summary", has_text="More control").click()
    page.locator("#id_gatys-size").fill("48")
    page.locator("#id_gatys-steps").fill("60")
    page.locator("#id_gatys-optimizer").select_option("adam")
    assert page.locator("#id_denoise-steps").is_hidden()  # only the chosen algorithm's options show
    # No Chen decoder is enabled on this site yet: the picker shows Chen greyed out, with the reason.
    chen = page.locator("#id_algorithm option[value=chen]")
    assert chen.is_disabled() and "Chen style swap isn't available yet on this site." in chen.inner_text()
    weight = page.get_by_label("Weight", exact=True)  # the picked style's blend weight
    assert weight.is_visible()
    choose = "(el, name) => { el.value = name; el.dispatchEvent(new Event('change')); }"
    page.locator("#id_algorithm").evaluate(choose, "chen")  # were it ready: one style, no blend weight
    assert page.locator("[name=style]:checked").count() == 1 and weight.is_hidden()
    page.get_by_label("Algorithm").select_option("denoise")  # Denoise takes none
    assert page.locator("[name=style]:checked").count() == 0 and page.get_by_text("takes no style").is_visible()
    page.get_by_label("Algorithm").select_option("gatys")
    page.locator(".pick-card label", has_text="warm stripes").click()
    assert weight.is_visible()
    page.wait_for_function("() => document.querySelector('[data-expected]').textContent.startsWith('about')")
    shot(page, "04-job-form")
    with page.expect_navigation() as arrived:
        page.get_by_role("button", name="Stylize").click()
    # the page said so when it loaded (the worker may take the job a moment later and the note goes)
    assert "Your job is queued." in arrived.value.text()
    page.locator("#job:not([data-state=queued])").wait_for()
    assert page.get_by_text("Your job is queued.").count() == 0  # running or done: it no longer claims so

    bar = page.get_by_role("progressbar")
    seen: list[int] = []
    deadline = time.monotonic() + 180
    mid_run, well_into_run = None, False
    while time.monotonic() < deadline:
        value = int(bar.get_attribute("aria-valuenow") or 0)
        if not seen or value != seen[-1]:
            seen.append(value)
        # For the README: a moment well into the run, with a preview (any mid-run moment will do).
        if 0 < value < 100 and page.locator("[data-field=preview]").is_visible():
            if mid_run is None or (15 <= value <= 85 and not well_into_run):
                mid_run = shot(page, "05-job-running")
                well_into_run = 15 <= value <= 85
        if page.locator("[data-field=result]").is_visible():
            break
        time.sleep(0.1)
    shot(page, "06-job-done")
    assert any(0 < value < 100 for value in seen), f"the progress bar never showed a value between 0 and 100: {seen}"
    assert seen == sorted(seen), f"the progress bar went backwards: {seen}"
    assert mid_run is not None, "no mid-run screenshot with a preview"
    with Image.open(mid_run) as full:  # a smaller copy, ready to replace docs/job-page.png for the README
        full.thumbnail((960, 2000))
        full.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE).save(
            ARTIFACTS / "readme-job-page.png", optimize=True
        )

    page.locator("[data-field=result]").click()
    page.get_by_role("heading", name="lake view × warm stripes").wait_for()
    assert page.get_by_text("Made with random VGG weights").is_visible()
    shot(page, "07-result")

    page.get_by_role("link", name="My results").click()
    assert page.get_by_text("lake view × warm stripes").is_visible()

    page.get_by_role("link", name="lake view × warm stripes").click()
    page.get_by_label("Public (listed in the gallery)").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved.").wait_for()
    page.get_by_role("link", name="Gallery", exact=True).click()
    assert page.get_by_text("lake view × warm stripes").is_visible()
    assert page.get_by_text("by painter").is_visible()
    shot(page, "08-gallery")
