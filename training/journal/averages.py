"""Averages and the proposed period mark: pure functions in exact Decimal arithmetic (no database).

Binary floats would turn 4.6 into 4.5999… and flip a proposal at the rounding edge, so every value
becomes a Decimal before any arithmetic, and a float setting (the threshold) goes through str().
"""

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
