from flask import Blueprint

bp = Blueprint("public_events", __name__, url_prefix="/e")
