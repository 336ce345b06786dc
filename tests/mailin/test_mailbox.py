"""How Zubia talks to the mailbox: TLS, the folders, the flag fallback, the scheduler's job."""

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from crm.extensions import db
from crm.mailin.jobs import JOB_ID, tick
from crm.mailin.models import LoggedEmail, MailboxMessage
from crm.mailin.polling import DONE, FAILED, MailboxError, poll
from crm.meetings.models import Meeting
from crm.reminders.jobs import build_scheduler
from tests.mailin.conftest import corpus


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_with_the_servers_certificate(
    make_app, mail_settings, dovecot, tls_cert, security, scene
):
    port = dovecot.ssl_port if security == "ssl" else dovecot.port
    secure = {"MAILIN_IMAP_SECURITY": security, "MAILIN_IMAP_PORT": port}
    app = make_app(**{**mail_settings, **secure, "MAILIN_IMAP_CAFILE": str(tls_cert[0])})
    dovecot.deliver(corpus("gmail-bcc.eml"))
    with app.app_context():
        assert poll().outcomes == {"logged": 1}


def test_a_certificate_nobody_vouches_for_is_refused(make_app, mail_settings, dovecot, scene):
    secure = {"MAILIN_IMAP_SECURITY": "ssl", "MAILIN_IMAP_PORT": dovecot.ssl_port}
    app = make_app(**{**mail_settings, **secure})
    dovecot.deliver(corpus("gmail-bcc.eml"))
    with app.app_context(), pytest.raises(MailboxError, match="CERTIFICATE_VERIFY_FAILED"):
        poll()
    assert dovecot.count("INBOX") == 1  # nothing lost


def test_a_wrong_password_stops_the_pass_and_loses_nothing(make_app, mail_settings, dovecot):
    app = make_app(**{**mail_settings, "MAILIN_IMAP_PASSWORD": "wrong"})
    dovecot.deliver(corpus("stranger.eml"))
    with app.app_context(), pytest.raises(MailboxError, match="cannot sign in"):
        poll()
    assert dovecot.count("INBOX") == 1


def test_where_no_folder_can_be_made_messages_are_flagged_and_skipped(mailin_app, dovecot, scene):
    # Maildir++ keeps Zubia/Done in the directory ".Zubia.Done": a file there makes CREATE fail.
    for folder in (DONE, FAILED):
        (dovecot.root / "Maildir" / ("." + folder.replace("/", "."))).write_text("in the way")
    dovecot.deliver(corpus("gmail-bcc.eml"))
    dovecot.deliver(corpus("stranger.eml"))
    with mailin_app.app_context():
        assert poll().outcomes == {"logged": 1, "refused": 1}
        assert poll().seen == 0  # flagged: not read again
        assert db.session.scalar(select(func.count()).select_from(LoggedEmail)) == 1
    with dovecot.session() as imap:
        imap.select("INBOX", readonly=True)
        assert imap.uid("SEARCH", None, "KEYWORD $ZubiaDone")[1][0].split() != []
        assert imap.uid("SEARCH", None, "KEYWORD $ZubiaFailed")[1][0].split() != []


def test_the_scheduler_polls_the_mailbox_every_minute(mailin_app, dovecot, scene):
    scheduler = build_scheduler(mailin_app, background=True)
    job = scheduler.get_job(JOB_ID)
    assert job.trigger.interval.total_seconds() == 60
    assert job.max_instances == 1 and job.coalesce
    dovecot.deliver(corpus("gmail-bcc.eml"))
    tick(mailin_app)  # what the job runs
    assert dovecot.count(DONE) == 1


def test_without_a_mailbox_there_is_no_job(app):
    assert build_scheduler(app, background=True).get_job(JOB_ID) is None
    assert isinstance(build_scheduler(app, background=True), BackgroundScheduler)


def test_the_command_says_when_there_is_no_mailbox(app):
    result = app.test_cli_runner().invoke(args=["mailin", "run"])
    assert result.exit_code == 1
    assert "MAILIN_IMAP_HOST is not set" in result.output


def test_the_command_says_when_the_mailbox_cannot_be_reached(make_app, mail_settings, dovecot):
    app = make_app(**{**mail_settings, "MAILIN_IMAP_PASSWORD": "wrong"})
    result = app.test_cli_runner().invoke(args=["mailin", "run"])
    assert result.exit_code == 1 and "cannot sign in" in result.output


def test_a_message_that_fails_waits_in_failed_and_is_taken_when_put_back(
    make_app, mail_settings, dovecot, scene, tmp_path
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("the upload folder cannot be made here")
    app = make_app(**mail_settings, UPLOAD_FOLDER=str(blocked))
    dovecot.deliver(corpus("outlook-bcc.eml"))  # it has a PDF to store
    with app.app_context():
        assert poll().outcomes == {"failed": 1}
        row = db.session.scalar(select(MailboxMessage))
        assert row.reason.startswith("could not be processed: NotStored")
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0
    assert dovecot.count(FAILED) == 1 and dovecot.count("INBOX") == 0
    # The admin frees the folder and moves the message back to the inbox.
    blocked.unlink()
    with dovecot.session() as imap:
        imap.select(f'"{FAILED}"')
        imap.uid("MOVE", "1:*", "INBOX")
    with app.app_context():
        assert poll().outcomes == {"logged": 1}
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
