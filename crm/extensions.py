"""Unbound Flask extensions, bound to the app in ``create_app``."""

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from crm.database import Model

db = SQLAlchemy(model_class=Model)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def client_address():
    """The client's address; X-Forwarded-For is honoured only through ProxyFix's fixed hops."""
    return request.remote_addr or "unknown"


limiter = Limiter(key_func=client_address)
