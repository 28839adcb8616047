#!/usr/bin/env python3
"""Keep the product's imports pointing down and free of circles.

Reads every .py file of the product packages (migrations aside) and builds the graph of
first-party imports between modules, counting imports inside functions and relative imports,
but not those under `if TYPE_CHECKING:`, which never run. It fails on:

- an import from a lower layer to a higher one (LAYERS, bottom first; `fixtures` sits just under
  `archive_site`, so only the orchestration layer may use the demo data);
- an import cycle among the modules of one package;
- a first-party import inside a function with no comment, on its line or the line above, saying
  why it cannot sit at the top of the module (an optional dependency, Django's app loading).

Standard library only, so it runs before anything is installed: `scripts/check_layers.py
[--root DIR]`. tests/, bench/ and scripts/ may import anything and are not read.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LAYERS = (
    "archive_collections",
    "media_pipeline",
    "exhibits",
    "search",
    "fixtures",
    "archive_site",
)
RANK = {package: rank for rank, package in enumerate(LAYERS)}
# Comments that silence a tool say nothing about why the import is where it is.
PRAGMA_PREFIXES = ("noqa", "type:", "pragma", "fmt:", "isort:", "nosec")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    path: str
    line: int
    local: bool
    explained: bool


@dataclass
class Graph:
    modules: dict[str, Path] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)


def module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def find_modules(root: Path) -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in LAYERS:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" not in relative.parts:
                modules[module_name(relative)] = path
    return modules


def explaining_comments(source: str) -> tuple[set[int], set[int]]:
    """Lines with a comment that is more than a tool pragma: (comment-only lines, all of them)."""
    own_line: set[int] = set()
    anywhere: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        text = token.string.lstrip("#").strip().lower()
        if token.type != tokenize.COMMENT or not text or text.startswith(PRAGMA_PREFIXES):
            continue
        anywhere.add(token.start[0])
        if token.line.lstrip().startswith("#"):
            own_line.add(token.start[0])
    return own_line, anywhere


def is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


Found = tuple[ast.Import | ast.ImportFrom, bool]


def runtime_imports(nodes: Iterable[ast.AST], in_function: bool = False) -> Iterator[Found]:
    """Each import that runs, with whether it sits inside a function."""
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, in_function
        elif isinstance(node, ast.If) and is_type_checking(node.test):
            yield from runtime_imports(node.orelse, in_function)
        else:
            nested = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from runtime_imports(ast.iter_child_nodes(node), nested)


def resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The most specific known module `name` loads, or None when it is not first-party."""
    if name.split(".")[0] not in RANK:
        return None
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return parts[0]


def from_base(node: ast.ImportFrom, source: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = source.split(".") if is_package else source.split(".")[:-1]
    anchor = package[: len(package) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def imported_names(node: ast.Import | ast.ImportFrom, source: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = from_base(node, source, is_package)
    return [f"{base}.{alias.name}" if alias.name != "*" else base for alias in node.names]


def file_edges(source: str, path: Path, root: Path, modules: dict[str, Path]) -> list[Edge]:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text, filename=str(path))
    own_line, anywhere = explaining_comments(text)
    is_package = path.name == "__init__.py"
    relative = path.relative_to(root).as_posix()
    edges: dict[tuple[str, int], Edge] = {}
    for node, local in runtime_imports([tree]):
        last = node.end_lineno or node.lineno
        explained = node.lineno - 1 in own_line or any(
            line in anywhere for line in range(node.lineno, last + 1)
        )
        for name in imported_names(node, source, is_package):
            target = resolve(name, modules)
            if target is not None and target != source:
                edge = Edge(source, target, relative, node.lineno, local, explained)
                edges.setdefault((target, node.lineno), edge)
    return list(edges.values())


def build_graph(root: Path) -> Graph:
    graph = Graph(modules=find_modules(root))
    for source, path in graph.modules.items():
        try:
            graph.edges.extend(file_edges(source, path, root, graph.modules))
        except (SyntaxError, UnicodeDecodeError, tokenize.TokenError) as error:
            # A file that does not parse hides its imports: say so rather than pass silently.
            line = getattr(error, "lineno", None) or 1
            graph.unreadable.append(f"{path.relative_to(root).as_posix()}:{line}: {error}")
    return graph


def package_of(module: str) -> str:
    return module.split(".")[0]


def upward_imports(graph: Graph) -> list[str]:
    problems = []
    for edge in graph.edges:
        low, high = package_of(edge.source), package_of(edge.target)
        if RANK[high] > RANK[low]:
            problems.append(
                f"{edge.path}:{edge.line}: upward import {edge.source} -> {edge.target} "
                f"({low} is below {high})"
            )
    return problems


def unexplained_local_imports(graph: Graph) -> list[str]:
    return [
        f"{edge.path}:{edge.line}: function-local import of {edge.target} in {edge.source} "
        "with no comment saying why it is not at the top of the module"
        for edge in graph.edges
        if edge.local and not edge.explained
    ]


def strongly_connected(nodes: list[str], successors: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so that deep packages cannot hit the recursion limit."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(successors.get(start, [])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    components.append(pop_component(node, stack, on_stack))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(successors.get(child, []))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return components


def pop_component(root: str, stack: list[str], on_stack: set[str]) -> list[str]:
    component = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        component.append(member)
        if member == root:
            return sorted(component)


def cycle_through(start: str, members: set[str], successors: dict[str, list[str]]) -> list[str]:
    """A shortest path from `start` back to itself inside one strongly connected component."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in successors.get(node, []):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if child in members and child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return [start]


def import_cycles(graph: Graph) -> list[str]:
    first_edge: dict[tuple[str, str], Edge] = {}
    successors: dict[str, list[str]] = {}
    for edge in graph.edges:
        key = (edge.source, edge.target)
        if package_of(edge.source) == package_of(edge.target) and key not in first_edge:
            first_edge[key] = edge
            successors.setdefault(edge.source, []).append(edge.target)
    problems = []
    for component in strongly_connected(sorted(successors), successors):
        if len(component) < 2:
            continue
        cycle = cycle_through(component[0], set(component), successors)
        lines = [f"{package_of(component[0])}: import cycle {' -> '.join(cycle)}"]
        for source, target in zip(cycle, cycle[1:], strict=False):
            edge = first_edge[(source, target)]
            lines.append(f"    {edge.path}:{edge.line}: {source} -> {target}")
        if len(component) > len(cycle) - 1:
            lines.append(f"    (the circle holds {len(component)} modules: {', '.join(component)})")
        problems.append("\n".join(lines))
    return problems


def report(graph: Graph) -> int:
    sections = [
        ("unreadable files", graph.unreadable),
        ("upward imports", upward_imports(graph)),
        ("import cycles", import_cycles(graph)),
        ("unexplained function-local imports", unexplained_local_imports(graph)),
    ]
    failed = False
    for title, problems in sections:
        if problems:
            failed = True
            print(f"{title} ({len(problems)}):")
            print("\n".join(problems))
    counts = ", ".join(f"{len(problems)} {title}" for title, problems in sections)
    summary = f"{len(graph.modules)} modules, {len(graph.edges)} first-party imports: {counts}"
    print(("check_layers FAILED: " if failed else "check_layers OK: ") + summary)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_root = Path(__file__).resolve().parent.parent
    parser.add_argument("--root", type=Path, default=default_root, help="repository root")
    arguments = parser.parse_args(argv)
    return report(build_graph(arguments.root.resolve()))


if __name__ == "__main__":
    sys.exit(main())
