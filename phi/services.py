"""Key rotation: re-encrypt every encrypted value of every installed model with the first key.

Models are found through their fields (any `EncryptedField`), so an app that stores PHI needs no
registration here.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction

from . import crypto
from .fields import EncryptedField


@dataclass
class RotationReport:
    model_label: str
    rows_rotated: int = 0
    rows_current: int = 0


def _encrypted_models():
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [
            field.column
            for field in model._meta.concrete_fields
            if isinstance(field, EncryptedField)
        ]
        if columns:
            yield model, columns


def encrypted_fields_rotate(*, batch_size=200):
    """Re-encrypt, with the first configured key, every encrypted value under an older key.

    Works on the stored tokens (never the plaintext), one batch of rows per transaction.
    Resumable without saved state: a value the first key already opens is skipped. Each
    UPDATE only replaces the token it read, so a row saved meanwhile (already under the first
    key) is left alone. Yields one report per model.
    """
    quote = connection.ops.quote_name
    for model, columns in _encrypted_models():
        report = RotationReport(model_label=model._meta.label)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        select = f"SELECT {pk}, {', '.join(quote(c) for c in columns)} FROM {table} "  # noqa: S608
        last_pk = None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                if last_pk is None:
                    cursor.execute(f"{select} ORDER BY {pk} LIMIT %s", [batch_size])
                else:
                    cursor.execute(
                        f"{select} WHERE {pk} > %s ORDER BY {pk} LIMIT %s", [last_pk, batch_size]
                    )
                rows = cursor.fetchall()
                for row_pk, *tokens in rows:
                    stale = [
                        (column, token)
                        for column, token in zip(columns, tokens, strict=True)
                        if token is not None and not crypto.is_under_primary_key(token)
                    ]
                    for column, token in stale:
                        cursor.execute(
                            f"UPDATE {table} SET {quote(column)} = %s "  # noqa: S608
                            f"WHERE {pk} = %s AND {quote(column)} = %s",
                            [crypto.rotate_token(token), row_pk, token],
                        )
                    if stale:
                        report.rows_rotated += 1
                    else:
                        report.rows_current += 1
            if not rows:
                break
            last_pk = rows[-1][0]
        yield report
