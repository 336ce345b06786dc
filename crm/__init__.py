"""Zubia: the partnership CRM of the Basque Country - Mie Prefecture programme."""

import importlib
import importlib.util
import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import DEV_SECRET_KEY, load_config
from crm.converters import IdConverter
from crm.extensions import babel, csrf, db, limiter, login_manager, migrate
from crm.i18n import select_locale, select_timezone
from crm.security import SessionInterface, enforce_session_lifetime, set_security_headers

ROOT = Path(__file__).resolve().parent.parent

# The domain areas, one package each. An area's ``models`` module (when it has one) declares its
# tables and registers its record kinds; its ``views`` module (when it has one) holds its
# blueprint ``bp``. Blueprints are registered in this order.
AREAS = (
    "main",
    "accounts",
    "admin",
    "audit",
    "organizations",
    "contacts",
    "meetings",
    "actions",
    "search",
    "trash",
    "reminders",
    "notifications",
    "matching",
    "programme",
    "dashboard",
    "guide",
    "visits",
    "events",
    "public_events",
    "imports",
    "duplicates",
    "attachments",
    "calendar",
    "pipeline",
    "mailin",
    "api",
)


def area_modules(name):
    """Every area's module called ``name`` (``models``, ``views``), imported, in area order."""
    names = (f"crm.{area}.{name}" for area in AREAS)
    return [importlib.import_module(module) for module in names if importlib.util.find_spec(module)]


def create_app(config=None):
    """Build the app. ``config`` is a config name or a dict of overrides on the test settings."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_settings(app, config)
    app.url_map.converters["id"] = IdConverter
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def load_settings(app, config):
    if isinstance(config, dict):
        settings = load_config("test")
        vars(settings).update(config)
    else:
        settings = load_config(config)
    app.config.from_object(settings)
    app.instance_path = settings.INSTANCE_PATH
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if settings.ENV_NAME == "production":
        check_production(app)
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    logging.getLogger("crm").setLevel(logging.INFO)


def check_production(app):
    """Refuse to serve production with a guessable key, the debugger on or plain-http links
    (SEC-13)."""
    key = app.config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < 32:
        raise SystemExit("Zubia: set SECRET_KEY to a random value of 32+ characters in production.")
    if app.debug:
        raise SystemExit("Zubia: debug mode must be off in production (unset FLASK_DEBUG).")
    base_url = app.config["BASE_URL"]
    if not base_url.lower().startswith("https://") and not app.config["ALLOW_HTTP_BASE_URL"]:
        raise SystemExit(
            f"Zubia: BASE_URL must start with https:// in production (it is {base_url!r}); "
            "set ALLOW_HTTP_BASE_URL=1 only if this deployment really serves plain http."
        )


def register_extensions(app):
    area_modules("models")  # the metadata must know every table, the registry every kind
    from crm.accounts.services import load_user

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    from crm.authorization import authorize

    app.session_interface = SessionInterface()
    app.before_request(enforce_session_lifetime)
    app.before_request(authorize)
    app.after_request(set_security_headers)


def register_blueprints(app):
    for views in area_modules("views"):
        app.register_blueprint(views.bp)


def register_errorhandlers(app):
    from crm.errors import register_errorhandlers as register

    register(app)


def register_commands(app):
    from crm.accounts.cli import user_cli
    from crm.api.cli import token_cli, webhooks_cli
    from crm.attachments.cli import attachments_cli
    from crm.backup.cli import backup_command, restore_command
    from crm.demo.cli import demo_cli
    from crm.imports.cli import import_command
    from crm.mailin.cli import mailin_cli
    from crm.main.cli import dev
    from crm.reminders.cli import reminders_cli, scheduler_cli

    for command in (
        user_cli,
        demo_cli,
        scheduler_cli,
        reminders_cli,
        dev,
        attachments_cli,
        backup_command,
        restore_command,
        import_command,
        mailin_cli,
        token_cli,
        webhooks_cli,
    ):
        app.cli.add_command(command)
