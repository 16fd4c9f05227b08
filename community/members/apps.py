from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class MembersConfig(AppConfig):
    default = True
    name = "community.members"
    label = "members"
    verbose_name = _("Members")


class MembersUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with the member fields staff need (display name…).

    Listed in INSTALLED_APPS in place of "wagtail.users", as Wagtail documents for
    custom user models.
    """

    default = False
    user_viewset = "community.members.viewsets.MemberUserViewSet"
