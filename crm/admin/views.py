"""Admin pages: accounts and roles."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm.accounts import services
from crm.accounts.forms import NewUserForm, UserForm
from crm.accounts.models import User
from crm.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
def users():
    accounts = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=accounts)


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = NewUserForm()
    if form.validate_on_submit():
        user = services.create_user(
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            password=form.new_password.data,
            language=form.language.data,
            timezone=form.timezone.data,
            actor=current_user,
        )
        db.session.commit()
        flash(_("Account created for %(name)s.", name=user.name), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, user=user)
    if form.validate_on_submit():
        try:
            services.update_user(user, form.data, actor=current_user)
        except services.LastAdminError:
            db.session.rollback()
            form.role.errors.append(_("Zubia needs at least one active admin."))
        else:
            db.session.commit()
            flash(_("Account of %(name)s saved.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)
