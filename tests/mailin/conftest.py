"""A real IMAP server for the mailbox tests: Debian's Dovecot with a throwaway configuration.

Each test gets its own Dovecot: a configuration, a passwd-file user and a Maildir of its own,
plaintext sign-in on 127.0.0.1 at a free port, STARTTLS there and implicit TLS on another
with a self-signed certificate for 127.0.0.1 (``tls_cert``). Dovecot refuses mail users with UID 0,
so as root the Maildir belongs to ``nobody``; everything lives in a folder under /tmp that
Dovecot's unprivileged processes can reach (pytest's tmp_path is private to root).
"""

import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from crm.accounts.models import Role
from crm.extensions import db
from crm.mailin.models import UserAddress
from crm.organizations.models import Region
from tests.conftest import empty_tables, free_port

CORPUS = Path(__file__).parent / "corpus"
IMAP_USER, IMAP_PASSWORD = "zubia", "mailbox secret"
MAILIN_ADDRESS = "log@zubia.example"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {uid}
{users}
mail_location = maildir:{mail}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


class Dovecot:
    def __init__(self, root, port, ssl_port):
        self.root, self.port, self.ssl_port = root, port, ssl_port

    def imap(self):
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        connection.login(IMAP_USER, IMAP_PASSWORD)
        return connection

    def deliver(self, raw, folder="INBOX"):
        """Put a message in a folder as the receiving server would (APPEND)."""
        with self.session() as connection:
            typ, data = connection.append(f'"{folder}"', None, None, raw)
            assert typ == "OK", data

    def session(self):
        test = self

        class Session:
            def __enter__(self):
                self.connection = test.imap()
                return self.connection

            def __exit__(self, *exc):
                self.connection.logout()

        return Session()

    def folder(self, name):
        """The raw messages in ``name`` (empty when the folder does not exist)."""
        with self.session() as connection:
            typ, _ = connection.select(f'"{name}"', readonly=True)
            if typ != "OK":
                return []
            typ, data = connection.uid("SEARCH", None, "ALL")
            found = []
            for uid in data[0].split():
                typ, parts = connection.uid("FETCH", uid, "(BODY.PEEK[])")
                found.append(next(part[1] for part in parts if isinstance(part, tuple)))
            return found

    def count(self, name):
        with self.session() as connection:
            typ, data = connection.status(f'"{name}"', "(MESSAGES)")
            if typ != "OK":
                return 0
            return int(data[0].decode().rsplit("MESSAGES", 1)[1].strip(" )"))


def _mail_owner():
    if os.geteuid() == 0:
        user = pwd.getpwnam("nobody")
        return user.pw_uid, user.pw_gid, ""
    # Not root: Dovecot runs as this user for everything.
    me = pwd.getpwuid(os.geteuid()).pw_name
    return (
        os.geteuid(),
        os.getegid(),
        (
            f"default_internal_user = {me}\ndefault_login_user = {me}\n"
            f"default_internal_group = {me}\n"
        ),
    )


@pytest.fixture(scope="session")
def tls_cert():
    """A self-signed certificate for 127.0.0.1: (certificate, key) paths."""
    folder = Path(tempfile.mkdtemp(prefix="zubia-imap-tls-"))
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    yield cert, key
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def dovecot(tls_cert):
    if shutil.which("dovecot") is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd)")
    uid, gid, users = _mail_owner()
    root = Path(tempfile.mkdtemp(prefix="zubia-dovecot-"))
    root.chmod(0o755)
    mail = root / "Maildir"
    mail.mkdir()
    os.chown(mail, uid, gid)
    for name in ("run", "state"):
        (root / name).mkdir()
    port, ssl_port = free_port(), free_port()
    config = root / "dovecot.conf"
    cert, key = tls_cert
    config.write_text(
        CONFIG.format(
            root=root,
            mail=mail,
            port=port,
            ssl_port=ssl_port,
            uid=min(uid, 500),
            users=users,
            cert=cert,
            key=key,
        )
    )
    (root / "passwd").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}:{uid}:{gid}::{mail}\n")
    subprocess.run(["dovecot", "-c", str(config)], check=True)
    try:
        server = Dovecot(root, port, ssl_port)
        _wait_for(server)
        yield server
    finally:
        subprocess.run(["dovecot", "-c", str(config), "stop"], check=False)
        shutil.rmtree(root, ignore_errors=True)


def _wait_for(server):
    for _ in range(100):
        try:
            server.imap().logout()
            return
        except OSError:
            time.sleep(0.05)
    log = server.root / "dovecot.log"
    pytest.fail("Dovecot did not start: " + (log.read_text() if log.exists() else ""))


@pytest.fixture
def mail_settings(dovecot):
    return {
        "MAILIN_IMAP_HOST": "127.0.0.1",
        "MAILIN_IMAP_PORT": dovecot.port,
        "MAILIN_IMAP_USER": IMAP_USER,
        "MAILIN_IMAP_PASSWORD": IMAP_PASSWORD,
        "MAILIN_IMAP_SECURITY": "none",
        "MAILIN_IMAP_FOLDER": "INBOX",
        "MAILIN_ADDRESS": MAILIN_ADDRESS,
    }


@pytest.fixture
def mailin_app(make_app, mail_settings):
    """An app that reads the test's Dovecot."""
    app = make_app(**mail_settings)
    yield app
    with app.app_context():
        empty_tables()


def corpus(name):
    return (CORPUS / name).read_bytes()


@pytest.fixture
def scene(app, make_user, records):
    """Two users (one with a second address), two partner organizations with contacts, and
    the prefecture known only by its domain."""
    ane = make_user(Role.POINT_OF_CONTACT, email="ane@zubia.example", name="Ane Etxeberria")
    taro = make_user(
        Role.POINT_OF_CONTACT, email="taro@zubia.example", name="Taro Yamada",
        timezone="Asia/Tokyo",
    )  # fmt: skip
    tecnalia = records.org(ane, name="Tecnalia", email_domains="tecnalia.com")
    mie_u = records.org(
        taro, name="Mie University", region=Region.MIE, country="JP", email_domains="mie-u.ac.jp"
    )
    pref = records.org(
        taro, name="Mie Prefecture", region=Region.MIE, country="JP",
        email_domains="pref.mie.lg.jp",
    )  # fmt: skip
    mikel = records.contact(
        ane, tecnalia, given_name="Mikel", family_name="Agirre",
        email="mikel.agirre@tecnalia.com",
    )  # fmt: skip
    suzuki = records.contact(
        taro, mie_u, name_order="japanese", given_name="Hanako", family_name="Suzuki",
        email="hanako.suzuki@mie-u.ac.jp", other_emails="suzuki@mie-u.ac.jp",
    )  # fmt: skip
    with app.app_context():
        db.session.add(UserAddress(user_id=ane.id, email="ane.etxeberria@spri.eus"))
        db.session.commit()
    return {
        "ane": ane, "taro": taro, "tecnalia": tecnalia, "mie_u": mie_u, "pref": pref,
        "mikel": mikel, "suzuki": suzuki,
    }  # fmt: skip
