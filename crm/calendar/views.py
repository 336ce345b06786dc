from flask import Blueprint, Response, current_app, flash, redirect, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from crm.calendar import feed as feeds
from crm.calendar import services
from crm.extensions import db, limiter
from crm.meetings.models import Meeting
from crm.records import live_or_404

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _feed_limit():
    return current_app.config["CALENDAR_FEED_LIMIT"]


@bp.route("/<token>.ics")
@limiter.limit(_feed_limit)
def feed(token):
    """The subscription itself: the token in the address is the only credential."""
    user = services.user_for_token(token)
    if user is None:
        # A bare 404: the HTML error page would start a session (and set a cookie).
        return Response("Not found\n", 404, mimetype="text/plain")
    with force_locale(user.language):
        body = feeds.user_feed(user)
    return Response(
        body,
        content_type=CALENDAR_TYPE,
        headers={
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": 'inline; filename="zubia.ics"',
        },
    )


@bp.route("/feed", methods=["POST"])
def new_feed():
    """Turn the feed on, or give it a new address (the old one stops working at once)."""
    token = services.issue_token(current_user, actor=current_user)
    db.session.commit()
    services.remember_new_feed(token)
    return redirect(url_for("accounts.profile", _anchor="calendar-feed"))


@bp.route("/feed/off", methods=["POST"])
def turn_off():
    if services.revoke_token(current_user, actor=current_user):
        db.session.commit()
        flash(_("Your calendar feed is off: its address no longer works."), "info")
    return redirect(url_for("accounts.profile", _anchor="calendar-feed"))


@bp.route("/meetings/<id:meeting_id>.ics")
def meeting_file(meeting_id):
    meeting = live_or_404(
        Meeting, meeting_id, selectinload(Meeting.owner), selectinload(Meeting.organizations)
    )
    return Response(
        feeds.meeting_file(meeting, current_user.timezone),
        content_type=CALENDAR_TYPE,
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'},
    )
