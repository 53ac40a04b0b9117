"""Style Gallery REST API, end to end: log in, upload a photo and a style, run a job, download the result.

    GALLERY_PASSWORD=... python examples/client.py --url http://localhost:8000 --username alice photo.jpg style.jpg \
        --option size=256 --option steps=100

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


def option(text: str) -> tuple[str, Any]:
    name, _, value = text.partition("=")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value  # a plain word, e.g. optimizer=adam


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", type=Path, help="the photo")
    parser.add_argument("style", type=Path, help="the style image")
    parser.add_argument("--url", default=os.environ.get("GALLERY_URL", "http://localhost:8000"))
    parser.add_argument(
        "--username", default=os.environ.get("GALLERY_USERNAME"), required="GALLERY_USERNAME" not in os.environ
    )
    parser.add_argument("--algorithm", default="gatys")
    parser.add_argument("--option", type=option, action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--output", type=Path, default=Path("result.png"))
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between progress checks")
    args = parser.parse_args(argv)
    password = os.environ.get("GALLERY_PASSWORD") or getpass.getpass(f"Password for {args.username}: ")

    base = args.url.rstrip("/") + "/api/v1"
    api = requests.Session()
    token = checked(api.post(f"{base}/auth/token/", json={"username": args.username, "password": password}))["token"]
    api.headers["Authorization"] = f"Token {token}"

    content = upload(api, base, args.content, "content")
    style = upload(api, base, args.style, "style")
    request = {
        "algorithm": args.algorithm,
        "content": content["id"],
        "styles": [{"id": style["id"], "weight": 1.0}],
        "options": dict(args.option),
    }
    job = checked(api.post(f"{base}/jobs/", json=request))
    print(f"job {job['id']} queued (position {job['queue_position']})")

    while not job["finished"]:
        time.sleep(args.poll)
        try:
            response = api.get(f"{base}/jobs/{job['id']}/")
        except requests.ConnectionError as error:  # the server restarting: the job carries on
            print(f"(no answer: {error.__class__.__name__}; retrying)", file=sys.stderr)
            continue
        if response.status_code == 429:  # polling too fast for the server's rate limit
            time.sleep(float(response.headers.get("Retry-After", 5)))
            continue
        job = checked(response)
        losses = " ".join(f"{name}={value:.3g}" for name, value in job["losses"].items())
        print(f"{job['state']:<9} {job['percent']:3d}%  step {job['step']}/{job['total']}  {losses}")
    if job["state"] != "succeeded":
        print(f"job {job['state']}: {job['message']}", file=sys.stderr)
        return 1

    result = checked(api.get(job["result_url"]))
    with api.get(result["download_url"], stream=True) as response:
        if not response.ok:
            checked(response)
        with args.output.open("wb") as out:
            for chunk in response.iter_content(64 * 1024):
                out.write(chunk)
    print(
        f"saved {args.output} ({result['width']}x{result['height']}, {result['seconds']:.1f} s on {result['device']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
