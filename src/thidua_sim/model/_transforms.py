"""The parameter distribution of docs/model.md, "Monte Carlo" (parameters): a two-piece normal
on a transformed scale, matched to a value's central value and 90 % interval.

Used by the Monte Carlo (to map Latin-hypercube uniforms to parameter values) and by the
calibration (as the prior of each base rate); this module is the only implementation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ..core.types import Uncertain

__all__ = ["Z90", "TwoPiece", "two_piece"]

Z90 = float(special.ndtri(0.95))  # 1.6449: the 95 % point of the standard normal


@dataclass(frozen=True)
class TwoPiece:
    """A two-piece normal with median ``median`` and standard deviations ``s_lo`` (below the median)
    and ``s_hi`` (above) on the scale ``scale``:

    - ``"logit"``: for rates and effects in [0, 1];
    - ``"log"``: for costs and gamma (>= 0);
    - ``"linear"``: the natural scale, used where the interval touches a bound of the scale it asked
      for (0, or 1 for a logit value); values are clipped to ``[0, upper]``.
    """

    scale: str
    upper: float  # the upper bound of the natural scale: 1 (logit) or infinity (log)
    median: float
    s_lo: float
    s_hi: float

    def to_natural(self, x: np.ndarray) -> np.ndarray:
        """Values on the natural scale of points ``x`` on the transformed scale."""
        if self.scale == "logit":
            return special.expit(x)
        if self.scale == "log":
            return np.exp(x)
        return np.clip(x, 0.0, self.upper)

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Map uniforms ``u`` in (0, 1) to values on the natural scale."""
        z = special.ndtri(u)
        return self.to_natural(self.median + z * np.where(z < 0, self.s_lo, self.s_hi))

    def neg_log(self, x: np.ndarray) -> np.ndarray:
        """Minus the log density on the transformed scale at ``x``, up to a constant (standard
        deviations floored at 1e-9 so that a one-sided interval stays finite)."""
        d = x - self.median
        return 0.5 * (d / np.where(d < 0, max(self.s_lo, 1e-9), max(self.s_hi, 1e-9))) ** 2


def two_piece(value: Uncertain, scale: str) -> TwoPiece:
    """The distribution of ``value`` (not fixed) on ``scale`` ("logit" or "log"): median
    ``value.central``, 5 % and 95 % points ``value.low`` and ``value.high``. Where the interval
    touches a bound of the scale (0 or 1), the natural ("linear") scale is used instead."""
    if scale not in ("logit", "log"):
        raise ValueError(f"scale {scale!r}: expected 'logit' or 'log'")
    c, lo, hi = float(value.central), float(value.low), float(value.high)
    upper = 1.0 if scale == "logit" else np.inf
    if lo > 0.0 and hi < upper and 0.0 < c < upper:
        f = special.logit if scale == "logit" else np.log
    else:
        scale, f = "linear", (lambda x: x)
    m = f(c)
    return TwoPiece(scale, upper, float(m), float((m - f(lo)) / Z90), float((f(hi) - m) / Z90))
