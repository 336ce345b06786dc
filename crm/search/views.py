from flask import Blueprint, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.contacts.models import Contact
from crm.extensions import db
from crm.meetings.models import Meeting
from crm.organizations.models import Organization
from crm.text import like_pattern, search_key

bp = Blueprint("search", __name__, url_prefix="/search")
SHOWN = 10


COUNT_CAP = 1000  # past this, "1000+" says enough and saves reading the whole table


def matches(model, pattern, options=()):
    """The first matches of ``model`` (by name) and how many there are, up to COUNT_CAP."""
    condition = (model.deleted_at.is_(None), model.search_key.like(pattern, escape="\\"))
    found = db.session.scalars(
        select(model).where(*condition).options(*options).limit(SHOWN + 1)
    ).all()
    total = len(found)
    if total > SHOWN:
        capped = select(model.id).where(*condition).limit(COUNT_CAP).subquery()
        total = db.session.scalar(select(func.count()).select_from(capped))
    return found[:SHOWN], total


@bp.route("/")
def index():
    """One box: organizations, contacts and meetings by any part of a name, in either script."""
    query = request.args.get("q", "").strip()[:200]
    results = None
    if search_key(query):
        pattern = like_pattern(query)
        results = {
            "organizations": matches(Organization, pattern),
            "contacts": matches(Contact, pattern, options=(selectinload(Contact.organization),)),
            "meetings": matches(Meeting, pattern),
        }
    return render_template("search/index.html", query=query, results=results, cap=COUNT_CAP)
