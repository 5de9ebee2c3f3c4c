"""The inbox in a real Chromium against a real `python -m bot serve` talking to a fake
Telegram: a person asks for a person in their chat, a facilitator answers from the panel,
and the answer reaches the person's chat. Then the inbox, coops and workshops pages at 360
and 1280 px (screenshots to var/screenshots/, not in git; nothing wider than the screen).
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page
from sqlalchemy import select

from bot.db.session import Database
from bot.db.tables import tickets
from tests.admin.people import PNG
from tests.admin.test_browser import (  # the browser and the helpers of the first test
    ROOT,
    Server,
    Watch,
    _env,
    browser,
    free_port,
    log_in,
    shoot,
)
from tests.fakes.server import ServerThread
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # a fixture, used by name

CHAT = 4242
ANSWER = "Bonjour Amina, je vous appelle demain à 10 h. <b>Nadia</b>"
_ids = itertools.count(1)


def update(text: str) -> dict[str, Any]:
    uid = next(_ids)
    person = {"id": CHAT, "is_bot": False, "first_name": "Amina", "language_code": "fr"}
    return {
        "update_id": uid,
        "message": {
            "message_id": uid,
            "date": int(time.time()),
            "chat": {"id": CHAT, "type": "private", "first_name": "Amina"},
            "from": person,
            "text": text,
        },
    }


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    server = ServerThread(fake.app).start()
    yield fake, server.url
    server.stop()


@pytest.fixture
def server(
    db: Database, database_url: str, tmp_path: Path, telegram: tuple[FakeTelegram, str]
) -> Iterator[Server]:
    """One web process on the test database, polling the fake Telegram."""
    fake, url = telegram
    env = _env(database_url)
    seeded = subprocess.run(
        [sys.executable, "-m", "bot", "seed"], env=env, cwd=ROOT, capture_output=True, timeout=120
    )
    assert seeded.returncode == 0, seeded.stderr.decode()
    port = free_port()
    log = tmp_path / "serve.log"
    media = tmp_path / "media"
    media.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        env=dict(
            env,
            PORT=str(port),
            HOST="127.0.0.1",
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_BASE_URL=url,
            MEDIA_DIR=str(media),
        ),
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    running = Server(f"http://127.0.0.1:{port}", proc, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(running.url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield running
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def say(fake: FakeTelegram, text: str, server: Server) -> str:
    """The person writes; the bot's answer, once it is in their chat."""
    before = len(fake.texts(CHAT))
    fake.queue_update(update(text))
    deadline = time.monotonic() + 30
    while len(fake.texts(CHAT)) <= before:
        assert server.proc.poll() is None, server.log.read_text()
        assert time.monotonic() < deadline, f"no answer to {text!r}: {server.log.read_text()}"
        time.sleep(0.05)
    time.sleep(0.3)  # the rest of the bot's messages for this turn
    return fake.texts(CHAT)[-1]


async def reaches_the_chat(
    page: Page, fake: FakeTelegram, since: int, wanted: Callable[[str], bool]
) -> str:
    """The first message sent to the chat after `since` that is `wanted` (the bot's last
    words of an earlier turn may still be arriving), within 10 s."""
    deadline = time.monotonic() + 10
    while True:
        found = [t for t in fake.texts(CHAT)[since:] if wanted(t)]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"not in the chat: {fake.texts(CHAT)[since:]}"
        await page.wait_for_timeout(100)


async def open_request(db: Database) -> int:
    async with db.connect() as conn:
        found = (await conn.execute(select(tickets.c.id).where(tickets.c.status == "open"))).all()
    assert len(found) == 1, found
    return int(found[0].id)


async def test_answer_a_request_from_the_inbox_and_it_reaches_the_chat(
    server: Server, browser: Browser, telegram: tuple[FakeTelegram, str], db: Database
) -> None:
    fake, _ = telegram
    for line in ("bonjour", "1", "oui", "6"):  # language, consent, menu: talk to a person
        say(fake, line, server)
    request = await open_request(db)

    context = await browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    page = await context.new_page()
    watch = Watch(page)
    await log_in(page, server.url)
    await page.goto(server.url + "/admin/inbox")
    await shoot(page, "inbox")
    link = page.locator(f'a[href="/admin/inbox/{request}"]')
    assert "oui\n6" in await page.locator(".request").first.inner_text()  # their last words
    await link.click()
    await page.wait_for_url(f"{server.url}/admin/inbox/{request}")
    assert "TG 4242" in await page.locator(".facts").inner_text()
    await page.fill("textarea[name=text]", ANSWER)
    await shoot(page, "inbox-request")
    before = len(fake.texts(CHAT))
    await page.click("text=Envoyer la réponse")
    await page.wait_for_selector(".notice.ok")
    received = await reaches_the_chat(page, fake, before, lambda t: t.endswith(ANSWER))
    assert received.startswith("🙋 Une personne de Migracoop vous répond")
    deadline = time.monotonic() + 5  # the sender records the delivery just after it
    while True:
        await page.reload()
        if "envoyée" in await page.locator(".history").inner_text():
            break
        assert time.monotonic() < deadline, "the answer is not shown as sent"
        await page.wait_for_timeout(200)
    await shoot(page, "inbox-answered")

    # The person writes back: the message waits for the person (it shows in the inbox).
    fake.queue_update(update("Merci beaucoup !"))
    deadline = time.monotonic() + 15
    while True:
        await page.reload()
        if "Merci beaucoup !" in await page.locator(".chat").inner_text():
            break
        assert time.monotonic() < deadline, "the person's answer is not in the request"
        await page.wait_for_timeout(300)
    # Closed from the panel: the person is told.
    before = len(fake.texts(CHAT))
    await page.click("text=Fermer la demande")
    await page.wait_for_selector(".notice.ok")
    await reaches_the_chat(page, fake, before, lambda t: t.startswith("✅"))
    assert not watch.problems, watch.problems
    await context.close()


PAGES = [
    ("inbox", "/admin/inbox"),
    ("inbox-held", "/admin/inbox?view=held"),
    ("coops", "/admin/coops"),
    ("coop", "/admin/coops/1"),
    ("coop-invite", "/admin/coops/1/invite"),
    ("workshops", "/admin/workshops"),
    ("workshop", "/admin/workshops/1"),
    ("media", "/admin/media"),
]


@pytest.mark.parametrize("width", [360, 1280])
async def test_the_new_pages_fit_the_screen(
    server: Server, browser: Browser, db: Database, width: int
) -> None:
    from tests.admin.people import add_person

    context = await browser.new_context(viewport={"width": width, "height": 800})
    page = await context.new_page()
    watch = Watch(page)
    await log_in(page, server.url)
    # A person asked; a coop and a workshop are created through the panel's own forms.
    from datetime import UTC, datetime

    await db.run(
        lambda c: add_person(c, now=datetime.now(UTC), said=("<script>alert(1)</script>",))
    )
    await page.goto(server.url + "/admin/coops")
    await page.fill("form[action='/admin/coops'] input[name=name]", "Saveurs du monde")
    await page.fill("input[name=product_name]", "repas")
    await page.fill("input[name=product_price]", "8,50")
    await page.click("text=Créer")
    await page.wait_for_selector(".notice.ok")
    await page.goto(server.url + "/admin/workshops")
    await page.fill("input[name=title_fr]", "Vendre au marché")
    await page.fill("input[name=title_ar]", "البيع في السوق")
    await page.fill("input[name=starts_at]", "2031-03-12T14:30")
    await page.fill("input[name=place]", "Maison des associations, 3 rue de la Paix")
    await page.click("text=Créer")
    await page.wait_for_selector(".notice.ok")
    await page.goto(server.url + "/admin/media")
    await page.set_input_files(
        "input[name=file]", {"name": "affiche.png", "mimeType": "image/png", "buffer": PNG}
    )
    await page.fill("input[name=folder]", "learn")
    await page.click("text=Envoyer")
    await page.wait_for_selector(".notice.ok")
    thumb = page.locator("img.thumb")
    await thumb.scroll_into_view_if_needed()  # loaded lazily, once in view
    await page.wait_for_function(
        "() => { const i = document.querySelector('img.thumb'); return i && i.complete; }"
    )
    assert await thumb.evaluate("img => img.naturalWidth") == 1  # served as the picture it is
    for name, path in PAGES:
        response = await page.goto(server.url + path)
        assert response is not None and response.status == 200, path
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow} px wider than a {width}-px screen"
        await shoot(page, name)
    assert not watch.problems, watch.problems
    await context.close()
