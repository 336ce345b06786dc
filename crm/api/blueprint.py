from flask import Blueprint

# One blueprint for the API (/api/v1, crm/api/endpoints.py) and the pages that manage it
# (crm/api/pages.py): the API's routes are made CSRF-exempt one by one, never the pages'.
bp = Blueprint("api", __name__)
