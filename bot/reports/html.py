"""The impact report as HTML: the body (the panel's /admin/report shows it inside its page)
and a whole printable document (`python -m bot report --format html`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from bot.reports.charts import legend, svg
from bot.reports.period import french_date
from bot.reports.report import Report

HERE = Path(__file__).parent


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def body(report: Report) -> Markup:
    figures = [(t, svg(t), legend(t)) for t in report.tables]
    html = (
        _env()
        .get_template("report_body.html")
        .render(report=report, figures=figures, french_date=french_date)
    )
    return Markup(html)


def document(report: Report) -> str:
    css = (HERE / "templates" / "report.css").read_text(encoding="utf-8")
    return _env().get_template("report.html").render(report=report, body=body(report), css=css)
