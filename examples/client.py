"""Style Gallery REST API, end to end: log in, upload a photo and a style, run a job, download the result.

    GALLERY_PASSWORD=... python examples/client.py --url http://localhost:8000 --username alice photo.jpg style.jpg \
        --option size=256 --option steps=100

With --batch, CONTENT and STYLE may be folders (or files): every photo goes with every style, one
picture each, and the results come back as one zip (each picture with its run record):

    python examples/client.py --batch photos/ styles/ --output results.zip --username alice

With --mask, the style goes only where the mask is white (an image of the photo's shape, any
size); outside it the photo stays (--option unmasked='"style"' stylizes it too). One --mask per
style, in their order; `--mask -` for a style that covers the rest:

    python examples/client.py harbour.jpg Candy.jpg --mask sky.png --username alice

Needs only `requests`. Options are the job page's (JSON values); the API docs are at <url>/api/docs/.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import requests


def checked(response: requests.Response) -> Any:
    """The JSON body, or exit with the API's error message (one shape for every error)."""
    if response.ok:
        return response.json() if response.content else None
    try:
        error = response.json()["error"]
    except (ValueError, KeyError):
        sys.exit(f"HTTP {response.status_code}: {response.text[:200]}")
    fields = "".join(f"\n  {name}: {' '.join(messages)}" for name, messages in error["fields"].items())
    sys.exit(f"HTTP {response.status_code} {error['code']}: {error['message']}{fields}")


def upload(api: requests.Session, base: str, path: Path, kind: str) -> dict:
    with path.open("rb") as file:
        image = checked(api.post(f"{base}/images/", files={"file": (path.name, file)}, data={"kind": kind}))
    print(f"uploaded {path.name} as {kind} image {image['id']} ({image['width']}x{image['height']})")
    return image


IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"}


def images_in(path: Path) -> list[Path]:
    """A file as itself; a folder as its images, by name."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    return [path]


def option(text: str) -> tuple[str, Any]:
    name, _, value = text.partition("=")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value  # a plain word, e.g. optimizer=adam


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", type=Path, help="the photo (with --batch: a photo or a folder of them)")
    parser.add_argument("style", type=Path, help="the style image (with --batch: a style or a folder of them)")
    parser.add_argument("--batch", action="store_true", help="every pair of photo and style, saved as one zip")
    parser.add_argument("--url", default=os.environ.get("GALLERY_URL", "http://localhost:8000"))
    parser.add_argument(
        "--username", default=os.environ.get("GALLERY_USERNAME"), required="GALLERY_USERNAME" not in os.environ
    )
    parser.add_argument("--algorithm", default="gatys")
    parser.add_argument("--option", type=option, action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument(
        "--mask",
        action="append",
        default=[],
        metavar="FILE",
        help="where the style goes (white), one per style; - for the rest (not with --batch)",
    )
    parser.add_argument("--output", type=Path, help="default result.png (with --batch: results.zip)")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between progress checks")
    args = parser.parse_args(argv)
    if args.batch and args.mask:
        parser.error("--mask does not go with --batch: a mask is drawn for one photo")
    password = os.environ.get("GALLERY_PASSWORD") or getpass.getpass(f"Password for {args.username}: ")

    base = args.url.rstrip("/") + "/api/v1"
    api = requests.Session()
    token = checked(api.post(f"{base}/auth/token/", json={"username": args.username, "password": password}))["token"]
    api.headers["Authorization"] = f"Token {token}"

    if args.batch:
        return run_batch(api, base, args)
    content = upload(api, base, args.content, "content")
    style = upload(api, base, args.style, "style")
    masks = [None if mask == "-" else upload(api, base, Path(mask), "mask")["id"] for mask in args.mask]
    request = {
        "algorithm": args.algorithm,
        "content": content["id"],
        "styles": [{"id": style["id"], "weight": 1.0}],
        "options": dict(args.option),
        "masks": masks,
    }
    job = checked(api.post(f"{base}/jobs/", json=request))
    print(f"job {job['id']} queued (position {job['queue_position']})")

    def report(job: dict) -> None:
        losses = " ".join(f"{name}={value:.3g}" for name, value in job["losses"].items())
        print(f"{job['state']:<9} {job['percent']:3d}%  step {job['step']}/{job['total']}  {losses}")

    job = poll(api, f"{base}/jobs/{job['id']}/", job, args.poll, report)
    if job["state"] != "succeeded":
        print(f"job {job['state']}: {job['message']}", file=sys.stderr)
        return 1

    result = checked(api.get(job["result_url"]))
    output = args.output or Path("result.png")
    download(api, result["download_url"], output)
    print(f"saved {output} ({result['width']}x{result['height']}, {result['seconds']:.1f} s on {result['device']})")
    return 0


def run_batch(api: requests.Session, base: str, args: argparse.Namespace) -> int:
    """Upload every photo and style, queue every pair as one batch, follow it, download its zip."""
    photos = [upload(api, base, path, "content")["id"] for path in images_in(args.content)]
    styles = [upload(api, base, path, "style")["id"] for path in images_in(args.style)]
    request = {"algorithm": args.algorithm, "photos": photos, "styles": styles, "options": dict(args.option)}
    batch = checked(api.post(f"{base}/batches/", json=request))
    print(f"batch {batch['name']!r}: {batch['total']} pictures queued; watch it at {batch['page_url']}")

    def report(batch: dict) -> None:
        running = [cell["title"] for cell in batch["cells"] if cell["state"] == "running"]
        print(f"{batch['done']}/{batch['total']} made" + (f"  (now: {', '.join(running)})" if running else ""))

    batch = poll(api, f"{base}/batches/{batch['id']}/", batch, args.poll, report)
    for cell in batch["cells"]:
        if cell["state"] != "succeeded":
            print(f"{cell['title']}: {cell['state']} {cell['message']}".rstrip(), file=sys.stderr)
    output = args.output or Path("results.zip")
    download(api, batch["download_url"], output)
    print(f"saved {output} ({batch['done']} of {batch['total']} pictures, each with its run record)")
    return 0 if batch["done"] == batch["total"] else 1


def poll(api: requests.Session, url: str, item: dict, every: float, report: Any) -> dict:
    """Read `url` every `every` seconds until the job or batch is finished, reporting each answer."""
    while not item["finished"]:
        time.sleep(every)
        try:
            response = api.get(url)
        except requests.ConnectionError as error:  # the server restarting: the work carries on
            print(f"(no answer: {error.__class__.__name__}; retrying)", file=sys.stderr)
            continue
        if response.status_code == 429:  # polling too fast for the server's rate limit
            time.sleep(float(response.headers.get("Retry-After", 5)))
            continue
        item = checked(response)
        report(item)
    return item


def download(api: requests.Session, url: str, output: Path) -> None:
    with api.get(url, stream=True) as response:
        if not response.ok:
            checked(response)
        with output.open("wb") as out:
            for chunk in response.iter_content(64 * 1024):
                out.write(chunk)


if __name__ == "__main__":
    sys.exit(main())
