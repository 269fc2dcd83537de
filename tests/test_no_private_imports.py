"""No module of ours reaches for a private name of Django, psycopg, Jinja2 or markupsafe.

Their private names (`_something`, not `__dunder__`) may change in any release without notice;
the escaping and the database handling of a medical site must not depend on them. Every Python
file of the project is read with `ast` (apps added later included, without listing them here)
and checked for imports of such names, for `import_module()`/`__import__()` of them, and for
private attributes read through a name imported from one of those libraries.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]
GUARDED = frozenset({"django", "psycopg", "jinja2", "markupsafe"})
# Not the project's own code: installed packages, front-end tooling, generated output.
NOT_OURS = frozenset({".venv", "node_modules", ".git", "artifacts", "staticfiles", "media"})
# Underscored by Django for historic reasons, yet documented as public API: the Model _meta API,
# Model._default_manager / _base_manager, and Model._state.
DOCUMENTED = frozenset({"_meta", "_default_manager", "_base_manager", "_state"})
FIRST_PARTY = ("audit", "bench", "clinic_site", "consultations", "deploy", "ops", "pages", "staff")


def _is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_parts(dotted):
    return [part for part in dotted.split(".") if _is_private(part) and part not in DOCUMENTED]


def _guarded(dotted):
    return dotted.split(".")[0] in GUARDED


def private_uses(source, filename="<string>"):
    """`(line, name)` for each private name of a guarded library that `source` uses."""
    tree = ast.parse(source, filename)
    found = []
    bound = set()  # names bound, anywhere in the module, to something of a guarded library
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _guarded(alias.name):
                    bound.add(alias.asname or alias.name.split(".")[0])
                    if _private_parts(alias.name):
                        found.append((node.lineno, alias.name))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if _guarded(node.module):
                for alias in node.names:
                    bound.add(alias.asname or alias.name)
                    dotted = f"{node.module}.{alias.name}"
                    if _private_parts(dotted):
                        found.append((node.lineno, dotted))
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else None
            name = function.id if isinstance(function, ast.Name) else name
            first = node.args[0]
            if (
                name in {"import_module", "__import__"}
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and _guarded(first.value)
                and _private_parts(first.value)
            ):
                found.append((node.lineno, first.value))
    inner_links = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or id(node) in inner_links:
            continue  # each chain a.b.c is read once, from its outermost attribute
        chain, inner = [], node
        while isinstance(inner, ast.Attribute):
            chain.append(inner.attr)
            inner = inner.value
        if isinstance(inner, ast.Name) and inner.id in bound:
            dotted = ".".join([inner.id, *reversed(chain)])
            if _private_parts(dotted):
                found.append((node.lineno, dotted))
    return sorted(set(found))


def project_python_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not (set(relative.parts) & NOT_OURS or relative.parts[0].endswith(".egg-info")):
            yield relative


PROJECT_FILES = list(project_python_files())


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("from markupsafe._speedups import _escape_inner\n", "markupsafe._speedups._escape_inner"),
        ("from django.db.models.sql.compiler import _x\n", "django.db.models.sql.compiler._x"),
        ("import jinja2._identifier\n", "jinja2._identifier"),
        ("import psycopg._pipeline as pipe\n", "psycopg._pipeline"),
        ("import importlib\nimportlib.import_module('markupsafe._native')\n", "markupsafe._native"),
        (
            "from django.db import connection\nconnection.connection._pipeline\n",
            "connection.connection._pipeline",
        ),
        ("import django.db\ndjango.db.connection._cursor()\n", "django.db.connection._cursor"),
    ],
)
def test_the_checker_finds_a_private_name(source, name):
    assert [found for _line, found in private_uses(source)] == [name]


@pytest.mark.parametrize(
    "source",
    [
        "from markupsafe import Markup, escape\n",
        "from django.db.models import Model\nModel._meta.get_fields()\n",
        "from django.db import connection\nconnection.__class__\n",
        "from pages import _helpers\nimport requests._internal\n",  # not a guarded library
        "from . import _private_of_ours\n",
        "class Form:\n    def _clean(self):\n        return self._x\n",
    ],
)
def test_the_checker_lets_public_names_and_our_own_private_names_pass(source):
    assert private_uses(source) == []


def test_every_first_party_package_and_app_is_checked():
    checked = {path.parts[0] for path in PROJECT_FILES}
    ours = {
        Path(config.path).relative_to(ROOT).parts[0]
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT)
    } - NOT_OURS  # third-party apps installed in the checkout's own .venv
    assert {*FIRST_PARTY, *ours, "manage.py", "tests"} <= checked


@pytest.mark.parametrize("path", PROJECT_FILES, ids=str)
def test_no_module_uses_a_private_name_of_django_psycopg_jinja2_or_markupsafe(path):
    source = (ROOT / path).read_text(encoding="utf-8")
    assert private_uses(source, str(path)) == []
