from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from comptoir.permissions import ReadOnlyPermissionPolicy
from comptoir.templatetags.comptoir_tags import money

from .models import SaleEvent
from .selectors import sale_event_list


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


# Sale events are append-only: a refund is its own event, never an edit.
register_permission_policy(SaleEvent, ReadOnlyPermissionPolicy(SaleEvent))
register_snippet(SaleEventViewSet)
