"""The resale tests' fixtures live in fixtures.py, importable by other folders."""

from tests.marketplace.resale.fixtures import *  # noqa: F403
