"""Uploads of module pictures and recordings: checked by what the bytes are and by size,
stored whole, listed, and served back with their own type (never sniffed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from admin.app import CSP
from tests.admin.conftest import Panel, csrf
from tests.admin.people import PNG, use_media_dir

OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1evorbis" + b"\x00" * 200
HTML = b"<html><script>alert(1)</script></html>"


@pytest.fixture
def media(panel: Panel, tmp_path: Path) -> Path:
    folder = tmp_path / "media"
    folder.mkdir()
    use_media_dir(panel, folder)
    return folder


async def upload(client, name: str, body: bytes, **fields: str):  # type: ignore[no-untyped-def]
    token = await csrf(client, "/admin/media")
    return await client.post(
        "/admin/media",
        data={"csrf_token": token, **fields},
        files={"file": (name, body, "application/octet-stream")},
    )


async def test_upload_a_picture_and_a_recording_and_see_them(panel: Panel, media: Path) -> None:
    client = await panel.signed_in("facilitator")
    sent = await upload(client, "Affiche marché.png", PNG, folder="learn")
    assert sent.status_code == 303, sent.text
    assert (media / "learn" / "Affiche-marche.png").read_bytes() == PNG
    assert (await upload(client, "cae.ar.ogg", OGG, folder="learn")).status_code == 303
    page = (await client.get("/admin/media")).text
    assert "learn/Affiche-marche.png" in page and "learn/cae.ar.ogg" in page
    assert '<audio controls preload="none" src="/admin/media/file?ref=learn/cae.ar.ogg"' in page
    shown = await client.get("/admin/media/file?ref=learn/Affiche-marche.png")
    assert shown.status_code == 200 and shown.content == PNG
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["content-security-policy"] == CSP and "media-src 'self'" in CSP
    assert shown.headers["content-disposition"].startswith("inline")
    sound = await client.get("/admin/media/file?ref=learn/cae.ar.ogg")
    assert sound.headers["content-type"] == "audio/ogg"
    # The same name again only when asked to replace.
    again = await upload(client, "cae.ar.ogg", OGG, folder="learn")
    assert again.status_code == 422 and "existe déjà" in again.text
    assert (await upload(client, "cae.ar.ogg", OGG, folder="learn", replace="1")).status_code == 303


async def test_what_a_file_is_not_is_refused(panel: Panel, media: Path) -> None:
    client = await panel.signed_in("facilitator")
    cases = [
        ("page.png", HTML, "n&#39;est pas ce que dit son nom"),  # a script called a picture
        ("photo.ogg", PNG, "n&#39;est pas ce que dit son nom"),  # a picture called a sound
        ("page.html", HTML, "Extension .html refusée"),
        ("sans-extension", PNG, "extension"),
        ("vide.png", b"", "n&#39;est pas ce que dit son nom"),
        ("big.png", PNG + b"\x00" * (5 * 1024 * 1024), "trop lourd"),
    ]
    for name, body, why in cases:
        response = await upload(client, name, body, folder="learn")
        assert response.status_code == 422, name
        assert why in response.text, (name, response.text[-2000:])
    for folder in ("../etc", "a/b", "Learn!", "", "  "):  # none: a module could not name it
        response = await upload(client, "ok.png", PNG, folder=folder)
        assert response.status_code == 422, folder
    assert list(media.rglob("*")) == []  # nothing was written, not even half
    token = await csrf(client, "/admin/media")
    nothing = await client.post("/admin/media", data={"csrf_token": token})
    assert nothing.status_code == 422


async def test_a_body_over_the_limit_is_refused_before_it_is_read(
    panel: Panel, media: Path
) -> None:
    client = await panel.signed_in("facilitator")
    response = await upload(client, "huge.ogg", OGG + b"\x00" * (17 * 1024 * 1024))
    assert response.status_code == 413
    # Other forms keep their small limit.
    token = await csrf(client, "/admin/media")
    big = await client.post("/admin/users", data={"csrf_token": token, "email": "x" * 600_000})
    assert big.status_code == 413


async def test_files_outside_the_media_folder_are_never_served(
    panel: Panel, media: Path, tmp_path: Path
) -> None:
    (tmp_path / "secret.png").write_bytes(PNG)  # beside the media folder
    client = await panel.signed_in("staff")
    for ref in ("../secret.png", "/etc/passwd", "learn/../../secret.png", "nothing.png", ""):
        response = await client.get("/admin/media/file", params={"ref": ref})
        assert response.status_code == 404, ref


async def test_staff_see_but_may_not_upload(panel: Panel, media: Path) -> None:
    client = await panel.signed_in("staff")
    page = (await client.get("/admin/media")).text
    assert 'enctype="multipart/form-data"' not in page
    assert (await upload(client, "ok.png", PNG)).status_code == 403
    assert list(media.rglob("*")) == []
