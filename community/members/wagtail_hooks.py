"""Where members plug into the rest of the site (docs/architecture.md).

One section per plug-in point; add registrations under your section only.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from marketplace.sales.member_data import sale_events_erase, sale_events_export

from .member_data import MEMBER_DATA_HOOK, MemberDataSection, profile_section

# --- Member data: export and erasure (members) --------------------------------


@hooks.register(MEMBER_DATA_HOOK)
def member_data_profile():
    return profile_section()


@hooks.register(MEMBER_DATA_HOOK)
def member_data_sales():
    # Sales lie below members and may not import them: members registers the
    # section sales provides.
    return MemberDataSection(
        name="purchases",
        label=_("Purchases and refunds"),
        order=60,
        export=sale_events_export,
        erase=sale_events_erase,
    )
