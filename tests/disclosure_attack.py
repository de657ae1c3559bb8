"""An attacker who knows the published rule and combines linked tables by linear programming.

Each published cell is ``(leaf ids, min, max)``: the sum of its leaves (non-negative reals,
the true counts of the finest cells) lies in ``[min, max]`` (``max`` None: unbounded).
``bounds`` returns per target cell the LP lower and upper bound of its sum (upper None when
unbounded), solved with HiGHS.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

Cell = tuple[Iterable[Hashable], float | None, float | None]


def bounds(
    cells: Sequence[Cell], targets: Sequence[Iterable[Hashable]]
) -> list[tuple[float, float | None]]:
    """Return the LP ``(lower, upper)`` bound of each target's sum under ``cells``."""
    cells = [(list(leaves), lo, hi) for leaves, lo, hi in cells]
    targets = [list(t) for t in targets]
    ids: dict[Hashable, int] = {}
    for leaves in [c[0] for c in cells] + targets:
        for leaf in leaves:
            ids.setdefault(leaf, len(ids))
    rows, cols, a_rows, rhs = [], [], 0, []
    for leaves, lo, hi in cells:
        idx = sorted({ids[x] for x in leaves})
        if hi is not None:
            rows += [a_rows] * len(idx)
            cols += idx
            rhs.append(float(hi))
            a_rows += 1
        if lo is not None and lo > 0:
            rows += [a_rows] * len(idx)
            cols += idx
            rhs.append(-float(lo))
            a_rows += 1
    signs = []
    for leaves, lo, hi in cells:
        n = len({ids[x] for x in leaves})
        if hi is not None:
            signs += [1.0] * n
        if lo is not None and lo > 0:
            signs += [-1.0] * n
    n_vars = len(ids)
    a_ub = csr_matrix((signs, (rows, cols)), shape=(a_rows, n_vars)) if a_rows else None
    b_ub = np.array(rhs) if a_rows else None
    out: list[tuple[float, float | None]] = []
    for target in targets:
        c = np.zeros(n_vars)
        c[sorted({ids[x] for x in target})] = 1.0
        high = linprog(-c, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        if high.status not in (0, 3):
            raise ValueError(f"infeasible or failed LP: {high.message}")
        upper = None if high.status == 3 else float(-high.fun)
        low = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        if low.status != 0:
            raise ValueError(f"infeasible or failed LP: {low.message}")
        out.append((float(low.fun), upper))
    return out
