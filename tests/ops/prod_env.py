"""The production example environment (.env.example), for tests that start the real thing."""

import os
import sys
from pathlib import Path

from django.conf import settings

ENV_EXAMPLE = Path(settings.BASE_DIR) / ".env.example"
PYTHON = sys.executable


def example_environment(**overrides):
    """.env.example's values, over a minimal process environment, with `overrides` on top."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            # A line that is not NAME=value (a merge's conflict marker, say) is a broken file.
            assert name.isidentifier() and name.isupper(), f".env.example: bad line {line!r}"
            values[name] = value.strip()
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return {**base, **values, **{k: str(v) for k, v in overrides.items()}}


def app_environment(*, database_url, static_root, **overrides):
    """.env.example for an app process under test: loopback host, the given database, no Redis
    unless given, forms accepted at once, mail left to the worker."""
    settings = {
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": static_root,
        "CONSULTATION_MIN_FILL_SECONDS": 0,
        "OUTBOX_SEND_IN_PROCESS": "false",
    }
    return example_environment(**{**settings, **overrides})
