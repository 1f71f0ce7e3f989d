"""Averages, the proposed period mark and a pupil's figures: exact Decimal arithmetic (no database).

Binary floats would turn 4.6 into 4.5999… and flip a proposal at the rounding edge, so every value
becomes a Decimal before any arithmetic, and a float setting (the threshold) goes through str().
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

from training.journal import constants as c

PRECISION = 40  # digits of the division; far more than any comparison with a two-digit threshold needs
SHOWN = Decimal("0.01")


def _decimal(value):
    """A number as an exact Decimal (floats through their shortest text: 0.6 → Decimal('0.6'))."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def weighted_average(pairs):
    """Σ(value·weight) / Σweight over (value, weight) pairs; pairs whose value is None (debts) are skipped."""
    total = weights = Decimal(0)
    for value, weight in pairs:
        if value is None:
            continue
        weight = _decimal(weight)
        total += _decimal(value) * weight
        weights += weight
    if weights <= 0:
        return None
    with localcontext() as context:
        context.prec = PRECISION
        return total / weights


def simple_average(values):
    """The plain mean of the values, None skipped; None when nothing is left."""
    return weighted_average((value, 1) for value in values)


def scale_values(scale):
    """The marks of a scale given by its key ('2-5') or as the marks themselves."""
    if isinstance(scale, str):
        return c.SCALES[scale]
    return tuple(scale)


def propose(average, threshold, scale):
    """The period mark for an average: the whole part, plus one when the fraction reaches the threshold.

    4.5 with threshold 0.5 gives 5, 4.49 gives 4; 4.59 with 0.6 gives 4, 4.6 gives 5. The result is
    clamped to the scale (1.2 on the 2–5 scale gives 2). None when there is no average.
    """
    if average is None:
        return None
    average, threshold = _decimal(average), _decimal(threshold)
    whole = average.to_integral_value(rounding=ROUND_FLOOR)
    mark = int(whole) + (1 if average - whole >= threshold else 0)
    marks = scale_values(scale)
    return max(min(marks), min(mark, max(marks)))


def round_shown(average):
    """The average as the journal shows it, two decimals with a comma: «4,57» («» when there is none)."""
    if average is None:
        return ""
    return str(_decimal(average).quantize(SHOWN, rounding=ROUND_HALF_UP)).replace(".", ",")


# --- a pupil's figures for a period ---------------------------------------------------------


@dataclass
class Summary:
    """A pupil's figures for the period."""

    count: int = 0
    debts: int = 0
    simple: object = None
    weighted: object = None
    proposal: int | None = None
    too_few: bool = True
    saved: int | None = None

    def as_json(self):
        """The figures as the page shows them (averages with a decimal comma)."""
        return {"count": self.count, "simple": round_shown(self.simple),
                "weighted": round_shown(self.weighted),
                "proposal": "" if self.proposal is None else str(self.proposal), "too_few": self.too_few,
                "saved": "" if self.saved is None else str(self.saved)}


class Tally:
    """A pupil's marks summed up by value: weights and counts per mark, and the debts."""

    __slots__ = ("weights", "counts", "debts")

    def __init__(self):
        self.weights, self.counts, self.debts = {}, {}, 0

    def add(self, value, weight):
        """Count one mark (None: work owed)."""
        if value is None:
            self.debts += 1
        else:
            self.weights[value] = self.weights.get(value, 0) + weight
            self.counts[value] = self.counts.get(value, 0) + 1

    def add_many(self, value, weights, count):
        """Count `count` marks of one value whose weights sum to `weights`."""
        if value is None:
            self.debts += count
        else:
            self.weights[value] = self.weights.get(value, 0) + weights
            self.counts[value] = self.counts.get(value, 0) + count

    def summary(self, school, saved):
        """The figures under the school's settings, with the saved period mark."""
        # Grouping by value leaves Σ(v·w)/Σw unchanged and gives the exact Decimal arithmetic
        # five terms per pupil instead of one per mark.
        weighted = weighted_average(self.weights.items())
        count = sum(self.counts.values())
        return Summary(count=count, debts=self.debts, simple=weighted_average(self.counts.items()),
                       weighted=weighted,
                       proposal=propose(weighted, school.rounding_threshold, school.mark_scale),
                       too_few=count < school.min_marks, saved=saved)


def summarize(pairs, school, saved=None):
    """A pupil's count, simple and weighted averages and the proposed mark from (value, weight) pairs."""
    tally = Tally()
    for value, weight in pairs:
        tally.add(value, weight)
    return tally.summary(school, saved)
