"""The call-to-action button links to a site path or a full http(s) address."""

import pytest
from django.core.exceptions import ValidationError

from editorial.blocks import link_validate


@pytest.mark.parametrize(
    "link", ["/stores/", "/products/?tag=jardin", "https://www.example.fr/aide"]
)
def test_site_paths_and_web_addresses_are_accepted(link):
    link_validate(link)


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "//evil.example/", "stores", "ftp://x.example/"]
)
def test_scripts_other_schemes_and_protocol_relative_links_are_refused(link):
    with pytest.raises(ValidationError, match="path on this site"):
        link_validate(link)
