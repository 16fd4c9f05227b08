"""Rewards in the Wagtail admin: a "Rewards" menu for rewards managers.

Programme versions and product originators are snippets; the ledger is a read-only
snippet; closes, payouts, statements and the yearly report are views of their own.
"""

from django import forms
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from community.members.member_data import MEMBER_DATA_HOOK, MemberDataSection
from comptoir.money import format_cents
from comptoir.navigation import MEMBER_MENU_HOOK, NavItem
from comptoir.permissions import ReadOnlyPermissionPolicy

from . import admin_views
from .member_data import (
    rewards_erase,
    rewards_erase_summary,
    rewards_export,
    rewards_farewell,
)
from .models import BASIS_POINTS, LedgerTransaction, ProductOrigin, Programme
from .originators import OriginatorsPool
from .pools import EARNING_POOL_HOOK


class ProductOriginForm(WagtailAdminModelForm):
    """Shares must add up to 100 % (10,000 basis points)."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("originators")
        if formset is None or not formset.is_valid():
            return cleaned
        rows = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        members = [row.get("member") for row in rows]
        if len(set(members)) != len(members):
            raise forms.ValidationError(_("A member can be named only once."))
        total = sum(row.get("share_bp") or 0 for row in rows)
        if rows and total != BASIS_POINTS:
            raise forms.ValidationError(
                _(
                    "Shares add up to %(total)s basis points; they must add up to "
                    "10000 (100 %%)."
                )
                % {"total": total}
            )
        return cleaned


ProductOrigin.base_form_class = ProductOriginForm


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "cog"
    menu_label = _("Programme versions")
    add_to_admin_menu = False
    list_display = [
        "in_force_from",
        "originator_rate_bp",
        "reviewer_pool_rate_bp",
        "verified_only",
        "hold_days",
        Column(
            "min_payout_cents",
            label=_("Minimum payout"),
            accessor=lambda p: format_cents(p.min_payout_cents),
        ),
    ]
    panels = [
        FieldPanel("in_force_from"),
        FieldRowPanel(
            [FieldPanel("originator_rate_bp"), FieldPanel("reviewer_pool_rate_bp")]
        ),
        FieldRowPanel([FieldPanel("verified_only"), FieldPanel("min_quality")]),
        FieldRowPanel([FieldPanel("hold_days"), FieldPanel("min_payout_cents")]),
        FieldPanel("balance_on_erasure"),
    ]


class ProductOriginViewSet(SnippetViewSet):
    model = ProductOrigin
    icon = "group"
    menu_label = _("Product originators")
    add_to_admin_menu = False
    search_backend_name = None
    search_fields = ["product__name", "product__sku"]
    list_display = ["product", "note"]
    panels = [
        MultiFieldPanel(
            [FieldPanel("product"), FieldPanel("note")], heading=_("Product")
        ),
        InlinePanel("originators", heading=_("Originators and shares"), min_num=1),
    ]


class LedgerViewSet(SnippetViewSet):
    model = LedgerTransaction
    icon = "list-ul"
    menu_label = _("Ledger")
    add_to_admin_menu = False
    inspect_view_enabled = True
    list_display = ["idempotency_key", "kind", "period", "product", "created_at"]
    list_filter = ["kind"]
    search_backend_name = None
    search_fields = ["idempotency_key"]
    list_per_page = 50

    def get_queryset(self, request):
        return LedgerTransaction.objects.select_related("period", "product")


# The ledger is append-only: managers may look; a correction is a reversal.
register_permission_policy(
    LedgerTransaction, ReadOnlyPermissionPolicy(LedgerTransaction)
)
register_snippet(ProgrammeViewSet)
register_snippet(ProductOriginViewSet)
register_snippet(LedgerViewSet)

admin_urls = [
    path("", admin_views.periods, name="periods"),
    path("payouts/", admin_views.payouts, name="payouts"),
    path("payouts/<int:payout_id>/", admin_views.payout_decide, name="payout_decide"),
    path("batches/export/", admin_views.batch_export, name="batch_export"),
    path(
        "batches/<int:batch_id>.csv", admin_views.batch_download, name="batch_download"
    ),
    path("batches/<int:batch_id>/paid/", admin_views.batch_paid, name="batch_paid"),
    path("members/", admin_views.members, name="members"),
    path(
        "members/<int:member_id>/",
        admin_views.member_statement,
        name="member_statement",
    ),
    path("report/", admin_views.yearly_report, name="yearly_report"),
    path("orphan-refunds/", admin_views.orphan_refunds, name="orphan_refunds"),
]


@hooks.register(EARNING_POOL_HOOK)
def originators_pool():
    return OriginatorsPool()


@hooks.register("register_admin_urls")
def rewards_admin_urls():
    return [
        path(
            "rewards/",
            include((admin_urls, "rewards_admin"), namespace="rewards_admin"),
        )
    ]


class ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("rewards.manage_rewards")


class ManagerSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm("rewards.manage_rewards")


def _snippet_list(model) -> str:
    return reverse(f"wagtailsnippets_rewards_{model._meta.model_name}:list")


@hooks.register("register_admin_menu_item")
def rewards_menu():
    items = [
        ManagerMenuItem(
            _("Closed months"),
            reverse("rewards_admin:periods"),
            icon_name="date",
            order=100,
        ),
        ManagerMenuItem(
            _("Payout queue"),
            reverse("rewards_admin:payouts"),
            icon_name="tasks",
            order=200,
        ),
        ManagerMenuItem(
            _("Member statements"),
            reverse("rewards_admin:members"),
            icon_name="user",
            order=300,
        ),
        ManagerMenuItem(
            _("Yearly report"),
            reverse("rewards_admin:yearly_report"),
            icon_name="doc-full",
            order=400,
        ),
        ManagerMenuItem(
            _("Refunds waiting for their sale"),
            reverse("rewards_admin:orphan_refunds"),
            icon_name="warning",
            order=450,
        ),
        ManagerMenuItem(
            _("Programme versions"),
            _snippet_list(Programme),
            icon_name="cog",
            order=500,
        ),
        ManagerMenuItem(
            _("Product originators"),
            _snippet_list(ProductOrigin),
            icon_name="group",
            order=600,
        ),
        ManagerMenuItem(
            _("Ledger"),
            _snippet_list(LedgerTransaction),
            icon_name="list-ul",
            order=700,
        ),
    ]
    return ManagerSubmenu(_("Rewards"), Menu(items=items), icon_name="pick", order=450)


@hooks.register(MEMBER_DATA_HOOK)
def member_data_rewards():
    return MemberDataSection(
        name="rewards",
        label=_("Rewards programme, wallet and payouts"),
        order=40,
        export=rewards_export,
        erase=rewards_erase,
        erase_summary=rewards_erase_summary,
        farewell=rewards_farewell,
    )


@hooks.register(MEMBER_MENU_HOOK)
def rewards_member_menu_item():
    return NavItem(label=_("Wallet"), url_name="rewards:wallet", order=50)
