"""Sections of the public member profile that other apps add (docs/architecture.md,
point 17).

`members/user.html` knows only what the members app holds (name, avatar, bio,
home store). An app that has something public to say about a member (a seller's
rating…) registers one `ProfileSection`, in its `wagtail_hooks.py` or a module
imported from its `ready()`:

    @hooks.register(PROFILE_SECTION_HOOK)
    def seller_profile_section():
        return ProfileSection(
            label=_("Second-hand"),
            template_name="resale/includes/profile_seller.html",
            context=seller_profile_context,
            order=50,
        )

`context(request, member)` returns the template's context, or None when the
section has nothing to show for this member (it is then left out). The profile is
public: a section shows nothing a member would not show everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks

PROFILE_SECTION_HOOK = "register_profile_section"


@dataclass(frozen=True)
class ProfileSection:
    """One section of the public profile: its heading (gettext_lazy), its template
    and the function giving the template's context for a member (None: hidden)."""

    label: str | Promise
    template_name: str
    context: Callable[[HttpRequest, Any], dict | None]
    order: int = 100


@dataclass(frozen=True)
class ShownSection:
    """A section as the profile page shows it."""

    label: str | Promise
    html: SafeString
    key: str


def profile_sections(request: HttpRequest, member) -> list[ShownSection]:
    """The registered sections that have something to show for `member`, rendered,
    in order (then by label)."""
    sections = [register() for register in hooks.get_hooks(PROFILE_SECTION_HOOK)]
    sections.sort(key=lambda section: (section.order, str(section.label)))
    shown = []
    for index, section in enumerate(sections):
        context = section.context(request, member)
        if context is None:
            continue
        html = render_to_string(
            section.template_name, {"member": member, **context}, request=request
        )
        shown.append(
            ShownSection(
                label=section.label,
                html=mark_safe(html),  # noqa: S308 - a template's own escaped output
                key=f"profile-section-{index}",
            )
        )
    return shown
