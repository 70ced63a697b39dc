"""The shape STYLE.md asks for, checked on the source: each service.py a table of contents of
entrypoints and wiring, and no state kept in modules (each process's state belongs to a
dependency provider, which nameko builds and tears down with its container)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from shared.config import BACKENDS

ROOT = Path(__file__).resolve().parents[2]
SERVICE_MODULES = sorted(ROOT.glob("services/*/service.py"))
LONGEST_HELPER = 10
MUTATING_METHODS = {"add", "append", "clear", "discard", "extend", "insert", "pop", "popitem", "remove"}
MUTATING_METHODS |= {"setdefault", "update"}
# Filled once while the modules are imported, read-only afterwards: registries, not state.
IMPORT_TIME_REGISTRIES = {("shared/events/envelope.py", "CONTRACTS")}


def _python_files() -> list[Path]:
    return sorted(p for p in [*ROOT.glob("services/**/*.py"), *ROOT.glob("shared/**/*.py")])


def _length(node: ast.AST) -> int:
    return int(node.end_lineno or 0) - int(node.lineno) + 1  # type: ignore[attr-defined]


ENTRYPOINT_DECORATORS = {"rpc", "on_event", "scheduled", "every", "api", "event_handler", "timer"}


def _decorator_name(decorator: ast.expr) -> str:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")


def _is_entrypoint(fn: ast.FunctionDef) -> bool:
    """Decorated by a nameko entrypoint (not a staticmethod or property, which are helpers)."""
    return any(_decorator_name(d) in ENTRYPOINT_DECORATORS for d in fn.decorator_list)


def test_the_list_of_backends_is_every_service_but_the_gateway():
    folders = {path.parent.name for path in SERVICE_MODULES}
    assert set(BACKENDS) == folders - {"gateway"}
    assert len(BACKENDS) == len(set(BACKENDS))


@pytest.mark.parametrize("module", SERVICE_MODULES, ids=lambda p: p.parent.name)
def test_a_service_class_holds_entrypoints_and_short_helpers_only(module: Path):
    tree = ast.parse(module.read_text())
    too_long = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for fn in node.body:
            if isinstance(fn, ast.FunctionDef) and not _is_entrypoint(fn) and _length(fn) > LONGEST_HELPER:
                too_long.append(f"{node.name}.{fn.name} ({_length(fn)} lines)")
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef) and _length(n) > LONGEST_HELPER]
    too_long += [f"{fn.name} ({_length(fn)} lines, module level)" for fn in functions]
    assert too_long == [], f"{module.relative_to(ROOT)}: rules and mapping belong in other modules"


def _module_containers(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if not isinstance(target, ast.Name) or value is None:
            continue
        literal = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp))
        built = isinstance(value, ast.Call) and getattr(value.func, "id", "") in {"dict", "list", "set"}
        if literal or built:
            names.add(target.id)
    return names


def _mutations(tree: ast.Module, names: set[str]) -> set[str]:
    """Module-level containers that some function changes (or any ``global`` statement)."""
    changed = set()
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.Global):
                changed.update(node.names)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Subscript) and getattr(target.value, "id", None) in names:
                        changed.add(target.value.id)  # type: ignore[attr-defined]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = getattr(node.func.value, "id", None)
                if owner in names and node.func.attr in MUTATING_METHODS:
                    changed.add(owner)
    return changed


def test_no_module_keeps_state_between_calls():
    found = []
    for path in _python_files():
        tree = ast.parse(path.read_text())
        relative = str(path.relative_to(ROOT))
        for name in sorted(_mutations(tree, _module_containers(tree))):
            if (relative, name) not in IMPORT_TIME_REGISTRIES:
                found.append(f"{relative}: {name}")
    assert found == [], "per-process state belongs to a dependency provider or the store"
