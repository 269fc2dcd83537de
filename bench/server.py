"""The production setup on loopback for the benchmark and the audit.

gunicorn with deploy/gunicorn.conf.py, clinic_site.settings.bench (production settings plus a
bare view), WhiteNoise with hashed static files, Redis for the cache when it answers. The
database is the benchmark's own: a SQLite file under artifacts/bench/, or, when DATABASE_URL
names a PostgreSQL server, a database called `<name>_bench` on that server, so the
benchmark's 100,000 rows never land in a database someone uses.
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "artifacts" / "bench"
PYTHON = sys.executable
HOST = "127.0.0.1"
# Redis database 2 on the local server is the benchmark's (the dev site uses 0).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")


def log(message):
    print(message, file=sys.stderr, flush=True)


def _database_url():
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{WORK / 'bench.sqlite3'}", None
    parts = urlsplit(given)
    name = parts.path.lstrip("/") + "_bench"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _ensure_postgres_database(url, name):
    import psycopg

    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            log(f"Creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')


def _redis_answers(url):
    try:
        import redis

        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return False


def _secrets():
    """Keys for the benchmark's own, made-up data, kept so its rows stay readable next time."""
    from cryptography.fernet import Fernet

    path = WORK / "keys.json"
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(40),
    }
    path.write_text(json.dumps(keys))
    path.chmod(0o600)
    return keys


def ensure_debian_package(package, *, command=None):
    """Installs a tool the measurement needs from Debian's packages when it is missing."""
    if shutil.which(command or package):
        return
    log(f"{command or package} is missing: installing the Debian package {package}")
    apt = ["apt-get", "install", "-y", "-qq", package]
    if os.geteuid() != 0:
        apt.insert(0, "sudo")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(apt, env=env).returncode != 0:  # noqa: S603
        subprocess.run([*apt[:-4], "update", "-qq"], env=env, check=True)  # noqa: S603
        subprocess.run(apt, env=env, check=True)  # noqa: S603


def environment():
    """The environment every benchmark process runs with (prepared once per run)."""
    WORK.mkdir(parents=True, exist_ok=True)
    database_url, postgres_name = _database_url()
    if postgres_name:
        _ensure_postgres_database(database_url, postgres_name)
    redis_url = REDIS_URL if _redis_answers(REDIS_URL) else ""
    env = dict(os.environ)
    env.update(_secrets())
    env.update(
        DJANGO_SETTINGS_MODULE="clinic_site.settings.bench",
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(WORK / "staticfiles"),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX="bench",
        CONSULTATION_ALERT_RECIPIENTS="intake@bench.invalid",
        EMAIL_URL="consolemail://",
        SITE_URL=f"http://{HOST}",
    )
    return env


def describe(env):
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    cache = "Redis" if env["REDIS_URL"] else "per-process memory (Redis did not answer)"
    return f"database {database}, cache {cache}"


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, check=True)  # noqa: S603


def prepare(env):
    """Static files, tables and the clinic's content, as a deployment does."""
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_clinic_content")


def _wait_until_up(url, process, *, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds} s")


@contextlib.contextmanager
def gunicorn(env, *, port, log_name, **extra_env):
    """gunicorn with the deployment's config on 127.0.0.1:`port`; its log goes to a file."""
    server_env = dict(env, GUNICORN_BIND=f"{HOST}:{port}", **extra_env)
    log_path = WORK / f"{log_name}.log"
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
            [str(Path(PYTHON).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
            cwd=REPO,
            env=server_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(f"http://{HOST}:{port}/healthz", process)
            yield f"http://{HOST}:{port}"
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
