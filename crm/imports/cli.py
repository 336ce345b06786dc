"""``flask import FILE``: the web import from the command line, for whole programmes and scripts.

Same reading, mapping suggestions, checks and single transaction as the pages. Without
``--commit`` it prints the preview and writes nothing. Exit status: 0 nothing refused, 1 rows
refused or skipped, 2 the file (or an option) cannot be used, 3 nothing written (the database
refused the import).
"""

import sys
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from crm.accounts import services as accounts
from crm.accounts.models import Role, User
from crm.extensions import db
from crm.imports import services
from crm.imports.checking import Checker
from crm.imports.fields import FIELDS, MATCH_KEYS, suggest
from crm.imports.models import ImportKind
from crm.imports.plan import CREATE, SKIP, UNCHANGED, UPDATE
from crm.imports.reading import ENCODINGS, FileRefused, read_table
from crm.organizations.models import Region

KINDS = {"organizations": ImportKind.ORGANIZATION, "contacts": ImportKind.CONTACT}
MATCH_BY = sorted({key for keys in MATCH_KEYS.values() for key in keys})
UNREADABLE, REFUSED_ROWS, NOT_WRITTEN = 2, 1, 3


def importer(email):
    """The account the import is made as: ``email``'s, else the first active admin."""
    if email:
        user = accounts.find_user(email)
        if user is None or not user.active:
            raise click.BadParameter(
                f"no active account with the email {email}.", param_hint="--as"
            )
        return user
    user = db.session.scalar(
        select(User).where(User.role == Role.ADMIN, User.active).order_by(User.id).limit(1)
    )
    if user is None:
        raise click.UsageError("No active admin account: name the importer with --as EMAIL.")
    return user


def read(file, encoding):
    try:
        return read_table(file.read_bytes(), encoding)
    except OSError as error:
        click.echo(f"{file}: {error.strerror}.", err=True)
    except FileRefused as refused:
        click.echo(f"{file}: {refused.message}", err=True)
    sys.exit(UNREADABLE)


def echo_mapping(kind, headers, columns):
    labels = {f.name: str(f.label) for f in FIELDS[kind]}
    for index, header in enumerate(headers):
        name = columns.get(str(index))
        click.echo(f"  {header or '(no header)'} → {labels[name] if name else '(ignored)'}")


def echo_plan(plan):
    counts = {
        "create": plan.count(CREATE),
        "update": plan.count(UPDATE),
        "unchanged": plan.count(UNCHANGED),
        "skip": plan.count(SKIP),
    }
    click.echo(", ".join(f"{count} {action}" for action, count in counts.items()))
    if plan.kind is ImportKind.CONTACT and plan.new_organizations:
        click.echo(f"{len(plan.new_organizations)} organizations to create")
    for row in plan.rows:
        if row.action == SKIP:
            click.echo(f"  row {row.number}: {row.label or '(no name)'}: {row.reasons}")
        elif row.action == CREATE and row.likely_duplicate:
            twin, name = row.likely_duplicate
            click.echo(
                f"  row {row.number}: {row.label}: likely already in Zubia as {name} (#{twin})"
            )


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(list(KINDS)), required=True, help="What a row is.")
@click.option("--encoding", type=click.Choice(["auto", *ENCODINGS]), default="auto")
@click.option(
    "--region",
    type=click.Choice([region.value for region in Region]),
    help="Organizations: the region of a row that says none (else such rows are refused). "
    "Contacts: the region of the organizations created for them (default basque_country).",
)
@click.option("--create-organizations", is_flag=True, help="Contacts: create missing ones.")
@click.option("--match-by", type=click.Choice(MATCH_BY), help="How rows find existing records.")
@click.option("--on-match", type=click.Choice(["update", "skip"]), default="update")
@click.option("--as", "email", help="The importer's account (default: the first admin).")
@click.option("--commit", is_flag=True, help="Write the import; without it, only the preview.")
@with_appcontext
def import_command(file, kind, encoding, region, create_organizations, match_by, on_match, email,
                   commit):  # fmt: skip
    """Import a CSV or .xlsx file of organizations or contacts into Zubia."""
    kind = KINDS[kind]
    if match_by and match_by not in MATCH_KEYS[kind]:
        raise click.BadParameter(
            f"choose one of {', '.join(MATCH_KEYS[kind])}.", param_hint="--match-by"
        )
    actor = importer(email)
    table = read(file, encoding)
    columns = {
        str(i): name
        for i, name in suggest(
            kind, table.header, actor, services.last_mapping(kind, actor)
        ).items()
    }
    default_region = Region.BASQUE_COUNTRY.value if kind is ImportKind.CONTACT else ""
    options = {
        "match_by": match_by or next(iter(MATCH_KEYS[kind])),
        "on_match": on_match,
        "new_region": region or default_region,
        **({"create_organizations": create_organizations} if kind is ImportKind.CONTACT else {}),
    }
    click.echo(f"{file.name}: {len(table.rows)} rows ({table.file_format}, {table.encoding})")
    echo_mapping(kind, table.header, columns)
    checker = Checker(kind, columns, options, actor)
    plan = checker.check(table)
    echo_plan(plan)
    if commit:
        write_plan(file, kind, table, columns, options, plan, actor)
    elif plan.rows:
        click.echo("Nothing written: add --commit to import.")
    sys.exit(REFUSED_ROWS if plan.count(SKIP) else 0)


def write_plan(file, kind, table, columns, options, plan, actor):
    """Write ``plan`` as one import run (revertible on its page), all or nothing."""
    try:
        run = services.new_run(kind, file.name, None, table, actor=actor)
        services.keep_mapping(run, table.header, columns, options, plan)
        services.apply(run, plan, actor=actor)
        db.session.commit()
    except (services.ChangedMeanwhile, SQLAlchemyError) as failure:
        db.session.rollback()
        click.echo(f"Nothing was imported: the database refused it ({failure}).", err=True)
        sys.exit(NOT_WRITTEN)
    with current_app.test_request_context():
        report = url_for("imports.report", run_id=run.id)
    click.echo(
        f"Imported: {run.created_count} created, {run.updated_count} updated, "
        f"{run.skipped_count} skipped. Report and revert: {report}"
    )
