"""`make serve` runs with random keys made once and kept in an ignored file (deploy/local-keys)."""

import base64
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCAL_KEYS = ROOT / "deploy" / "local-keys"


def make_keys(keys_file):
    result = subprocess.run(  # noqa: S603 - our own script
        [LOCAL_KEYS, str(keys_file)], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == str(keys_file)
    return dict(line.split("=", 1) for line in keys_file.read_text().splitlines())


def test_serve_local_keys_are_random_and_readable_by_their_owner_only(tmp_path):
    first = make_keys(tmp_path / "a")
    other = make_keys(tmp_path / "b")
    assert set(first) == {"DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"}
    for name in first:
        assert first[name] != other[name], name
    assert len(first["DJANGO_SECRET_KEY"]) >= 50
    assert len(base64.urlsafe_b64decode(first["FIELD_ENCRYPTION_KEYS"])) == 32  # a Fernet key
    assert len(bytes.fromhex(first["BLIND_INDEX_KEY"])) == 32
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o600


def test_serve_local_keys_are_made_once_and_reused(tmp_path):
    assert make_keys(tmp_path / "keys") == make_keys(tmp_path / "keys")


def test_serve_local_keys_do_not_come_from_the_checkout_path():
    script = (ROOT / "deploy" / "serve-local").read_text()
    assert "deploy/local-keys" in script
    assert "$PWD" not in script and "sha256sum" not in script


def test_the_default_keys_file_is_ignored_by_git():
    result = subprocess.run(
        ["git", "check-ignore", "--quiet", ".serve-local-keys"],  # noqa: S607
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0
