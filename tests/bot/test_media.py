"""/media/…: signed, expiring links; the right content type; 403/404, never 500; references
turned into links (or local files without a public URL) when a message is sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from bot.app import create_app
from bot.core.messages import LOCAL_FILE, Attachment, OutboundMessage
from bot.services import Services
from bot.settings import Settings
from bot.web.media import MediaLinks

PUBLIC = "https://bot.example.org"
OGG = b"OggS\x00\x02" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    root = tmp_path / "media"
    (root / "coop").mkdir(parents=True)
    (root / "coop" / "intro.fr.ogg").write_bytes(OGG)
    (root / "coop" / "intro.ar.mp3").write_bytes(b"ID3" + b"\x00" * 16)
    (root / "coop" / "vote.png").write_bytes(PNG)
    (tmp_path / "secret.txt").write_text("not media")
    return root


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def links(media_dir: Path, clock: Clock) -> MediaLinks:
    return MediaLinks(lambda: "a-secret-key", PUBLIC, media_dir, clock=clock)


@pytest.fixture
async def client(links: MediaLinks, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/unused.db",
        public_base_url=PUBLIC,
    )
    services = Services(settings)
    services.media = links
    app = create_app(settings, services)  # routes only: no lifespan, no database needed
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC) as c:
        yield c


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_a_signed_link_serves_the_file_with_its_type(
    links: MediaLinks, client: httpx.AsyncClient
) -> None:
    url = links.url("coop/intro.fr.ogg")
    assert url.startswith(PUBLIC + "/media/coop/intro.fr.ogg?exp=")
    answer = await client.get(path_of(url))
    assert answer.status_code == 200 and answer.content == OGG
    assert answer.headers["content-type"] == "audio/ogg"
    image = await client.get(path_of(links.url("coop/vote.png")))
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    head = await client.head(path_of(url))
    assert head.status_code == 200


async def test_an_expired_link_is_refused(
    links: MediaLinks, client: httpx.AsyncClient, clock: Clock
) -> None:
    url = links.url("coop/intro.fr.ogg")
    clock.now += 3601
    assert (await client.get(path_of(url))).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/media/coop/intro.fr.ogg",  # no signature
        "/media/coop/intro.fr.ogg?exp=9999999999&sig=forged",
        "/media/coop/intro.fr.ogg?exp=soon&sig=x",
        "/media/coop/vote.png?exp=9999999999&sig=",
        "/media/../secret.txt?exp=9999999999&sig=x",
        "/media/%2e%2e/secret.txt?exp=9999999999&sig=x",
        "/media/coop/intro.fr.ogg%00.png?exp=9999999999&sig=x",
        "/media/?exp=1&sig=x",
    ],
)
async def test_bad_signatures_and_paths_are_refused(client: httpx.AsyncClient, path: str) -> None:
    answer = await client.get(path)
    assert answer.status_code in (403, 404), (path, answer.status_code)


async def test_a_signature_for_another_file_does_not_open_this_one(
    links: MediaLinks, client: httpx.AsyncClient
) -> None:
    query = urlsplit(links.url("coop/vote.png")).query
    assert (await client.get(f"/media/coop/intro.fr.ogg?{query}")).status_code == 403


async def test_a_signed_link_to_a_missing_file_is_404(
    links: MediaLinks, client: httpx.AsyncClient, media_dir: Path
) -> None:
    url = links.url("coop/intro.fr.ogg")
    (media_dir / "coop" / "intro.fr.ogg").unlink()
    assert (await client.get(path_of(url))).status_code == 404


def message(*attachments: Attachment) -> OutboundMessage:
    return OutboundMessage("whatsapp", "+33600000000", "🎧 Écoutez", "fr", attachments=attachments)


def test_references_become_links_when_sent(links: MediaLinks) -> None:
    ready = links.prepare(
        message(
            Attachment("audio", "coop/intro.fr.ogg"),
            Attachment("audio", "coop/intro.ar.mp3"),
            Attachment("image", "coop/vote.png"),
            Attachment("image", "coop/gone.png"),  # missing: the text goes alone
            Attachment("image", "AgACAgQAAxkBAAIB"),  # a platform's file id: as it is
        )
    )
    kinds = [(a.kind, a.mime) for a in ready.attachments]
    assert kinds == [
        ("voice", "audio/ogg"),  # Ogg/Opus: a voice message on both platforms
        ("audio", "audio/mpeg"),
        ("image", "image/png"),
        ("image", None),
    ]
    assert all(a.ref.startswith(PUBLIC + "/media/") for a in ready.attachments[:3])
    assert ready.attachments[3].ref == "AgACAgQAAxkBAAIB"


def test_without_a_public_url_references_become_local_files(media_dir: Path, clock: Clock) -> None:
    local = MediaLinks(lambda: "k", None, media_dir, clock=clock)
    (voice,) = local.prepare(message(Attachment("audio", "coop/intro.fr.ogg"))).attachments
    assert voice.kind == "voice" and voice.ref == LOCAL_FILE + str(
        (media_dir / "coop" / "intro.fr.ogg").resolve()
    )
