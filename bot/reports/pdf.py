"""The impact report as a PDF, made offline by fpdf2 (pure Python: `make run` is enough).

Fonts: Noto Sans (with Noto Sans Arabic and Noto Sans Ethiopic as fallbacks, shaped by
HarfBuzz) when Debian's fonts-noto-core is installed; else DejaVu Sans; else the PDF core
font Helvetica, Latin only. The report is in French; the languages' own names (العربية,
دری, ትግርኛ) are added beside the French ones only when a font can draw them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from fpdf import FPDF

from bot.reports.charts import nominal
from bot.reports.counts import LANG_NAMES_FR
from bot.reports.period import french_date
from bot.reports.report import Report
from bot.reports.tables import SMALL, Table

# fpdf2 subsets fonts through fontTools, which logs every table at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIRS: Final = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
)
NATIVE: Final = {"ar": "العربية", "prs": "دری", "ti": "ትግርኛ"}
INK, MUTED, LINE = (29, 35, 39), (95, 107, 115), (213, 221, 226)
NOW_COLOUR, BEFORE_COLOUR = (0, 114, 178), (150, 190, 220)


@dataclass(frozen=True)
class Fonts:
    family: str  # "helvetica" when no TrueType font was found
    scripts: frozenset[str]  # beyond Latin: "arabic", "ethiopic"


def _find(name: str) -> Path | None:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    return None


def _shaping() -> bool:
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


def _setup(pdf: FPDF) -> Fonts:
    regular, bold = _find("NotoSans-Regular.ttf"), _find("NotoSans-Bold.ttf")
    if regular is None or bold is None:
        regular, bold = _find("DejaVuSans.ttf"), _find("DejaVuSans-Bold.ttf")
    if regular is None or bold is None:
        return Fonts("helvetica", frozenset())
    pdf.add_font("main", "", str(regular))
    pdf.add_font("main", "B", str(bold))
    scripts: set[str] = set()
    fallbacks = []
    symbols = _find("DejaVuSans.ttf")  # "≥", which Noto Sans lacks
    if symbols is not None and symbols != regular:
        pdf.add_font("symbols", "", str(symbols))
        pdf.add_font("symbols", "B", str(symbols))
        fallbacks.append("symbols")
    if _shaping():  # Arabic letters join only when shaped
        for script, file in (
            ("arabic", "NotoSansArabic-Regular.ttf"),
            ("ethiopic", "NotoSansEthiopic-Regular.ttf"),
        ):
            path = _find(file)
            if path is not None:
                pdf.add_font(script, "", str(path))
                pdf.add_font(script, "B", str(path))
                fallbacks.append(script)
                scripts.add(script)
        if scripts:
            pdf.set_text_shaping(True)
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    return Fonts("main", frozenset(scripts))


class _Doc(FPDF):
    made: str = ""
    family: str = "helvetica"

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.set_text_color(*MUTED)
        self.cell(
            0,
            5,
            _latin(
                f"Migracoop · rapport d'impact · {self.made} · page {self.page_no()}", self.family
            ),
            align="C",
        )


def render(report: Report) -> bytes:
    pdf = _Doc(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=16)
    fonts = _setup(pdf)
    pdf.family = fonts.family
    pdf.made = french_date(report.made_at.date())
    pdf.set_title("Rapport d'impact Migracoop")
    pdf.set_author("Migracoop")
    pdf.add_page()
    f = fonts.family

    def t(text: str) -> str:
        return _latin(text, f)

    pdf.set_text_color(*MUTED)
    pdf.set_font(f, "", 9)
    pdf.cell(0, 5, t("Migracoop — Meltingcoop et REVEIL"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(f, "B", 20)
    pdf.cell(0, 11, t("Rapport d'impact"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(f, "B", 11)
    pdf.multi_cell(
        0,
        6,
        t(
            f"Période {report.period.label()} ({report.period.days} jours), "
            f"comparée à la période précédente, {report.period.previous.label()}."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(f, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        0,
        4.6,
        t(
            "Chiffres anonymes, faits de comptes seulement : un nombre de 1 à 4 s'affiche « < 5 », "
            "et un second nombre « ≥ 5 » quand un total permettrait de le retrouver. Les personnes "
            "qui ont effacé leurs données restent comptées, sans elles. Personnes jointes sur "
            "Telegram et WhatsApp."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.set_text_color(*INK)
    pdf.set_font(f, "B", 16)
    pdf.cell(pdf.get_string_width(report.to_date) + 2, 9, t(report.to_date))
    pdf.set_font(f, "", 11)
    pdf.cell(
        0,
        9,
        t(f"personnes jointes depuis le début du programme (au {french_date(report.period.end)})"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    for table in report.tables:
        _figure(pdf, table, fonts)
    return bytes(pdf.output())


def _label(label: str, fonts: Fonts) -> str:
    """The French name, and the language's own name when a font draws its script."""
    for code, name in LANG_NAMES_FR.items():
        if label == name and code in NATIVE:
            script = "ethiopic" if code == "ti" else "arabic"
            if script in fonts.scripts:
                return f"{name} · {NATIVE[code]}"
    return label


def _figure(pdf: FPDF, table: Table, fonts: Fonts) -> None:
    f = fonts.family
    grid = table.grid()
    rows_h = 5.2
    needed = 10 + rows_h * (len(grid) + 1) + 4
    if pdf.get_y() + needed > pdf.h - 18:
        pdf.add_page()
    pdf.set_font(f, "B", 12)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, _latin(table.title, f), new_x="LMARGIN", new_y="NEXT")
    left = pdf.l_margin
    label_w, col_w = 46.0, 32.0
    chart_x = left + label_w + 2 * col_w + 6
    chart_w = pdf.w - pdf.r_margin - chart_x
    pdf.set_font(f, "", 8)
    pdf.set_text_color(*MUTED)
    pdf.cell(label_w, rows_h, "")
    for h in table.columns:
        pdf.cell(col_w, rows_h, _latin(h, f), align="R")
    pdf.set_fill_color(*NOW_COLOUR)
    pdf.rect(chart_x, pdf.get_y() + 1.5, 3, 2.5, style="F")
    pdf.set_xy(chart_x + 4, pdf.get_y())
    pdf.cell(18, rows_h, _latin(table.columns[0], f))
    pdf.set_fill_color(*BEFORE_COLOUR)
    pdf.rect(chart_x + 22, pdf.get_y() + 1.5, 3, 2.5, style="F")
    pdf.set_xy(chart_x + 26, pdf.get_y())
    pdf.cell(30, rows_h, _latin(table.columns[1], f))
    pdf.set_draw_color(*MUTED)
    x = pdf.get_x()
    pdf.rect(x, pdf.get_y() + 1.5, 3, 2.5, style="D")
    pdf.set_x(x + 4)
    pdf.cell(20, rows_h, _latin("masqué", f))
    pdf.ln(rows_h)
    marks = table.marks()
    shown_values = [
        [float(n) if m is None else float(nominal(m)) for n, m in zip(values, row, strict=True)]
        for (_, values), row in zip(table.numbers(), marks, strict=True)
    ]
    peak = max([max(v) for v in shown_values if v] + [SMALL])
    for r, (label, cells) in enumerate(grid):
        y = pdf.get_y()
        pdf.set_draw_color(*LINE)
        pdf.line(left, y, pdf.w - pdf.r_margin, y)
        pdf.set_text_color(*INK)
        pdf.set_font(f, "B" if r == 0 else "", 9)
        pdf.cell(label_w, rows_h, _latin(_label(label, fonts), f))
        for c in cells:
            pdf.cell(col_w, rows_h, _latin(c, f), align="R")
        for i, (colour, value) in enumerate(
            zip((NOW_COLOUR, BEFORE_COLOUR), shown_values[r], strict=False)
        ):
            width = chart_w * max(value, 0) / peak
            by = y + 0.7 + i * 2.1
            if marks[r][i] is not None:
                pdf.set_draw_color(*MUTED)
                pdf.rect(chart_x, by, max(width, 0.8), 1.8, style="D")
            elif width > 0:
                pdf.set_fill_color(*colour)
                pdf.rect(chart_x, by, width, 1.8, style="F")
        pdf.ln(rows_h)
    pdf.ln(4)


def _latin(text: str, family: str) -> str:
    """Text the core font can write (Latin-1) when no TrueType font was found."""
    if family != "helvetica":
        return text
    text = text.replace("≥", ">=").replace("—", "-").replace("·", "-").replace("’", "'")
    return text.encode("latin-1", "replace").decode("latin-1")
