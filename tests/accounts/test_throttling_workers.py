"""SEC-2 across processes: sign-in throttling counted in Redis holds for every gunicorn worker."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def post(port, email, password):
    data = urllib.parse.urlencode({"email": email, "password": password}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/login", data=data)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.skipif(not redis_available(), reason="no Redis at TEST_REDIS_URL")
def test_sec2_the_account_limit_holds_across_four_gunicorn_workers(settings, make_user, app):
    victim, colleague = make_user(), make_user()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"],
        "ZUBIA_INSTANCE_PATH": settings["INSTANCE_PATH"],
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"zubia-test-{uuid.uuid4().hex}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}",
         "tests.accounts.csrf_off_wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        # Four workers importing the app take a while on a loaded machine (a parallel suite).
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "gunicorn did not answer in 120 s"
                time.sleep(0.2)
        statuses = [post(port, victim.email, "wrong password!") for _ in range(11)]
        assert statuses[:10] == [200] * 10  # spread over the workers by the kernel
        assert statuses[10] == 429
        assert post(port, colleague.email, "bridge between Bilbao and Tsu") == 302
    finally:
        server.terminate()
        server.wait(timeout=10)
