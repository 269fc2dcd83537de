"""The project's own imports: no cycles between modules, and no import that points upward.

The layers are those of docs/architecture.md, lowest first. A module may import its own app and
any app of a lower layer, never one of a higher layer. Read with `ast` from the source, so lazy
imports inside functions count too: a cycle hidden in a function is still a cycle.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Lowest first. Apps in one layer may not import each other.
LAYERS = (
    ("phi", "audit", "staff"),  # PHI toolkit; audit trail; staff sign-in
    ("outbox",),  # queued e-mail (stores recipients with the PHI toolkit)
    ("pages",),  # the public site: pages, site settings, templating, menus
    ("booking",),  # the booking engine
    ("consultations",),  # the patient's request and the triage workflow
    ("ops",),  # production wiring: health check, warm-up, error pages
    ("clinic_site", "bench"),  # settings and root URLs; the benchmark
)
LAYER_OF = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def project_modules():
    """{dotted module name: path} for every Python file of the project's apps."""
    modules = {}
    for app in LAYER_OF:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_modules(name, source, known):
    """The project modules that `source` (module `name`) imports, anywhere in the file."""
    package = name if source.is_package else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(source.text)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module
            # `from a import b` imports module a.b when there is one, else a name of a.
            targets = [
                f"{stem}.{alias.name}" if f"{stem}.{alias.name}" in known else stem
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # The nearest enclosing project module: `import a.b.c` needs a, a.b and a.b.c.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


class Source:
    def __init__(self, path):
        self.text = path.read_text()
        self.is_package = path.name == "__init__.py"


def import_graph():
    modules = project_modules()
    known = set(modules)
    return {name: imported_modules(name, Source(path), known) for name, path in modules.items()}


def upward_imports(graph):
    """(importer, imported) pairs where the imported module's app sits in a higher layer or
    another app of the same layer."""
    wrong = []
    for importer, targets in graph.items():
        app = importer.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other != app and LAYER_OF[other] >= LAYER_OF[app]:
                wrong.append((importer, target))
    return sorted(wrong)


def import_cycles(graph):
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return cycles


def test_every_app_of_the_project_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    apps -= {"tests"}
    assert apps <= set(LAYER_OF), f"give these apps a layer: {sorted(apps - set(LAYER_OF))}"


def test_no_module_imports_an_app_above_it():
    assert upward_imports(import_graph()) == []


def test_no_import_cycles_between_modules():
    assert import_cycles(import_graph()) == []


# --- The checker itself can fail -----------------------------------------------------------


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"phi.crypto": {"consultations.models"}, "consultations.models": set()}, 1),
        ({"booking.services": {"consultations.services"}, "consultations.services": set()}, 1),
        ({"outbox.models": {"audit.models"}, "audit.models": set()}, 0),
        ({"pages.views": {"staff.sites"}, "staff.sites": set()}, 0),
    ],
)
def test_an_upward_import_is_caught(graph, expected):
    assert len(upward_imports(graph)) == expected


def test_a_cycle_is_caught_even_through_a_third_module():
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}
    assert import_cycles(graph) == [["a.x", "a.y", "a.z"]]


def test_lazy_and_relative_imports_are_read():
    known = {"booking", "booking.services", "booking.selectors", "consultations.models"}
    source = Source.__new__(Source)
    source.is_package = False
    source.text = (
        "from .selectors import available_slots\n"
        "def f():\n"
        "    from consultations.models import ConsultationRequest\n"
    )
    assert imported_modules("booking.services", source, known) == {
        "booking.selectors",
        "consultations.models",
    }
