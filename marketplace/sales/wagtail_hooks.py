from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from comptoir.permissions import ReadOnlyPermissionPolicy
from comptoir.templatetags.comptoir_tags import money

from .models import SaleEvent, SaleEventConflict
from .selectors import sale_event_conflict_list, sale_event_list


class NetColumn(Column):
    def get_value(self, instance):
        return money(instance.net_cents)


class SaleEventViewSet(SnippetViewSet):
    model = SaleEvent
    icon = "list-ul"
    menu_label = _("Sales and refunds")
    add_to_admin_menu = False
    inspect_view_enabled = True
    list_display = [
        "external_id",
        "kind",
        "product",
        "quantity",
        NetColumn("net_cents", label=_("Net")),
        "store",
        "channel",
        "member",
        "occurred_at",
    ]
    list_filter = ["kind", "channel", "store"]
    search_fields = ["external_id", "refund_of"]
    search_backend_name = None
    list_per_page = 50

    def get_queryset(self, request):
        return sale_event_list()


class FieldsColumn(Column):
    def get_value(self, instance):
        return ", ".join(instance.fields)


class SaleEventConflictViewSet(SnippetViewSet):
    """Resends that disagreed with the recorded event: for the retailer to find out
    which of its systems is right. Nothing of them was recorded."""

    model = SaleEventConflict
    icon = "warning"
    menu_label = _("Conflicting resends")
    add_to_admin_menu = False
    inspect_view_enabled = True
    inspect_view_fields = ["external_id", "client", "received_at", "recorded", "sent"]
    list_display = [
        "external_id",
        FieldsColumn("fields", label=_("Fields that differ")),
        "client",
        "received_at",
    ]
    search_fields = ["external_id"]
    search_backend_name = None
    list_per_page = 50

    def get_queryset(self, request):
        return sale_event_conflict_list()


# Sale events are append-only: a refund is its own event, never an edit. Conflicts
# are what the senders said; they are looked at, not edited either.
register_permission_policy(SaleEvent, ReadOnlyPermissionPolicy(SaleEvent))
register_permission_policy(
    SaleEventConflict, ReadOnlyPermissionPolicy(SaleEventConflict)
)
register_snippet(SaleEventViewSet)
register_snippet(SaleEventConflictViewSet)
