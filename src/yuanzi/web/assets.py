"""Static files of the web screens, and htmx served from the npm install (never committed)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, PlainTextResponse, Response

router = APIRouter(prefix="/static")
STATIC_DIR = Path(__file__).parent / "static"
# `npm ci` at the repository root (make install) puts htmx.org, pinned in package-lock.json, here.
REPO_ROOT = Path(__file__).resolve().parents[3]
HTMX = REPO_ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".png": "image/png"}


@router.get("/vendor/htmx.min.js", response_model=None)
def htmx() -> Response:
    """htmx from node_modules, or 404 saying how to install it."""
    if not HTMX.is_file():
        return PlainTextResponse(
            f"htmx is not installed: expected {HTMX}. Run `make install` (or `npm ci` in {REPO_ROOT}).",
            status_code=404,
        )
    return FileResponse(HTMX, media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"})


@router.get("/{name}", response_model=None)
def static_file(name: str) -> Response:
    """A file of web/static (flat: no sub-directories, only known types)."""
    path = STATIC_DIR / name
    media_type = MEDIA_TYPES.get(path.suffix)
    if "/" in name or name.startswith(".") or media_type is None or not path.is_file():
        return PlainTextResponse(f"no static file {name!r}", status_code=404)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=300"})
