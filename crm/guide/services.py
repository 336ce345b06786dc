"""Guide page operations shared by the views and the demo data. They flush; the caller commits.

The guide is written together: everyone may edit any page, so each save notes who made it.
"""

from crm.audit.services import diff, record
from crm.extensions import db
from crm.guide.models import GuidePage

FIELDS = ("title", "slug", "body")


def _save(action, page, data, actor):
    changes = diff(page, data, FIELDS)
    page.updated_by_id = actor.id
    db.session.add(page)
    db.session.flush()
    record(action, page, actor=actor, changes=changes)
    return changes


def create_page(data, *, actor):
    page = GuidePage(owner_id=actor.id)
    _save("create", page, data, actor)
    return page


def update_page(page, data, *, actor):
    """Save ``page``; the save is noted in the history, and its author set, even with no change."""
    return _save("update", page, data, actor)
