"""gunicorn's own log lines as JSON, like the application's (deploy/gunicorn.conf.py)."""

import json
import traceback
from datetime import UTC, datetime

from django.conf import settings
from gunicorn.glogging import Logger

from phi.logging import path_redacted

from .logging import JsonFormatter


class JsonLogger(Logger):
    """Start-up, worker and error lines through the app's JSON formatter; for access lines,
    one JSON object per request: time, request id, method, path, status, size, duration.

    No query string and no client address: the proxy in front keeps its own access log, and a
    visitor's address next to a consultation request would be identifying. Secrets in a path
    (a booking link) are masked (LOG_PATH_REDACTIONS).
    """

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": next(
                (value for name, value in resp.headers if name.lower() == "x-request-id"), None
            ),
            "method": req.method,
            "path": path_redacted(req.path, settings.LOG_PATH_REDACTIONS),
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
        }
        try:
            self.access_log.info(json.dumps(line))
        except Exception:
            self.error(traceback.format_exc())
