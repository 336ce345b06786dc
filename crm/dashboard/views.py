import re

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.clock import now_utc
from crm.dashboard.figures import Quarter, quarters, series
from crm.extensions import db
from crm.listing import int_arg
from crm.organizations.models import Sector

bp = Blueprint("dashboard", __name__, url_prefix="/programme")
SHOWN_QUARTERS = 6
TITLES = {
    "events": _l("B2B events held"),
    "visits_to_mie": _l("Visits Basque Country → Mie"),
    "visits_to_basque_country": _l("Visits Mie → Basque Country"),
    "meetings": _l("Meetings logged"),
    "exploring": _l("Matches that reached “exploring”"),
    "stories": _l("Success stories"),
    "agreements": _l("Agreements signed"),
}


def quarter_arg(name, default):
    match = re.fullmatch(r"(\d{4})-?Q([1-4])", request.args.get(name, "").strip().upper())
    return Quarter(int(match.group(1)), int(match.group(2))) if match else default


@bp.route("/")
def index():
    """The programme in figures, per quarter, filterable by period and sector."""
    current = Quarter.of(now_utc().date())
    start = current
    for _ in range(SHOWN_QUARTERS - 1):
        start = Quarter(start.year - (start.number == 1), (start.number - 2) % 4 + 1)
    first, last = quarter_arg("from", start), quarter_arg("to", current)
    if (first.year, first.number) > (last.year, last.number):
        first, last = last, first
    period = quarters(first, last)[:40]  # ten years at most on one page
    sector = int_arg("sector", None, 1, 2**31 - 1)
    figures, now = series(now_utc().date(), sector)
    charts = [
        {
            "key": key,
            "title": TITLES[key],
            "bars": [(q, figures[key].get(q, 0)) for q in period],
            "total": sum(figures[key].get(q, 0) for q in period),
        }
        for key in TITLES
    ]
    return render_template(
        "dashboard/index.html",
        charts=charts,
        now=now,
        first=first,
        last=last,
        sector=sector,
        sectors=db.session.scalars(select(Sector).order_by(Sector.id)).all(),
    )
