"""``flask backup PATH`` and ``flask restore PATH`` (see the README's Backups section)."""

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from crm.backup import services
from crm.extensions import db

FILE = click.Path(dir_okay=False, path_type=Path)


def print_counts(counts):
    width = max((len(name) for name in counts), default=0)
    for name, rows in counts.items():
        click.echo(f"  {name:<{width}}  {rows:>10,}")
    click.echo(f"  {'total':<{width}}  {sum(counts.values()):>10,}")


@click.command("backup")
@click.argument("path", type=FILE)
@click.option("--overwrite", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path, overwrite):
    """Write a consistent copy of the database to PATH while Zubia keeps running."""
    started = time.monotonic()
    try:
        result = services.backup(db.engine, path, overwrite=overwrite)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error
    size = result.path.stat().st_size
    click.echo(
        f"Backup written to {result.path} ({size / 1e6:,.1f} MB, "
        f"{time.monotonic() - started:.1f} s). Rows per table:"
    )
    print_counts(result.counts)


@click.command("restore")
@click.argument("path", type=FILE)
@with_appcontext
def restore_command(path):
    """Bring the backup at PATH into the configured database, which must be empty."""
    started = time.monotonic()
    try:
        result = services.restore(db.engine, path)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Restored {path} in {time.monotonic() - started:.1f} s; check: {result.integrity}. "
        "Rows per table:"
    )
    print_counts(result.counts)
