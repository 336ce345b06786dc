import pytest

from crm.extensions import db, limiter
from tests.conftest import empty_tables


@pytest.fixture
def uploads(tmp_path):
    return tmp_path / "uploads"


@pytest.fixture
def app(make_app, uploads):
    """The suite's app with an upload folder of the test's own, to count the files in it."""
    app = make_app(UPLOAD_FOLDER=str(uploads))
    yield app
    with app.app_context():
        empty_tables()
        db.session.remove()
    limiter.reset()


def stored_files(folder):
    """Every file in the upload folder, temporary ones included."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
