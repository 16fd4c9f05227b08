"""Slugs of URLs keep French words readable."""

import pytest

from comptoir.slugs import url_slug


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Cœur de bœuf : quand récolter ?", "coeur-de-boeuf-quand-recolter"),
        ("Œillets d'Inde et ex æquo", "oeillets-dinde-et-ex-aequo"),
        ("Straße", "strasse"),
        ("🌱🌱", "topic"),
        ("", "topic"),
    ],
)
def test_titles_become_readable_slugs(text, slug):
    assert url_slug(text, max_length=80, default="topic") == slug


def test_a_cut_slug_never_ends_with_a_dash():
    assert url_slug("Tondeuse thermique autotractée", max_length=9, default="x") == (
        "tondeuse"
    )
