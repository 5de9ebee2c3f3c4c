"""The coop and sales commands as a facilitator runs them: output, exit codes, one-line errors.

Most run in-process (`bot.cli.main`, the same parser and code as `python -m bot`), since
starting an interpreter costs seconds on a busy machine; a few run as real processes."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from bot.cli import main
from bot.db.session import Database
from bot.db.tables import sales
from bot.settings import get_settings
from tests.cli import run
from tests.ledger.conftest import Shop, make_shop, paris


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[[list[str]], Result]]:
    """`python -m bot ARGS`, in this process, on the test database."""
    monkeypatch.setenv("DATABASE_URL", db.url)
    get_settings.cache_clear()

    def call(args: list[str]) -> Result:
        capsys.readouterr()
        try:
            code = main(args)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    yield call
    get_settings.cache_clear()


@pytest.fixture
def env(db: Database) -> dict[str, str]:
    e = {
        k: v for k, v in os.environ.items() if not k.startswith(("ADMIN_", "TELEGRAM_", "TWILIO_"))
    }
    e["DATABASE_URL"] = db.url
    return e


def one_line_error(result: Result | subprocess.CompletedProcess[str], code: int) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    if code == 2:  # argparse style: the usage, then one line saying what is wrong
        assert lines[-1].startswith("python -m bot") and "error:" in lines[-1]
        assert sum("error" in line for line in lines) == 1
    else:
        assert len(lines) == 1, lines


def test_coop_add_list_members(env: dict[str, str], cli: Callable[[list[str]], Result]) -> None:
    added = run(
        [
            "coop",
            "add",
            "--name",
            "Cuisine du monde",
            "--kind",
            "culinary",
            "--product",
            "repas:8:10",
            "--product",
            "gâteau:3,50:5.5",
            "--product",
            "a:b:c:2:20",
            "--start",
            "2026-09-01",
            "--end",
            "2027-06-30",
            "--reminder",
            "19:30",
        ],
        env,
    )
    assert added.returncode == 0, added.stderr
    code = added.stdout.strip().splitlines()[-1]
    assert len(code) == 6 and code.isalnum() and code.isupper()
    assert f"JOIN {code}" in added.stdout
    assert (
        "repas: 8.00 EUR, VAT 10 %" in added.stdout
        and "gâteau: 3.50 EUR, VAT 5.5 %" in added.stdout
    )
    assert "a:b:c: 2.00 EUR, VAT 20 %" in added.stdout  # a name may hold colons
    listed = cli(["coop", "list"])
    assert (
        listed.returncode == 0
        and "Cuisine du monde\tculinary\tCUL-CUISINE-DU-MONDE" in listed.stdout
    )
    assert f"invite code {code}" in listed.stdout and "to 2027-06-30" in listed.stdout
    empty = cli(["coop", "members", "Cuisine du monde"])
    assert empty.returncode == 0 and "no member" in empty.stdout
    again = cli(["coop", "add", "--name", "Cuisine du monde", "--kind", "textile"])
    one_line_error(again, 1)
    assert "exists" in again.stderr
    textile = cli(["coop", "add", "--name", "Atelier", "--kind", "textile"])
    assert textile.returncode == 0 and textile.stdout.strip().splitlines()[-1] != code


@pytest.fixture
async def shop(db: Database) -> Shop:
    shop = await make_shop(db, n_members=2)
    await shop.sell(0, 4000, now=paris("2026-11-03 12:00"))
    await shop.sell(1, 705, now=paris("2026-11-03 13:00"), product="gâteau à emporter", quantity=2)
    await shop.sell(1, 2222, now=paris("2026-12-01 10:00"))
    return shop


def test_add_member_and_list_them(shop: Shop, cli: Callable[[list[str]], Result]) -> None:
    listed = cli(["coop", "members", "cuisine du monde"])  # any case
    assert listed.returncode == 0, listed.stderr
    first, second = listed.stdout.strip().splitlines()
    assert first.startswith(f"M{shop.members[0]:05d}\tcontact {shop.contacts[0]}")
    assert "1 rows\t40.00 EUR" in first
    assert "\tinvite\t" in second and "reminders on" in second and "2 rows\t29.27 EUR" in second
    added = cli(["coop", "add-member", "Cuisine du monde", "--contact", str(shop.contacts[0])])
    assert added.returncode == 0 and "already in" in added.stdout
    one_line_error(cli(["coop", "add-member", "Cuisine du monde", "--contact", "9999"]), 1)
    one_line_error(cli(["coop", "members", "Nulle part"]), 1)


def coop_add(*more: str) -> list[str]:
    """`coop add X --kind culinary` and `more`: one bad argument each."""
    return ["coop", "add", "--name", "X", "--kind", "culinary", *more]


def sales_add(
    member: str,
    *,
    coop: str = "Cuisine du monde",
    product: str = "a",
    amount: str = "1",
    by: str = "n",
    **more: str,
) -> list[str]:
    """`sales add`'s arguments: those every sale needs, then `more` (day="…" -> --day …)."""
    args = ["sales", "add", "--coop", coop, "--member", member, "--product", product]
    args += ["--amount", amount, "--by", by]
    for name, value in more.items():
        args += [f"--{name}", value]
    return args


@pytest.mark.parametrize(
    "args",
    [
        ["coop", "add", "--name", "X", "--kind", "bakery"],
        coop_add("--product", "repas:8"),
        coop_add("--product", "repas:-8:10"),
        coop_add("--product", "repas:8:5.555"),
        coop_add("--product", "repas:huit:10"),
        coop_add("--product", "a:1:10", "--product", "A:2:10"),
        coop_add("--reminder", "25:00"),
        coop_add("--reminder", "21:30"),  # quiet
        coop_add("--start", "2026-12-01", "--end", "2026-11-01"),
        coop_add("--max-sale", "0"),
        ["coop", "add", "--kind", "culinary"],
        ["coop", "add-member", "X", "--contact", "seven"],
        ["coop"],
        ["sales"],
        ["sales", "erase"],
        ["export-sales", "--format", "pdf"],
        ["export-sales", "--format", "xlsx"],
        ["export-sales", "--month", "2026-13"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    args: list[str], cli: Callable[[list[str]], Result]
) -> None:
    result = cli(args)
    assert result.returncode == 2, (args, result.stderr)
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_bad_arguments_from_a_real_process(env: dict[str, str]) -> None:
    result = run(["coop", "add", "--name", "X", "--kind", "culinary", "--product", "repas"], env)
    one_line_error(result, 2)
    assert "NAME:PRICE:VAT" in result.stderr


def test_export_and_verify(shop: Shop, cli: Callable[[list[str]], Result], tmp_path: Path) -> None:
    out = cli(["export-sales", "--month", "2026-11"])
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["amount_eur"] for r in rows] == ["40.00", "7.05"]
    assert cli(["export-sales"]).stdout.count("\n") == 4  # every month: header + 3
    one = cli(["export-sales", "--month", "2026-11", "--coop", "Cuisine du monde"])
    assert one.stdout == out.stdout
    one_line_error(cli(["export-sales", "--coop", "Nulle part"]), 1)

    exports = tmp_path / "exports"
    exports.mkdir()
    xlsx, fec = exports / "nov.xlsx", exports / "nov.txt"
    made = cli(["export-sales", "--month", "2026-11", "--format", "xlsx", "--out", str(xlsx)])
    assert made.returncode == 0 and "2 rows" in made.stderr
    assert load_workbook(xlsx)["sales"].max_row == 3
    made = cli(["export-sales", "--month", "2026-11", "--format", "fec", "--out", str(fec)])
    assert made.returncode == 0
    assert fec.read_text(encoding="utf-8").startswith("JournalCode\tJournalLib\tEcritureNum")
    one_line_error(cli(["export-sales", "--format", "fec", "--out", str(tmp_path / "no" / "x")]), 1)
    assert sorted(p.name for p in exports.iterdir()) == ["nov.txt", "nov.xlsx"]  # no leftovers

    closed = cli(["sales", "close"])  # 1 December closes once the 2nd is over (real clock)
    assert closed.returncode == 0 and re.fullmatch(r"[01] days closed\n", closed.stdout)
    n = int(closed.stdout.split()[0])
    assert cli(["sales", "close"]).stdout == "0 days closed\n"
    ok = cli(["sales", "verify"])
    assert ok.returncode == 0 and ok.stdout.startswith(
        f"ledger intact: {4 + n} rows ({1 + n} closings) in 1 coops"
    )
    assert f"Cuisine du monde: position {4 + n}, hash " in ok.stdout

    async def tamper() -> None:
        db = Database(shop.db.url)
        async with db.begin() as conn:
            await conn.execute(
                update(sales).where(sales.c.amount_cents == 705).values(amount_cents=500)
            )
        await db.dispose()

    asyncio.run(tamper())
    broken = cli(["sales", "verify"])
    assert broken.returncode == 1
    assert re.match(r"ledger broken: row \d+ \(coop \d+, position 2\): its content", broken.stdout)


def test_an_unmigrated_database_gets_the_command_to_run(
    tmp_path: Path, cli: Callable[[list[str]], Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/empty.db"
    result = run(["sales", "verify"], dict(os.environ, DATABASE_URL=url))
    one_line_error(result, 1)
    assert "python -m bot migrate" in result.stderr
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    for args in (
        ["coop", "list"],
        ["export-sales"],
        ["coop", "add", "--name", "A", "--kind", "textile"],
    ):
        result = cli(args)
        one_line_error(result, 1)
        assert "python -m bot migrate" in result.stderr


def test_a_facilitator_adds_undoes_and_corrects(
    shop: Shop, cli: Callable[[list[str]], Result]
) -> None:
    ref = f"M{shop.members[1]:05d}"
    added = cli(
        sales_add(
            ref,
            product="Repas",
            amount="16",
            by="nadia",
            quantity="2",
            payment="card",
            day="2026-11-02",
        )
    )
    assert added.returncode == 0, added.stderr
    # The 2nd is long closed: the row is dated today and names the 2nd.
    assert re.match(
        r"row (\d+): sale of \d{4}-\d\d-\d\d \(for 2026-11-02\), repas x2, 16.00 EUR, card",
        added.stdout,
    )
    row = re.match(r"row (\d+)", added.stdout).group(1)  # type: ignore[union-attr]
    fixed = cli(["sales", "correct", row, "--amount", "18,50", "--by", "nadia"])
    assert fixed.returncode == 0, fixed.stderr
    rev, new = fixed.stdout.strip().splitlines()
    assert "reversal" in rev and "-16.00 EUR" in rev and f"correcting row {row}" in rev
    assert "replacement" in new and "18.50 EUR" in new
    one_line_error(cli(["sales", "undo", row, "--by", "nadia"]), 1)  # already corrected
    undone = cli(["sales", "undo", new.split(":")[0].split()[1], "--by", "nadia"])
    assert undone.returncode == 0 and "-18.50 EUR" in undone.stdout
    assert cli(["sales", "verify"]).returncode == 0
    for bad in (
        sales_add("X1"),  # not a member reference
        sales_add(ref, amount="0"),
        ["sales", "correct", row, "--by", "nadia"],
        ["sales", "undo", "abc", "--by", "nadia"],
        ["sales", "undo", row],
    ):
        one_line_error(cli(bad), 2)
    for failing in (
        sales_add(ref, coop="Nulle part"),
        sales_add("M99999"),
        sales_add(ref, day="2099-01-01"),
    ):
        one_line_error(cli(failing), 1)
