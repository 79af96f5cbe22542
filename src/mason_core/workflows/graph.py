"""The DAG's shape: execution order, cycles and ancestry of step ids.

Works on plain ``id -> dependencies`` mappings so validation can use it on a
DAG that still has unknown dependencies (they are ignored here and reported
by the caller).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence


def execution_order(deps: Mapping[str, Sequence[str]]) -> tuple[list[str], list[str]]:
    """Steps in an order where each follows its dependencies (ties keep the
    declared order), and the steps left over because they sit on or behind a cycle."""
    known = list(deps)
    waiting = {s: {d for d in deps[s] if d in deps} for s in known}
    dependents: dict[str, list[str]] = {s: [] for s in known}
    for step in known:
        for dep in waiting[step]:
            dependents[dep].append(step)
    position = {s: i for i, s in enumerate(known)}
    ready = [(position[s], s) for s in known if not waiting[s]]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, step = heapq.heappop(ready)
        order.append(step)
        for nxt in dependents[step]:
            waiting[nxt].discard(step)
            if not waiting[nxt]:
                heapq.heappush(ready, (position[nxt], nxt))
    placed = set(order)
    return order, [s for s in known if s not in placed]


def find_cycles(deps: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Each distinct cycle once, as the step ids around it (``a -> b -> a``)."""
    cycles: list[list[str]] = []
    seen_sets: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for root in deps:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            children = [d for d in deps.get(node, ()) if d in deps]
            if index < len(children):
                stack.append((node, index + 1))
                child = children[index]
                if state.get(child) == 1:
                    cycle = path[path.index(child) :]
                    key = frozenset(cycle)
                    if key not in seen_sets:
                        seen_sets.add(key)
                        cycles.append([*cycle, child])
                elif not state.get(child):
                    stack.append((child, 0))
            else:
                state[node] = 2
                path.pop()
    return cycles


def is_ancestor(deps: Mapping[str, Sequence[str]], step: str, candidate: str) -> bool:
    """Whether ``step`` depends on ``candidate``, directly or transitively.

    Walks up from ``step`` and stops at the first sight of ``candidate``, so a
    reference to a direct dependency costs one look (cycles tolerated).
    """
    seen: set[str] = set()
    todo = [d for d in deps.get(step, ()) if d in deps]
    while todo:
        dep = todo.pop()
        if dep == candidate:
            return True
        if dep in seen:
            continue
        seen.add(dep)
        todo.extend(d for d in deps[dep] if d in deps and d not in seen)
    return False


def dependents(deps: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """For each step, the steps that name it as a dependency (declared order)."""
    out: dict[str, list[str]] = {s: [] for s in deps}
    for step, needs in deps.items():
        for dep in needs:
            if dep in out and step not in out[dep]:
                out[dep].append(step)
    return out
