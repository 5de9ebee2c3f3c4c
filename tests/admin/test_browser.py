"""The panel in a real Chromium (Debian's package, driven by Playwright), against two real
`python -m bot serve` processes on one database: log in, edit an Arabic text of a flow,
publish, see it in the simulator and in the second process within 5 s, roll back.
Screenshots at 360 and 1280 px go to var/screenshots/ (not in git) for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright

from bot.db.session import Database
from content.catalog import load_locale_files

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "var" / "screenshots"))
EMAIL, PASSWORD = "ada@example.org", "correct-horse-battery"
NEW_AR = "🏠 ماذا تريدين أن تفعلي اليوم؟ اكتبي رقمًا."
PROMISE = 5.0  # seconds for a published change to reach every process
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHIPPED = load_locale_files()


def unisolated(text: str) -> str:
    """Without the invisible isolates the catalog puts around Latin runs in RTL texts."""
    return text.replace("\u2068", "").replace("\u2069", "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path


def _env(database_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ADMIN_", "TELEGRAM_", "TWILIO_", "DATABASE_URL", "PORT"))
    }
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="browser-test-secret",
        ADMIN_EMAIL=EMAIL,
        ADMIN_PASSWORD=PASSWORD,
        LOG_LEVEL="WARNING",
    )
    return env


@pytest.fixture
def servers(db: Database, database_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """Two web processes on the test database (seeded by the real `seed` command)."""
    env = _env(database_url)
    seeded = subprocess.run(
        [sys.executable, "-m", "bot", "seed"], env=env, cwd=ROOT, capture_output=True, timeout=120
    )
    assert seeded.returncode == 0, seeded.stderr.decode()
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"serve-{name}.log"
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve"],
                env=dict(env, PORT=str(port), HOST="127.0.0.1"),
                cwd=ROOT,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            started.append(Server(f"http://127.0.0.1:{port}", proc, log))
        for server in started:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(server.url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.proc.poll() is None, server.log.read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        yield started[0], started[1]
    finally:
        for server in started:
            server.proc.terminate()
        for server in started:
            try:
                server.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.proc.kill()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it (make browser)")
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


class Watch:
    """What a page does that it should not: script errors, CSP reports, alert boxes."""

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, msg) -> None:  # type: ignore[no-untyped-def]
        # A form refused with 422 (a YAML error shown to fix) is expected, not a fault.
        if msg.type == "error" and "status of 422" not in msg.text:
            self.problems.append(f"console {msg.type}: {msg.text}")

    async def _dialog(self, dialog) -> None:  # type: ignore[no-untyped-def]
        if dialog.type == "confirm":  # our data-confirm questions
            await dialog.accept()
        else:
            self.problems.append(f"unexpected {dialog.type}: {dialog.message}")
            await dialog.dismiss()


async def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    await page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


async def log_in(page: Page, base: str) -> None:
    await page.goto(base + "/admin/login")
    await page.fill("input[name=email]", EMAIL)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button.primary")
    await page.wait_for_url(base + "/admin/")


async def open_simulator(page: Page, base: str) -> None:
    """The simulator of `base`, as a known Arabic-speaking person (past the welcome)."""
    await page.goto(base + "/admin/simulator")
    await page.select_option("select[name=lang]", "ar")
    await page.check("input[name=known]")
    await page.click("#sim-reset button")
    await page.wait_for_selector("input[name=text]")


async def ask(page: Page, text: str) -> str:
    """Write `text` in the open simulator; the bot's last message."""
    bubbles = page.locator(".bubble.bot")
    before = await bubbles.count()
    await page.fill("input[name=text]", text)
    await page.press("input[name=text]", "Enter")
    await page.wait_for_function(
        "n => document.querySelectorAll('.bubble.bot').length > n", arg=before
    )
    return await bubbles.last.inner_text()


async def seconds_until(page: Page, expected: str, *, present: bool, since: float) -> float:
    """Keep asking the open simulator for the menu until `expected` is (or is no longer) in
    its question; fails once the promise's 5 s are over."""
    while (expected in await ask(page, "menu")) != present:
        assert time.monotonic() - since < PROMISE, f"not in the second process after {PROMISE} s"
        await page.wait_for_timeout(100)
    return time.monotonic() - since


async def test_edit_publish_see_everywhere_roll_back(
    servers: tuple[Server, Server], browser: Browser
) -> None:
    a, b = servers
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = await context.new_page()
    watch = Watch(page)
    await log_in(page, a.url)

    # The second process serves the Arabic menu as shipped, before anything is published.
    other = await context.new_page()  # same browser: the session cookie works on both
    other_watch = Watch(other)
    await open_simulator(other, b.url)
    original = await ask(other, "menu")
    assert unisolated(original) == SHIPPED["ar"]["menu.prompt"]

    # Edit the Arabic text of the menu's question, from the flow's outline.
    await page.goto(a.url + "/admin/flows/menu")
    await shoot(page, "flow")
    await page.click("text=Modifier les textes de ce nœud")
    await page.wait_for_url(re.compile(r".*/admin/flows/menu/nodes/main$"))
    field = page.locator('textarea[name="text:menu.prompt:ar"]')
    assert await field.get_attribute("dir") == "auto"
    await field.fill(NEW_AR)
    await shoot(page, "node-texts-edited")
    await page.click("text=Enregistrer le brouillon")
    await page.wait_for_selector(".notice.ok")

    # Publish it.
    await page.goto(a.url + "/admin/versions")
    await page.fill("input[name=note]", "menu en arabe, au féminin")
    await shoot(page, "versions-draft")
    await page.click("text=Publier la sélection")
    await page.wait_for_selector("text=Publié.")
    published_at = time.monotonic()

    # The second process (within 5 s), and this one's simulator.
    took = await seconds_until(other, NEW_AR, present=True, since=published_at)
    print(f"published change answered by the second process after {took:.2f} s")
    await open_simulator(page, a.url)
    assert NEW_AR in await ask(page, "menu")
    await shoot(page, "simulator-arabic")

    # Roll back to version 1: both processes answer as shipped again.
    await page.goto(a.url + "/admin/versions")
    await page.click("#historique tr:has-text('fichiers livrés') button")
    await page.wait_for_selector("text=C'est fait")
    rolled_at = time.monotonic()
    await shoot(page, "versions-rolled-back")
    took = await seconds_until(other, NEW_AR, present=False, since=rolled_at)
    print(f"rollback answered by the second process after {took:.2f} s")
    assert await ask(other, "menu") == original

    # A message holding a script is shown as text, and never runs.
    await open_simulator(page, a.url)
    assert await ask(page, "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" in await page.locator(".bubble.user").last.inner_text()

    assert not watch.problems, watch.problems
    assert not other_watch.problems, other_watch.problems
    await context.close()


PAGES = [
    ("home", "/admin/"),
    ("flows", "/admin/flows"),
    ("flow-onboarding", "/admin/flows/onboarding?lang=ar"),
    ("node-texts", "/admin/flows/menu/nodes/main"),
    ("texts", "/admin/texts"),
    ("text", "/admin/texts/mydata.delete_confirm"),
    ("long-key", "/admin/texts/eligibility.work_right.because.protection"),  # wraps at 360 px
    ("versions", "/admin/versions"),
    ("simulator", "/admin/simulator"),
    ("yaml", "/admin/flows/onboarding/yaml"),
    ("users", "/admin/users"),
    ("audit", "/admin/audit"),
]


@pytest.mark.parametrize("width", [360, 1280])
async def test_every_page_fits_the_screen(
    servers: tuple[Server, Server], browser: Browser, width: int
) -> None:
    a, _ = servers
    context = await browser.new_context(viewport={"width": width, "height": 800})
    page = await context.new_page()
    watch = Watch(page)
    await page.goto(a.url + "/admin/login")
    await shoot(page, "login")
    await log_in(page, a.url)
    for name, path in PAGES:
        response = await page.goto(a.url + path)
        assert response is not None and response.status == 200, path
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow} px wider than a {width}-px screen"
        await shoot(page, name)
    # A YAML error, shown beside its line.
    await page.goto(a.url + "/admin/flows/learn/yaml")
    source = await page.input_value("textarea[name=source]")
    await page.fill("textarea[name=source]", source.replace("goto: answered", "goto: nowhere"))
    await page.click("button[value=check]")
    await page.wait_for_selector("li.bad")
    await shoot(page, "yaml-error")
    assert "unknown destination 'nowhere'" in await page.locator("li.bad").first.inner_text()
    await page.click("a[data-line]")  # puts the cursor on that line of the text
    selected = await page.evaluate(
        "(() => { const t = document.querySelector('textarea'); "
        "return t.value.slice(t.selectionStart, t.selectionEnd); })()"
    )
    assert "nowhere" in selected
    # A conversation on this screen: a new person writing in Dari, then a button pressed.
    await page.goto(a.url + "/admin/simulator")
    await ask(page, "سلام، من دری صحبت می‌کنم")
    await page.locator(".quick button").first.click()
    await page.locator(".bubble.bot").nth(1).wait_for()
    await shoot(page, "simulator-chat")
    assert not watch.problems, watch.problems
    await context.close()
