"""Production refuses to start without the keys that protect consultation requests."""

import subprocess

import pytest

from tests.ops.prod_env import PYTHON, example_environment


def manage_check(env):
    return subprocess.run(
        [PYTHON, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "name", ["FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "CONSULTATION_ALERT_RECIPIENTS"]
)
def test_production_refuses_to_start_without(name):
    env = example_environment()
    del env[name]
    result = manage_check(env)
    assert result.returncode != 0
    assert name in result.stderr


def test_production_refuses_a_malformed_key_without_printing_it():
    env = example_environment(FIELD_ENCRYPTION_KEYS="not-a-real-key-but-secret-looking")
    result = manage_check(env)
    assert result.returncode != 0
    assert "key number 1 is not a Fernet key" in result.stderr
    assert "secret-looking" not in result.stderr


def test_development_derives_a_dev_only_key_and_says_so():
    env = {k: v for k, v in example_environment().items() if k in {"PATH", "HOME", "LANG"}}
    env["DJANGO_SETTINGS_MODULE"] = "clinic_site.settings.dev"
    result = manage_check(env)
    assert result.returncode == 0, result.stderr
    assert "DEVELOPMENT-ONLY encryption" in result.stderr
