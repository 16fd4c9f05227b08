import pytest
from hypothesis import given
from hypothesis import strategies as st

from rewards.allocation import largest_remainder_split, rate_apply

weights = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30)


@given(
    total=st.integers(min_value=0, max_value=10**12),
    weights=weights,
    order=st.randoms(use_true_random=False),
)
def test_any_amount_splits_to_the_cent(total, weights, order):
    # given any amount and any integer weights, under keys listed in any order
    keys = list(range(len(weights)))
    order.shuffle(keys)
    keyed = list(zip(keys, weights, strict=True))
    # when it is split
    parts = largest_remainder_split(total, keyed)
    # then the parts add up exactly, none is negative and each is within a cent of
    # its exact share
    whole = sum(weights)
    if whole == 0:
        assert parts == {}
        return
    assert sum(parts.values()) == total
    for key, weight in keyed:
        part = parts.get(key, 0)
        assert part >= 0
        assert abs(part * whole - total * weight) < whole
    # and each key gets the floor of its exact share plus at most one leftover
    # cent; the leftover cents went to the largest remainders, equal remainders
    # to the lowest keys (whatever the order the keys were listed in)
    floors = {key: total * weight // whole for key, weight in keyed if weight}
    remainders = {key: total * weight % whole for key, weight in keyed if weight}
    extra = {key: parts[key] - floors[key] for key in floors}
    assert set(extra.values()) <= {0, 1}
    assert sum(extra.values()) == total - sum(floors.values())
    given_cent = [key for key in floors if extra[key]]
    not_given = [key for key in floors if not extra[key]]
    for winner in given_cent:
        for other in not_given:
            assert (remainders[winner], -winner) > (remainders[other], -other)


@given(
    total=st.integers(min_value=0, max_value=10**9),
    shares=st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=8),
)
def test_shares_in_basis_points_split_to_the_cent(total, shares):
    parts = largest_remainder_split(total, list(enumerate(shares)))
    assert sum(parts.values()) == total


def test_ties_go_to_the_lowest_key_every_time():
    # given three equal weights and a cent that cannot be cut
    parts = largest_remainder_split(100, [(3, 1), (1, 1), (2, 1)])
    # then the leftover cent goes to the lowest key, deterministically
    assert parts == {1: 34, 2: 33, 3: 33}


def test_largest_remainders_get_the_leftover_cents():
    # 1000 split 1:1:1:7 → 100, 100, 100, 700; 1001 gives the cent to weight 7
    assert largest_remainder_split(1001, [(1, 1), (2, 1), (3, 1), (4, 7)]) == {
        1: 100,
        2: 100,
        3: 100,
        4: 701,
    }


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        largest_remainder_split(-1, [(1, 1)])


def test_rates_round_down_to_the_cent():
    assert rate_apply(1_234_000, 100) == 12_340
    assert rate_apply(199, 50) == 0
    assert rate_apply(12_345, 100) == 123
