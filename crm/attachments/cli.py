import time

import click
from flask.cli import AppGroup
from sqlalchemy import select

from crm.attachments import storage
from crm.attachments.models import Attachment
from crm.extensions import db

attachments_cli = AppGroup("attachments", help="Attached files.")
GRACE_SECONDS = 3600  # an upload in progress is not an orphan


@attachments_cli.command("check")
@click.option("--remove-orphans", is_flag=True, help="Delete files that no attachment refers to.")
def check(remove_orphans):
    """Compare the upload folder with the database (after a crash or a restore from backup)."""
    known = set(db.session.scalars(select(Attachment.stored_name)))
    stored, temporary = storage.files_on_disk()
    missing = sorted(known - stored)
    cutoff = time.time() - GRACE_SECONDS
    orphans = [storage.path_of(name) for name in sorted(stored - known)]
    orphans = [p for p in orphans + temporary if p.stat().st_mtime < cutoff]
    for name in missing:
        click.echo(f"missing file: {storage.relative_path(name)}")
    for path in orphans:
        click.echo(f"{'removed' if remove_orphans else 'orphan'}: {path}")
        if remove_orphans:
            path.unlink(missing_ok=True)
    click.echo(f"{len(known)} attachments, {len(missing)} missing, {len(orphans)} orphan files")
    if missing:
        raise SystemExit(1)
