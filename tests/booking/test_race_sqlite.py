"""Two patients pick one slot at the same moment on SQLite, the database `make run` uses.

Against a SQLite file in a process of its own (tests/booking/sqlite_race.py says why), so it
runs the same whichever database the suite itself is on. Exactly one booking; the other
patient is told "That time was just taken", never a 503 "database is locked" page.
"""

import json
import os
import subprocess

from tests.ops.servers import BASE_DIR, PYTHON, manage


def test_two_simultaneous_picks_on_sqlite_one_books_the_other_is_told_it_was_taken(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic_site.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
    }
    manage("migrate", "--verbosity", "0", env=env)

    result = subprocess.run(
        [PYTHON, "-m", "tests.booking.sqlite_race"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["bookings"] == 1
    outcomes = sorted(report["outcomes"], key=lambda outcome: outcome["status"])
    assert outcomes == [
        {"status": 302, "just_taken": False},
        {"status": 409, "just_taken": True},
    ]
