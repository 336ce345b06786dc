from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from crm.accounts import devices, services, throttle
from crm.accounts.forms import ChangePasswordForm, LoginForm, ProfileForm
from crm.accounts.passwords import verify_password
from crm.audit.services import record
from crm.calendar.services import take_new_feed
from crm.extensions import db, limiter
from crm.security import log_event, safe_next, start_session

bp = Blueprint("accounts", __name__)


def _failed(response):
    return request.method == "POST" and response.status_code != 302


def _address_limit():
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        email = form.email.data
        if throttle.tripped(email):
            return throttled(email, form.password.data)
        user = services.authenticate(email, form.password.data)
        if user is not None:
            return signed_in(user, form.next.data)
        throttle.count_failure(email)
        log_event("login_failure", email=email[:254])
        if throttle.tripped(email):  # this failure tripped it: tell the owner
            alert_owner(email)
        # The same words whether the account exists or not: no user enumeration.
        flash(_("Wrong email or password."), "danger")
    return render_template("accounts/login.html", form=form)


def throttled(email, password):
    """The account is throttled: only the right password from a known device gets in."""
    owner = services.find_user(email) if len(email) <= 254 else None
    if devices.known_for(owner):
        user = services.authenticate(email, password)
        if user is not None:
            log_event("login_known_device", user_id=user.id)
            return signed_in(user, request.form.get("next"))
    log_event("login_throttled", email=email[:254])
    abort(429)


def alert_owner(email):
    owner = services.find_user(email) if len(email) <= 254 else None
    if owner is not None and owner.active:
        throttle.alert_owner(owner, email)
        db.session.commit()


def signed_in(user, next_url):
    session.clear()  # a fresh session: nothing carried over from before sign-in
    login_user(user)
    start_session()
    services.open_session(user, request.user_agent.string)
    record("login", "user", user.id, actor=user)
    db.session.commit()
    log_event("login_success", user_id=user.id)
    return devices.remember(redirect(safe_next(next_url)), user)


def signed_out(event, message):
    """Record ``event``, forget this browser's session and go to the sign-in page."""
    record(event, "user", current_user.id, actor=current_user)
    db.session.commit()
    log_event(event, user_id=current_user.id)
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("accounts.login"))


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out of this browser only; the user's other sessions go on."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    services.close_session()
    return signed_out("logout", _("You have signed out."))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere():
    """End every session of the user, this one included (a lost phone, a shared computer)."""
    current_user.end_sessions()
    return signed_out("logout_everywhere", _("You have signed out everywhere."))


@bp.route("/account", methods=["GET", "POST"])
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, form.data)
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, new_feed_url=take_new_feed())


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            services.set_password(current_user, form.new_password.data, actor=current_user)
            db.session.commit()
            # Every other session is now dead; keep this one alive under the new token.
            login_user(current_user._get_current_object())
            start_session()
            services.open_session(current_user, request.user_agent.string)
            db.session.commit()
            flash(_("Your password is changed. Other sessions have been signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)


@bp.route("/language", methods=["POST"])
def set_language():
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            services.update_profile(current_user, {"language": language})
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))
