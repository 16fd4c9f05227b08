"""What resale plugs into a member's account: its ledger kinds in the wallet
(payments.py), the DAC7 payout check and the rewards managers' seller figures
(dac7.py), and the member-data export and erasure (member_data.py)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from community.members.member_data import MEMBER_DATA_HOOK, MemberDataSection
from rewards.kinds import LEDGER_KIND_HOOK, PAYOUT_CHECK_HOOK, PayoutCheck

from . import dac7
from .dac7_views import dac7_admin_urlpatterns
from .member_data import resale_erase, resale_erase_summary, resale_export
from .payments import resale_ledger_kinds


@hooks.register(LEDGER_KIND_HOOK)
def resale_ledger_kinds_register():
    return resale_ledger_kinds()


@hooks.register(PAYOUT_CHECK_HOOK)
def resale_dac7_payout_check():
    return PayoutCheck(
        name="dac7", refusal=dac7.payout_refusal, url="/me/listings/tax/"
    )


@hooks.register("register_admin_urls")
def resale_sellers_admin_urls():
    return [
        path(
            "resale/",
            include((dac7_admin_urlpatterns, "resale_admin"), namespace="resale_admin"),
        )
    ]


class _ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("rewards.manage_rewards")


@hooks.register("register_admin_menu_item")
def resale_sellers_menu_item():
    return _ManagerMenuItem(
        _("Second-hand sellers"),
        reverse("resale_admin:sellers"),
        icon_name="tag",
        order=9100,
    )


@hooks.register(MEMBER_DATA_HOOK)
def resale_member_data():
    return MemberDataSection(
        name="resale",
        label=_("Second-hand listings, hand-offs and messages"),
        # Before rewards' section settles the wallet, after the account is read.
        order=44,
        export=resale_export,
        erase=resale_erase,
        erase_summary=resale_erase_summary,
    )
