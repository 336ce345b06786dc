"""The area's blueprint with its routes: the API itself and the pages that manage it."""

# The modules that add their routes to ``bp``, and the webhooks' hook on the history.
from crm.api import docs, endpoints, pages, webhooks  # noqa: F401
from crm.api.blueprint import bp

__all__ = ["bp"]
