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
            values[name.strip()] = value.strip()
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return {**base, **values, **{k: str(v) for k, v in overrides.items()}}
