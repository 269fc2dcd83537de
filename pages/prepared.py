"""Reads written with the ORM, compiled to SQL once, then run with fresh values.

Django builds and compiles a queryset's SQL each time it is evaluated. For the four reads
behind every public page that work cost several times what the database itself does (issue 9:
about 2 ms of a page's 5 ms). A `PreparedRead` is still an ORM queryset, so rules such as
`Page.objects.published()` stay in one place; it is compiled on first use with stand-in values,
and each later run only puts the real values where the stand-ins were, then reads the rows
through Django's own iterables (models, select_related, values_list and converters as usual).
A values_list() read of plain columns skips even those: its rows come straight from Django's
cursor (so query logging and database-error handling still apply), with the ORM's conversions.

    page_at = PreparedRead(
        lambda path, now: Page.objects.published(at=now).filter(url_path=path)[:1],
        path="/prepared-read/path/",
        now=datetime.datetime(1901, 1, 1, 0, 0, 0, 1, tzinfo=datetime.UTC),
    )
    page_at.fetch(path="/conditions/", now=timezone.now())  # a list, like list(queryset)

A stand-in must be of the type of the value it stands for, and unlike any value the query holds
itself. Each stand-in must reach the SQL as a parameter of its own: a read whose stand-in is
missing from the SQL, or folded into something else, is refused when it is compiled.
"""

import copy
import datetime
import functools

from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connections, router
from django.db.models import QuerySet
from django.db.models.query import ValuesListIterable

# Stand-ins the app's reads share: of the right type, and never a real value.
SOME_TIME = datetime.datetime(1901, 1, 1, 0, 0, 0, 424242, tzinfo=datetime.UTC)
SOME_PATH = "/prepared-read/stand-in/"
SOME_PK = -424242


def _adapt(value, connection):
    """A value as the ORM hands it to the database driver, for this backend."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


class _Constant:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class _Compiled:
    """One read's SQL for one connection, and the compiler that knows how to read its rows."""

    def __init__(self, queryset, connection, stand_ins):
        self.queryset = queryset
        self.compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = self.compiler.as_sql()
        columns = [
            column for column, _sql, _alias in self.compiler.select[: self.compiler.col_count]
        ]
        self.converters = self.compiler.get_converters(columns)
        adapted = {name: _adapt(value, connection) for name, value in stand_ins.items()}
        self.slots = []
        for param in params:
            names = [
                name
                for name, stand_in in adapted.items()
                if type(stand_in) is type(param) and stand_in == param
            ]
            self.slots.append(names[0] if names else _Constant(param))
        unused = set(stand_ins) - {slot for slot in self.slots if isinstance(slot, str)}
        if unused:
            raise ImproperlyConfigured(
                f"Prepared read: {', '.join(sorted(unused))} never reached the SQL as a parameter"
            )
        # A values_list() read of plain columns builds no objects: its rows are read straight
        # from Django's cursor and converted, as ValuesListIterable would, without the
        # QuerySet machinery around it (about a third of what the read cost in a request).
        query = queryset.query
        self.plain_rows = (
            queryset._iterable_class is ValuesListIterable
            and not query.extra_select
            and not query.annotation_select
            and list(queryset._fields or ()) == list(query.values_select)
        )
        self.converter_items = list(self.converters.items())

    def rows(self, connection, params):
        """The rows of a plain values_list() read, as tuples with the ORM's conversions."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        return self.converted_rows(rows, connection)

    def converted_rows(self, rows, connection):
        if not self.converter_items:
            return [tuple(row) for row in rows]
        return [tuple(self._converted(list(row), connection)) for row in rows]

    def _converted(self, row, connection):
        for position, (converters, expression) in self.converter_items:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return row


class _BoundQuery:
    """What a QuerySet's iterable asks of its query: the compiled SQL with this run's values."""

    def __init__(self, compiled, params):
        self._compiled = compiled
        self._params = params

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiled = self._compiled
        compiler = copy.copy(compiled.compiler)
        sql, params, converters = compiled.sql, self._params, compiled.converters
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        compiler.get_converters = lambda expressions: converters
        return compiler

    def __getattr__(self, name):  # select, values_select, annotation_select, ... are unchanged
        return getattr(self._compiled.queryset.query, name)


class PreparedRead:
    """`build(**values)` returns the queryset; `stand_ins` are the values it is compiled with."""

    def __init__(self, build, **stand_ins):
        self._build = build
        self._stand_ins = stand_ins
        self._template = None

    def _compiled_for(self, connection):
        # Kept on the connection object: one per thread, and its backend decides the SQL.
        compiled_reads = connection.__dict__.setdefault("_prepared_reads", {})
        compiled = compiled_reads.get(self)
        if compiled is None:
            compiled = compiled_reads[self] = _Compiled(
                self._build(**self._stand_ins), connection, self._stand_ins
            )
        return compiled

    def _bound(self, values):
        """The connection, the compiled read and its parameters for these values."""
        if set(values) != set(self._stand_ins):
            raise TypeError(f"Prepared read takes {sorted(self._stand_ins)}, not {sorted(values)}")
        if self._template is None:
            self._template = self._build(**self._stand_ins)
        alias = router.db_for_read(self._template.model)
        connection = connections[alias]
        compiled = self._compiled_for(connection)
        params = tuple(
            slot.value if isinstance(slot, _Constant) else _adapt(values[slot], connection)
            for slot in compiled.slots
        )
        return alias, connection, compiled, params

    def fetch(self, **values):
        """The rows for these values, as `list(queryset)` would give them."""
        return _fetch_bound(*self._bound(values))


def _fetch_bound(alias, connection, compiled, params):
    if compiled.plain_rows:
        return compiled.rows(connection, params)
    template = compiled.queryset
    queryset = QuerySet(model=template.model, query=_BoundQuery(compiled, params), using=alias)
    queryset._iterable_class = template._iterable_class
    queryset._fields = template._fields
    queryset._prefetch_related_lookups = template._prefetch_related_lookups
    return list(queryset)


def fetch_together(*reads):
    """The rows of several reads, each given as `(read, values)`, as their `fetch()` would give
    them, in the same order.

    On PostgreSQL, reads of plain values_list() columns on one database are sent together in
    psycopg's pipeline mode and their rows come back in one round trip: each round trip cost a
    page 150-250 us of waiting on the database, more than most reads' own work. Elsewhere (and
    for other reads) they are fetched one after another. Either way they go through Django's
    cursor, so they are logged and counted, and a database error is Django's as usual.
    """
    bound = [read._bound(values) for read, values in reads]
    connection = bound[0][1] if bound else None
    if not (
        len(bound) > 1
        and connection.vendor == "postgresql"
        and all(b[1] is connection and b[2].plain_rows for b in bound)
        and _pipeline_supported()
    ):
        return [_fetch_bound(*read) for read in bound]
    if (
        connection.connection is not None  # a kept one; a new one needs no check
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    ):
        # The reads themselves check the kept connection, in place of Django's SELECT 1 round
        # trip (a tenth of an uncached page): they change nothing, so when the connection
        # turns out to be dead they are simply sent again on a new one.
        connection.health_check_done = True
        try:
            return _pipelined(connection, bound)
        except OperationalError:
            if connection.is_usable():
                raise
            connection.close()
    return _pipelined(connection, bound)


def _pipelined(connection, bound):
    cursors = [connection.cursor() for _ in bound]  # connects, or checks the connection first
    try:
        with connection.wrap_database_errors:
            with connection.connection.pipeline():
                for cursor, (_alias, _connection, compiled, params) in zip(
                    cursors, bound, strict=True
                ):
                    cursor.execute(compiled.sql, params)
            # Leaving the pipeline sends its one Sync and takes in every result. Fetching
            # inside it made psycopg ask the server to flush first: a second round trip.
            results = [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()
    return [
        compiled.converted_rows(rows, connection)
        for rows, (_alias, _connection, compiled, _params) in zip(results, bound, strict=True)
    ]


@functools.cache
def _pipeline_supported():
    import psycopg

    return psycopg.Pipeline.is_supported()
