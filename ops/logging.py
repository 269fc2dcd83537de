"""Log lines as JSON objects, one per line, for the log collector."""

from django.conf import settings
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from phi.logging import path_redacted


class JsonFormatter(BaseJsonFormatter):
    """Time, level, logger, message, request id and, for errors, the traceback.

    Django attaches the request object to its request-log records; it becomes the method and
    path here (never the body, headers or query string, which may carry what a patient typed).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        request = record.__dict__.get("request")
        super().add_fields(log_data, record, message_dict)
        if request is not None:
            log_data["method"] = getattr(request, "method", None)
            path = getattr(request, "path", None)
            log_data["path"] = path and path_redacted(path, settings.LOG_PATH_REDACTIONS)
