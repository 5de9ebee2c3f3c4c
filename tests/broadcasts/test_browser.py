"""/admin/broadcasts in a real Chromium against a real `python -m bot serve` (which runs
the outbox sender and the broadcast runner): compose in two languages, schedule, and
follow the progress until every message reached the fake Telegram API."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser

from bot.broadcasts.composition import signed, stop_lines
from bot.db.session import Database
from tests.admin.test_browser import (  # noqa: F401  (the browser fixture)
    Watch,
    browser,
    free_port,
    shoot,
)
from tests.broadcasts.conftest import Person, add_people, daytime_zone, rows
from tests.fakes.server import ServerThread
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EMAIL, PASSWORD = "nadia@example.org", "correct-horse-battery"
FR, AR = "📅 Atelier demain à 10 h", "📅 ورشة غدا الساعة 10"


@pytest.fixture
def served(db: Database, tmp_path: Path) -> Iterator[tuple[str, FakeTelegram]]:
    """`python -m bot serve` on the test database, sending to a fake Telegram."""
    fake = FakeTelegram()
    fake_server = ServerThread(fake.app).start()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ADMIN_", "TELEGRAM_", "TWILIO_", "DATABASE_URL", "PORT"))
    }
    port = free_port()
    env.update(
        DATABASE_URL=db.url,
        SECRET_KEY="browser-test-secret",
        ADMIN_EMAIL=EMAIL,
        ADMIN_PASSWORD=PASSWORD,
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_API_BASE_URL=fake_server.url,
        TIMEZONE=daytime_zone(),
        TRANSLATION_BACKEND="none",
        LOG_LEVEL="WARNING",
        PORT=str(port),
        HOST="127.0.0.1",
    )
    seeded = subprocess.run(
        [sys.executable, "-m", "bot", "seed"], env=env, cwd=ROOT, capture_output=True, timeout=120
    )
    assert seeded.returncode == 0, seeded.stderr.decode()
    log = tmp_path / "serve.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        env=env,
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield url, fake
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        fake_server.stop()


@pytest.mark.parametrize("width", [360, 1280])
async def test_compose_schedule_and_follow(
    db: Database,
    served: tuple[str, FakeTelegram],
    browser: Browser,  # noqa: F811
    width: int,
) -> None:
    url, fake = served
    people = [Person("fr"), Person("fr"), Person("ar"), Person("ti")]
    fr1, fr2, ar, _ = await db.run(add_people, people)
    chats = {
        cid: int(a)
        for cid, a in await rows(db, "SELECT contact_id, address FROM channel_identities")
    }
    context = await browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = await context.new_page()
    watch = Watch(page)
    await page.goto(url + "/admin/login")
    await page.fill("input[name=email]", EMAIL)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button.primary")
    await page.wait_for_url(url + "/admin/")

    await page.goto(url + "/admin/broadcasts")
    await page.check("input[name=lang][value=fr]")
    await page.check("input[name=lang][value=ar]")
    await page.click("text=Écrire le message")
    await page.wait_for_selector("text=Qui le recevra")
    assert "✗ pas de modèle" in await page.content()  # no model installed: said so
    await page.fill("#lang-fr textarea[name=text]", FR)
    await page.click("#lang-fr button.primary")
    await page.wait_for_selector(".notice.ok")
    await page.fill("#lang-ar textarea[name=text]", AR)
    await page.click("#lang-ar button.primary")
    await page.wait_for_selector("#lang-ar .badge.ok")
    assert await page.get_attribute("#lang-ar textarea", "dir") == "auto"
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow} px wider than a {width}-px screen"
    await shoot(page, "broadcast-compose")

    await page.click("text=Programmer l'envoi")  # Watch accepts the confirmation
    await page.wait_for_selector("text=Diffusion lancée")  # "now" (no time chosen)
    deadline = time.monotonic() + 30
    while "<strong>3</strong> / 3 traités" not in await page.content():
        assert time.monotonic() < deadline, "the broadcast did not go out"
        await page.wait_for_timeout(500)
        await page.reload()
    await shoot(page, "broadcast-progress")
    lines = stop_lines()  # the last line of every broadcast: how to stop them
    assert fake.texts(chats[fr1]) == [signed(FR, lines["fr"])] == fake.texts(chats[fr2])
    assert fake.texts(chats[ar]) == [signed(AR, lines["ar"])]
    assert len(fake.sent()) == 3  # the Tigrinya reader was not in the audience
    assert not watch.problems, watch.problems
    await context.close()
