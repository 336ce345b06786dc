"""The pages that manage the API: each person's tokens (from the account page) and, for
admins, the webhook endpoints with their delivery log."""

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from crm.api import tokens, webhooks
from crm.api.blueprint import bp
from crm.api.forms import TokenForm, WebhookForm
from crm.api.models import ApiToken, WebhookDelivery, WebhookEndpoint
from crm.audit.services import record
from crm.authorization import forbid
from crm.extensions import db

NEW_TOKEN_KEY = "api_new_token"  # noqa: S105 (a session key, not a secret)
LOG_SHOWN = 100


@bp.route("/account/tokens", endpoint="tokens")
def tokens_page(form=None):
    return render_template(
        "api/tokens.html",
        form=form or TokenForm(),
        tokens=tokens.tokens_of(current_user),
        new_token=session.pop(NEW_TOKEN_KEY, None),  # shown once, on this page only
    )


@bp.route("/account/tokens", methods=["POST"])
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return tokens_page(form), 422
    _token, secret = tokens.issue(
        current_user,
        form.name.data,
        form.scope.data,
        expires_days=form.expires_days.data,
        actor=current_user,
    )
    db.session.commit()
    session[NEW_TOKEN_KEY] = secret
    return redirect(url_for("api.tokens"))


@bp.route("/account/tokens/<id:token_id>/revoke", methods=["POST"])
def revoke_token(token_id):
    token = db.session.get(ApiToken, token_id) or abort(404)
    if token.user_id != current_user.id:
        forbid(f"token {token.id} is not user {current_user.id}'s")
    if tokens.revoke(token, actor=current_user):
        db.session.commit()
        flash(_("The token %(name)s is revoked: it no longer works.", name=token.name), "info")
    return redirect(url_for("api.tokens"))


@bp.route("/admin/webhooks", endpoint="webhooks")
def webhooks_page(form=None):
    endpoints = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
    counts = dict(
        db.session.execute(
            select(WebhookDelivery.endpoint_id, func.count())
            .where(WebhookDelivery.status == webhooks.FAILED)
            .group_by(WebhookDelivery.endpoint_id)
        ).all()
    )
    return render_template(
        "api/webhooks.html", form=form or WebhookForm(), endpoints=endpoints, failed=counts
    )


@bp.route("/admin/webhooks", methods=["POST"])
def create_webhook():
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            endpoint = webhooks.register(
                form.url.data,
                [event for event in form.events.data if event],
                form.description.data or None,
                actor=current_user,
            )
        except webhooks.Unsafe as refusal:
            form.url.errors = [*form.url.errors, str(refusal)]
        else:
            db.session.commit()
            flash(_("Webhook endpoint added."), "success")
            return redirect(url_for("api.webhook", endpoint_id=endpoint.id))
    return webhooks_page(form), 422


@bp.route("/admin/webhooks/<id:endpoint_id>")
def webhook(endpoint_id):
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) or abort(404)
    log = db.session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(LOG_SHOWN)
    ).all()
    return render_template("api/webhook.html", endpoint=endpoint, log=log)


@bp.route("/admin/webhooks/<id:endpoint_id>/delete", methods=["POST"])
def delete_webhook(endpoint_id):
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) or abort(404)
    record("webhook_delete", "webhook", endpoint.id, actor=current_user,
           changes={"url": [endpoint.url, None]})  # fmt: skip
    db.session.delete(endpoint)
    db.session.commit()
    flash(_("Webhook endpoint removed."), "info")
    return redirect(url_for("api.webhooks"))


@bp.route("/admin/webhooks/deliveries/<id:delivery_id>/send-again", methods=["POST"])
def redeliver(delivery_id):
    row = db.session.get(WebhookDelivery, delivery_id) or abort(404)
    if row.status != webhooks.SENDING:
        webhooks.send_again(row)
        db.session.commit()
        flash(_("It goes out again with the next pass."), "info")
    return redirect(url_for("api.webhook", endpoint_id=row.endpoint_id))
