import os
import uuid

import pytest
from django.db import connection

from .servers import manage

# Tests that start the production stack need PostgreSQL (the suite's DATABASE_URL) and Redis.
# Locally they are skipped without them; in CI (CI=true) a missing service is a failure.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def _missing(reason):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """`collectstatic` once for every test that starts gunicorn with production settings."""
    from .prod_env import example_environment

    root = tmp_path_factory.mktemp("static")
    manage("collectstatic", "--noinput", env=example_environment(DJANGO_STATIC_ROOT=root))
    return root


@pytest.fixture
def postgres_url(transactional_db):
    """The test database's address, for app processes started by the test (committed data)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run the suite with DATABASE_URL=postgres://...")
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def redis_url():
    """A Redis database with a key prefix of this test's own, so nothing else is touched."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        _missing(f"Redis is not reachable at {TEST_REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield TEST_REDIS_URL, prefix, client
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
