"""Splitting money to the cent: the largest-remainder method on integers only."""

from collections.abc import Hashable, Sequence


def largest_remainder_split(
    total: int, weights: Sequence[tuple[Hashable, int]]
) -> dict[Hashable, int]:
    """Split `total` cents among keys in proportion to their integer weights.

    Each key first gets the floor of its exact share; the cents left over go one each
    to the largest remainders, ties broken by key (ascending), so the parts always
    add up to `total` and the same input always gives the same split. Weights of
    zero get nothing; with no positive weight nothing is split (an empty dict).
    """
    if total < 0:
        raise ValueError("Only a non-negative amount can be split.")
    positive = [(key, weight) for key, weight in weights if weight > 0]
    if any(weight < 0 for _, weight in weights):
        raise ValueError("Weights cannot be negative.")
    whole = sum(weight for _, weight in positive)
    if not positive or whole == 0:
        return {}
    parts: dict[Hashable, int] = {}
    remainders = []
    for key, weight in positive:
        quotient, remainder = divmod(total * weight, whole)
        parts[key] = quotient
        remainders.append((-remainder, key))
    left = total - sum(parts.values())
    remainders.sort()
    for _, key in remainders[:left]:
        parts[key] += 1
    return parts


def rate_apply(amount_cents: int, rate_bp: int) -> int:
    """`rate_bp` basis points of an amount, rounded down to the cent (never above)."""
    return amount_cents * rate_bp // 10_000
