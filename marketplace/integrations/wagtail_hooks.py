from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from .forms import ApiClientAdminForm
from .models import ApiClient


class NoDeletePermissionPolicy(ModelPermissionPolicy):
    """Clients are revoked, never deleted: the sales they sent point to them."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ApiClientCreateView(CreateView):
    def get_success_message(self, instance):
        return format_html(
            "{} <code>{}</code>",
            _("API client %(name)s created. Copy its token now, it is shown once:")
            % {"name": instance.name},
            self.form.new_token,
        )


class ApiClientViewSet(SnippetViewSet):
    model = ApiClient
    icon = "key"
    menu_label = _("API clients")
    add_to_admin_menu = False
    add_view_class = ApiClientCreateView
    list_display = [
        "name",
        "token_prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = {"revoked_at": ["isnull"]}
    search_fields = ["name"]
    search_backend_name = None
    panels = [FieldPanel("name"), FieldPanel("scopes"), FieldPanel("revoked")]


ApiClient.base_form_class = ApiClientAdminForm
register_permission_policy(ApiClient, NoDeletePermissionPolicy(ApiClient))
register_snippet(ApiClientViewSet)
