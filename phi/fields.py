"""Model fields whose values are encrypted in the database (see crypto.py).

The column holds a Fernet token of the value's JSON form; Python code sees the plain value.
The ciphertext is different every time, so these columns cannot be searched or sorted: any
lookup other than `isnull` is refused (search through the blind indexes instead).
"""

import datetime
import json

from django.core import checks
from django.db import models

from .crypto import decrypt_text, encrypt_text


class EncryptedField(models.Field):
    """Base: subclasses say how their Python value maps to JSON and back."""

    _allowed_lookups = frozenset({"isnull"})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.db_index or self.unique or self.primary_key:
            errors.append(
                checks.Error(
                    "Encrypted fields cannot be indexed, unique or primary keys.",
                    obj=self,
                    id="consultations.E001",
                )
            )
        return errors

    def get_internal_type(self):
        return "TextField"

    def to_json(self, value):
        return value

    def from_json(self, data):
        return data

    def get_lookup(self, lookup_name):
        if lookup_name not in self._allowed_lookups:
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, name):
        return None

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_text(json.dumps(self.to_json(self.to_python(value))))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.from_json(json.loads(decrypt_text(value)))

    def value_to_string(self, obj):
        # Serialisation (dumpdata) writes the ciphertext, never the plain value.
        return self.get_prep_value(self.value_from_object(obj))


class EncryptedTextField(EncryptedField):
    description = "Text, encrypted at rest"

    def to_python(self, value):
        if value is None or isinstance(value, str):
            return value
        return str(value)


class EncryptedIntegerField(EncryptedField):
    description = "Integer, encrypted at rest"

    def to_python(self, value):
        if value is None or value == "":
            return None
        return int(value)


class EncryptedDateField(EncryptedField):
    description = "Date, encrypted at rest"

    def to_python(self, value):
        if value is None or isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(value)

    def to_json(self, value):
        return value.isoformat()

    def from_json(self, data):
        return datetime.date.fromisoformat(data)


class EncryptedListField(EncryptedField):
    """A list of short strings, e.g. the choices ticked in a group of checkboxes."""

    description = "List of strings, encrypted at rest"

    def to_python(self, value):
        if value is None:
            return None
        return [str(item) for item in value]
