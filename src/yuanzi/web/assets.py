"""Static files of the web screens, and the browser libraries served from the npm install (never
committed): htmx, and hls.js for live video."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, PlainTextResponse, Response

router = APIRouter(prefix="/static")
STATIC_DIR = Path(__file__).parent / "static"
# `npm ci` at the repository root (make install) puts them, pinned in package-lock.json, here.
REPO_ROOT = Path(__file__).resolve().parents[3]
VENDOR = {
    "htmx.min.js": REPO_ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js",
    "hls.min.js": REPO_ROOT / "node_modules" / "hls.js" / "dist" / "hls.min.js",
}
MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".png": "image/png"}


@router.get("/vendor/{name}", response_model=None)
def vendor(name: str) -> Response:
    """A library from node_modules, or 404 saying how to install it."""
    path = VENDOR.get(name)
    if path is None:
        return PlainTextResponse(f"no vendored library {name!r}", status_code=404)
    if not path.is_file():
        return PlainTextResponse(
            f"{name} is not installed: expected {path}. Run `make install` (or `npm ci` in {REPO_ROOT}).",
            status_code=404,
        )
    return FileResponse(path, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})


@router.get("/{name}", response_model=None)
def static_file(name: str) -> Response:
    """A file of web/static (flat: no sub-directories, only known types)."""
    path = STATIC_DIR / name
    media_type = MEDIA_TYPES.get(path.suffix)
    if "/" in name or name.startswith(".") or media_type is None or not path.is_file():
        return PlainTextResponse(f"no static file {name!r}", status_code=404)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=300"})
