"""Keep PHI out of logs and error e-mails.

Attached in LOGGING (settings/base.py) to the django.request and django.security loggers
(so the record is cleaned before any handler, caplog's included, sees it) and to every handler.

- Values under PHI keys (the form's field names) in a record's dict args or extras are removed.
- For errors raised while handling a consultation request, or logged by this app, the exception
  messages (and those of the exceptions chained to it) are removed: a database error can echo
  the values it failed to store. Types and tracebacks stay, so the error can still be found;
  frame variables are hidden by `sensitive_variables` on the view and services.
- The request's POST data is marked sensitive for the error e-mail even when the error happened
  before the view ran (e.g. in middleware).
"""

import logging
from collections.abc import Mapping

from .phi import ANSWER_FIELDS

REDACTED = "[removed: may contain PHI]"

PHI_KEYS = frozenset(ANSWER_FIELDS) | {"recipients", "answers", "cleaned_data"}

CONSULTATION_PATH_PREFIX = "/consultation/"


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


def _is_consultation_request(request):
    path = getattr(request, "path", "") or ""
    return path.startswith(CONSULTATION_PATH_PREFIX)


class RedactPHIFilter(logging.Filter):
    def filter(self, record):
        if isinstance(record.args, Mapping):
            record.args = {
                key: (REDACTED if key in PHI_KEYS else value) for key, value in record.args.items()
            }
        for key in PHI_KEYS.intersection(record.__dict__):
            setattr(record, key, REDACTED)

        request = getattr(record, "request", None)
        from_consultations = record.name.startswith("consultations") or (
            request is not None and _is_consultation_request(request)
        )
        if from_consultations:
            if request is not None and hasattr(request, "POST"):
                request.sensitive_post_parameters = "__ALL__"
            if record.exc_info and record.exc_info[1] is not None:
                if not isinstance(record.exc_info[1], RedactedError):
                    surrogate = _redact_exception(record.exc_info[1], {})
                    record.exc_info = (RedactedError, surrogate, record.exc_info[2])
                    record.exc_text = None
        return True
