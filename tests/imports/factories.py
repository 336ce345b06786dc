"""Import runs built through the services, for these tests and the authorization walk."""

import io

from crm.accounts.models import User
from crm.extensions import db
from crm.imports import services, storage
from crm.imports.models import ImportKind
from crm.imports.reading import read_table

SMALL_CSV = (
    b"Organization,First Name,Last Name,E-mail Address\r\n"
    b"Mie University,Taro,Yamada,t@mie.example\r\n"
)


def import_run(app, owner, data=SMALL_CSV, kind=ImportKind.CONTACT):
    """An uploaded, not yet mapped run owned by ``owner``; returns its id."""
    with app.test_request_context():
        table = read_table(io.BytesIO(data).getvalue())
        run = services.new_run(
            kind, "contacts.csv", storage.save(data), table, actor=db.session.get(User, owner.id)
        )
        db.session.commit()
        return run.id
