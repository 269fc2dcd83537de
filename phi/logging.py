"""Keep PHI out of logs and error e-mails.

Attached in LOGGING (settings/base.py) to the django.request and django.security loggers
(so the record is cleaned before any handler, caplog's included, sees it) and to every handler.
The settings say what is PHI, so this module knows nothing of the apps that hold it:

- `keys`: values under these names in a record's dict args or extras are removed (the
  consultation form's field names, say).
- `path_redactions`: (regex, replacement) pairs applied to every string argument of a record,
  for secrets that travel in a path (a patient's booking link); `path_redacted` applies the
  same pairs to a path wherever else it is logged.
- `paths` and `loggers`: for errors raised while handling a request under one of these path
  prefixes, or logged by one of these loggers, the exception messages (and those of the
  exceptions chained to it) are removed: a database error can echo the values it failed to
  store. Types and tracebacks stay, so the error can still be found; frame variables are hidden
  by `sensitive_variables` on the views and services. The request's POST data is marked
  sensitive for the error e-mail even when the error happened before the view ran (e.g. in
  middleware).
"""

import logging
import re
from collections.abc import Mapping

REDACTED = "[removed: may contain PHI]"

#: Always PHI-bearing, whatever the app: recipient lists and a form's cleaned values.
ALWAYS_REDACTED_KEYS = frozenset({"recipients", "answers", "cleaned_data"})


class RedactedError(Exception):
    """Stands in for an exception whose message may hold PHI."""


def _redact_exception(exc, seen):
    if exc is None:
        return None
    if id(exc) in seen:
        return seen[id(exc)]
    kind = type(exc)
    surrogate = RedactedError(
        f"{kind.__module__}.{kind.__qualname__} (message removed: may contain PHI)"
    ).with_traceback(exc.__traceback__)
    seen[id(exc)] = surrogate
    surrogate.__cause__ = _redact_exception(exc.__cause__, seen)
    surrogate.__context__ = _redact_exception(exc.__context__, seen)
    surrogate.__suppress_context__ = exc.__suppress_context__
    return surrogate


def path_redacted(text, redactions):
    """`text` with every (regex, replacement) of `redactions` applied."""
    for pattern, replacement in redactions:
        text = re.sub(pattern, replacement, text)
    return text


class RedactPHIFilter(logging.Filter):
    def __init__(self, keys=(), paths=(), loggers=(), path_redactions=()):
        super().__init__()
        self.keys = ALWAYS_REDACTED_KEYS | frozenset(keys)
        self.paths = tuple(paths)
        self.loggers = tuple(loggers)
        self.path_redactions = tuple(tuple(pair) for pair in path_redactions)

    def _redact_paths(self, value):
        if isinstance(value, str) and self.path_redactions:
            return path_redacted(value, self.path_redactions)
        return value

    def _handles_phi(self, record, request):
        if self.loggers and record.name.startswith(self.loggers):
            return True
        path = getattr(request, "path", "") or ""
        return bool(self.paths) and path.startswith(self.paths)

    def filter(self, record):
        if isinstance(record.args, Mapping):
            record.args = {
                key: (REDACTED if key in self.keys else value) for key, value in record.args.items()
            }
        for key in self.keys.intersection(record.__dict__):
            setattr(record, key, REDACTED)
        if isinstance(record.args, tuple):
            record.args = tuple(self._redact_paths(arg) for arg in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {key: self._redact_paths(arg) for key, arg in record.args.items()}
        record.msg = self._redact_paths(record.msg)

        request = getattr(record, "request", None)
        if self._handles_phi(record, request):
            if request is not None and hasattr(request, "POST"):
                request.sensitive_post_parameters = "__ALL__"
            if record.exc_info and record.exc_info[1] is not None:
                if not isinstance(record.exc_info[1], RedactedError):
                    surrogate = _redact_exception(record.exc_info[1], {})
                    record.exc_info = (RedactedError, surrogate, record.exc_info[2])
                    record.exc_text = None
        return True
