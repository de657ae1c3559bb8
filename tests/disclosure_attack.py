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
from scipy.sparse import csr_matrix, vstack

Cell = tuple[Iterable[Hashable], float | None, float | None]


def bounds(
    cells: Sequence[Cell], targets: Sequence[Iterable[Hashable]], cap: float | None = None
) -> list[tuple[float, float | None]]:
    """Return the LP ``(lower, upper)`` bound of each target's sum under ``cells``.

    With ``cap``, the upper bound is sought only up to ``lower + cap`` (HiGHS needs long to
    prove a large LP unbounded): an upper bound at that cap is reported as None.
    """
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
        low = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        if low.status != 0:
            raise ValueError(f"infeasible or failed LP: {low.message}")
        a_high, b_high = a_ub, b_ub
        if cap is not None:
            limit = csr_matrix(c.reshape(1, -1))
            a_high = limit if a_ub is None else vstack([a_ub, limit]).tocsr()
            b_high = np.append([] if b_ub is None else b_ub, low.fun + cap)
        high = linprog(-c, A_ub=a_high, b_ub=b_high, bounds=(0, None), method="highs")
        if high.status not in (0, 3):
            raise ValueError(f"infeasible or failed LP: {high.message}")
        upper = None if high.status == 3 else float(-high.fun)
        if cap is not None and upper is not None and upper >= low.fun + cap - 1e-6:
            upper = None  # as far as the cap can tell: unbounded
        out.append((float(low.fun), upper))
    return out
