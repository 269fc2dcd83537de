import gc
import runpy
from pathlib import Path

from django.conf import settings


def test_workers_are_forked_with_the_masters_objects_frozen_out_of_the_collector():
    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        conf["pre_fork"](server=None, worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
