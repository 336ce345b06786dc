"""Every model module, imported so that the metadata (and Alembic) knows every table."""

from crm.accounts.models import User
from crm.audit.models import AuditEvent
from crm.organizations.models import Sector

__all__ = ["AuditEvent", "Sector", "User"]
