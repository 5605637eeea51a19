"""The house's shape: imports between feature packages flow one way (a lower feature never
imports a higher one), so the import graph of eventsys/ has no cycle between features."""
from __future__ import annotations

import ast
from pathlib import Path

import eventsys

PACKAGE = Path(eventsys.__file__).parent

# Lowest first. A feature may import those before it, never those after it.
# cloning copies an event with its rooms, agenda and speakers; account exports and deletes a
# person's data across every feature; both sit above what they touch. eventmail previews and
# lists the mail every feature sends, so it sits above feedback.
LAYERS = ["auth", "events", "series", "speakers", "agenda", "registration", "groups", "feedback",
          "eventmail", "ical", "cloning", "account", "reports", "api", "admin", "main"]

# Known exceptions, each with its reason. Empty: keep it that way.
ALLOWED: set[tuple[str, str]] = set()


def feature_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def imported_features(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "eventsys" and len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
                found.add(parts[1])
    return found


def feature_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        feature = feature_of(path)
        if feature is None:
            continue
        graph.setdefault(feature, set()).update(imported_features(path) - {feature})
    return graph


def test_every_feature_package_has_a_place_in_the_layers():
    assert set(feature_graph()) - set(LAYERS) == set()


def test_no_feature_imports_a_higher_one():
    rank = {name: n for n, name in enumerate(LAYERS)}
    upward = sorted((low, high) for low, deps in feature_graph().items() for high in deps
                    if rank.get(high, -1) > rank[low] and (low, high) not in ALLOWED)
    assert upward == []


def test_no_cycle_between_feature_packages():
    graph = feature_graph()
    cycles = sorted((a, b) for a in graph for b in graph[a] if a < b and a in graph.get(b, ()))
    assert cycles == []


def _route_modules() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "@bp.route(" in path.read_text(encoding="utf-8"):
            found.add(".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    return found


def test_create_app_imports_every_module_that_declares_routes():
    assert set(eventsys.VIEW_MODULES) == _route_modules()


def test_no_module_imports_after_its_code():
    """Imports at the bottom of a module (to attach routes or break a cycle) hide the order
    things happen in: every top-level import comes before the first statement of code."""
    late = []
    for path in PACKAGE.rglob("*.py"):
        seen_code = False
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if seen_code:
                    late.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
            elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
                seen_code = True
    assert late == []


def test_account_and_cloning_pages_keep_their_addresses_on_their_own_blueprints(app):
    """No view module adds routes to another feature's blueprint: the personal-data pages
    have their own blueprint (account) and the clone page its own (cloning), at the same
    addresses as before."""
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    assert rules["account.export_data"] == "/auth/export-data"
    assert rules["account.delete_account"] == "/auth/delete-account"
    assert rules["cloning.clone"] == "/events/<slug>/manage/clone"
