"""Module pictures and recordings: the files of the media folder (MEDIA_DIR), uploads checked
by what their first bytes say they are (not their name) and by size, and each file shown
back with its own type, never sniffed, never run."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import filetype
from starlette.datastructures import UploadFile
from starlette.responses import FileResponse, Response

from admin.deps import Ctx, Pager, Role, page
from bot.web.media import CONTENT_TYPES, content_type, is_media_ref

MB = 1024 * 1024
# What WhatsApp accepts (and Telegram far more): 5 MB for a picture, 16 MB for a recording.
LIMITS = {"image": 5 * MB, "audio": 16 * MB}
MAX_UPLOAD = max(LIMITS.values())
# The extension a file may have, for what its first bytes say it is.
DETECTED = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "audio/ogg": (".ogg", ".opus"),
    "audio/mpeg": (".mp3",),
    "audio/mp4": (".m4a",),
    "video/mp4": (".m4a",),  # a phone's recording: an MP4 box holding only sound
}
FOLDER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
NOTICES = {"uploaded": "Fichier enregistré : un module peut le nommer."}


class UploadError(ValueError):
    pass


@dataclass(frozen=True)
class MediaFile:
    ref: str
    size: int
    modified: datetime
    kind: str  # image | audio

    @property
    def kb(self) -> int:
        return max(1, round(self.size / 1024))


def _root(ctx: Ctx) -> Path:
    return ctx.state.services.settings.effective_media_dir


def _kind(ref: str) -> str:
    return "image" if content_type(ref).startswith("image/") else "audio"


def _files(root: Path) -> list[MediaFile]:
    if not root.is_dir():
        return []
    out = []
    for path in sorted(root.rglob("*")):
        ref = path.relative_to(root).as_posix()
        if path.is_file() and is_media_ref(ref):
            stat = path.stat()
            out.append(
                MediaFile(ref, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC), _kind(ref))
            )
    return out


async def _list(ctx: Ctx, *, status: int = 200, error: str | None = None) -> Response:
    files = await asyncio.to_thread(_files, _root(ctx))
    pager = Pager.of(ctx, len(files))
    return ctx.render(
        "media.html",
        status=status,
        files=pager.window(files),
        pager=pager,
        error=error,
        notice=NOTICES.get(ctx.query("notice")),
        limits={k: v // MB for k, v in LIMITS.items()},
        suffixes=", ".join(sorted(CONTENT_TYPES)),
    )


@page("/media", role=Role.staff)
async def media_list(ctx: Ctx) -> Response:
    return await _list(ctx)


def _name(filename: str) -> str:
    stem, dot, suffix = Path(filename).name.rpartition(".")
    if not dot or not stem:
        raise UploadError("Le fichier doit avoir une extension (.ogg, .mp3, .jpg…).")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    clean = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_stem).strip("-.")[:80] or "fichier"
    return f"{clean}.{suffix.lower()}"


def _check(head: bytes, name: str, size: int) -> str:
    """The file's kind; UploadError when its bytes, its name or its size do not fit."""
    suffix = Path(name).suffix
    if suffix not in CONTENT_TYPES:
        raise UploadError(f"Extension {suffix} refusée : {', '.join(sorted(CONTENT_TYPES))}.")
    found = filetype.guess_mime(head)
    if found is None or suffix not in DETECTED.get(found, ()):
        what = found or "inconnu"
        raise UploadError(f"Ce fichier n'est pas ce que dit son nom ({suffix} ; contenu : {what}).")
    kind = _kind(name)
    if size > LIMITS[kind]:
        raise UploadError(f"Fichier trop lourd : {LIMITS[kind] // MB} Mo au plus.")
    if size == 0:
        raise UploadError("Le fichier est vide.")
    return kind


def _store(upload: UploadFile, target: Path) -> None:
    """Written whole to a temporary file, then renamed: never a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            upload.file.seek(0)
            while chunk := upload.file.read(256 * 1024):
                out.write(chunk)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@page("/media", role=Role.facilitator, methods=("POST",), max_upload=MAX_UPLOAD)
async def media_upload(ctx: Ctx) -> Response:
    upload = ctx.form.get("file") if ctx.form is not None else None
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _list(ctx, status=422, error="Choisissez un fichier.")
    folder = ctx.field("folder").strip().lower()
    replace = ctx.field("replace") == "1"
    root = _root(ctx)
    try:
        if not folder:  # a module names its files "folder/name" (bot/web/media.py)
            raise UploadError("Dossier : donnez-en un (ex. learn), le module le nomme.")
        if not FOLDER.match(folder):
            raise UploadError("Dossier : lettres minuscules, chiffres, - et _ (ex. learn).")
        name = _name(upload.filename)
        ref = f"{folder}/{name}"
        size = upload.size if upload.size is not None else 0
        await upload.seek(0)
        head = await upload.read(262)
        _check(head, name, size)
        target = root / ref
        if target.exists() and not replace:
            raise UploadError(f"{ref} existe déjà : cochez « remplacer » pour le remplacer.")
    except UploadError as exc:
        return await _list(ctx, status=422, error=str(exc))
    await asyncio.to_thread(_store, upload, target)
    async with ctx.db.begin() as conn:
        await ctx.audit(conn, "media.upload", f"{ref} ({size} octets)")
    return ctx.redirect("/media", notice="uploaded")


@page("/media/file", role=Role.staff)
async def media_file(ctx: Ctx) -> Response:
    """One file, as what it is: its own content type, inline, never sniffed (nosniff and
    the panel's CSP come with every response)."""
    ref = ctx.query("ref")
    path = ctx.state.services.media.path(ref) if is_media_ref(ref) else None
    if path is None:
        return ctx.render("error.html", status=404, code=404, message="Ce fichier n'existe pas.")
    return FileResponse(
        path,
        media_type=content_type(ref),
        headers={
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": f'inline; filename="{path.name}"',
        },
    )
