from wagtail.users.views.users import UserViewSet

from .forms import MemberUserCreationForm, MemberUserEditForm


class MemberUserViewSet(UserViewSet):
    """Wagtail's users admin, editing the members' public fields too."""

    def get_form_class(self, for_update=False):
        return MemberUserEditForm if for_update else MemberUserCreationForm
