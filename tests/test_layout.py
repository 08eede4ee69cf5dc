"""The shape of the package, read from its import statements (function-level ones included):
no import cycle, charts that never reach into a family, families that draw only when asked, and
leaf modules that stay leaves."""
from __future__ import annotations

import ast
import pathlib

import scrutiny as sc

PACKAGE = pathlib.Path(sc.__file__).parent
# What a chart may import besides other charts: the voice and the modules below every family.
GROUND = {"_narrative", "_validation", "_options", "_batch", "_results", "errors", "spc_rules",
          "multitest"}


def _imports(path: pathlib.Path):
    """(enclosing function or None, imported scrutiny module) for every import in ``path``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = list(parts[:-1])
    out = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom) and child.level:
                base = package[:len(package) - child.level + 1]
                target = base + (child.module.split(".") if child.module else [])
                for alias in child.names:
                    name = target + ([alias.name] if not child.module else [])
                    out.append((function, ".".join(name)))
            elif isinstance(child, ast.ImportFrom) and (child.module or "").startswith("scrutiny"):
                out.append((function, child.module))
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                else function
            visit(child, inner)

    visit(ast.parse(path.read_text()), None)
    return out


def test_charts_import_no_family_module():
    for path in sorted((PACKAGE / "graphics").glob("*.py")):
        for _, module in _imports(path):
            name = module.split(".")[1] if module.count(".") else ""
            assert name == "graphics" or name in GROUND, f"{path.name} imports {module}"


def test_families_import_charts_only_when_drawing():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] == "graphics":
            continue
        for function, module in _imports(path):
            if module.startswith("scrutiny.graphics"):
                assert function in ("plot", "small_multiples"), f"{path.name}: {function}"


def test_spc_rules_is_a_leaf():
    modules = {module for _, module in _imports(PACKAGE / "spc_rules.py")}
    assert modules <= {"scrutiny._validation", "scrutiny._options"}
    assert sc.RuleSet is __import__("scrutiny.spc_rules", fromlist=["RuleSet"]).RuleSet


def _graph() -> dict:
    """module -> the scrutiny modules it imports (anywhere in the file)."""
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        targets = set()
        for _, module in _imports(path):
            # "from . import x" names a module or a package member: keep the longest module
            while module and module not in _MODULES:
                module = module.rpartition(".")[0]
            if module and module != name:
                targets.add(module)
        graph[name] = targets
    return graph


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


_MODULES = {_module_name(p) for p in PACKAGE.rglob("*.py")} | {"scrutiny._core"}  # + the C core


def _cycles(graph: dict) -> list:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle():
    graph = _graph()
    assert len(graph) > 40 and "scrutiny.rates" in graph["scrutiny"]
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
