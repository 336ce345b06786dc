"""A second process that keeps writing while a backup runs (DATA-7).

``python -m tests.backup.writer DATABASE_URL ACTOR_ID STOP_FILE`` creates organizations
"Writer 000001", "Writer 000002", ... through the services, one transaction each (the
organization and its history row together), until STOP_FILE appears; then prints how many.
"""

import sys
import tempfile
from pathlib import Path

from crm import create_app
from crm.accounts.models import User
from crm.extensions import db
from crm.organizations.services import create_organization


def main(url, actor_id, stop_file):
    stop = Path(stop_file)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tempfile.mkdtemp()})
    written = 0
    with app.test_request_context():
        actor = db.session.get(User, int(actor_id))
        while not stop.exists():
            data = {
                "name": f"Writer {written + 1:06d}",
                "kind": "company",
                "region": "basque_country",
                "country": "ES",
                "cadence_days": 60,
            }
            create_organization(data, actor=actor)
            db.session.commit()
            written += 1
        db.engine.dispose()
    print(written, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
