import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from crm.accounts import services as accounts
from crm.accounts.models import User
from crm.demo import records
from crm.demo.data import DEMO_USERS, MOU_SECTORS
from crm.extensions import db
from crm.organizations.models import Sector

demo_cli = AppGroup("demo", help="Demo data.")


def load_sectors():
    known = set(db.session.scalars(select(Sector.code)))
    for code, en, ja, es, eu in MOU_SECTORS:
        if code not in known:
            db.session.add(Sector(code=code, name_en=en, name_ja=ja, name_es=es, name_eu=eu))


def load_users():
    """Create the demo accounts that do not exist yet; return (email, password) of each new one."""
    created = []
    for email, name, role, language, timezone in DEMO_USERS:
        if accounts.find_user(email) is None:
            password = secrets.token_urlsafe(12)
            accounts.create_user(
                email=email,
                name=name,
                role=role,
                password=password,
                language=language,
                timezone=timezone,
                actor=None,
            )
            created.append((email, password))
    return created


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the database has no account yet.")
def load(if_empty):
    """Load the demo data. Running it twice changes nothing."""
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        return
    load_sectors()
    created = load_users()
    counts = None if records.demo_records_exist() else records.load_records()
    db.session.commit()
    click.echo("Demo data loaded.")
    if counts:
        click.echo("  " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    for email, password in created:
        click.echo(f"  {email}  {password}")
