"""The delete route every area shares, outside any blueprint so that no area's views import
another's."""

from flask import flash, redirect
from flask_login import current_user

from crm.authorization import require_edit
from crm.extensions import db
from crm.trash.services import move_to_trash


def trash_and_redirect(item, message, to):
    """Every area's delete route: check the right to edit, trash, commit, say so and go on."""
    require_edit(item)
    move_to_trash(item, actor=current_user)
    db.session.commit()
    flash(message, "info")
    return redirect(to)
