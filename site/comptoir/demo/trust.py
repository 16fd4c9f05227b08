"""Demo members at every trust level, and a few notifications to read."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from community.members.trust import trust_level_label
from community.notifications.models import Notification
from comptoir.progress import Progress

from .members import MEMBERS, member_email

# Display name → level. Those not listed stay at 0 · New.
TRUST_LEVELS = {
    "Camille du potager": 4,
    "Gabriel l'électro": 4,
    "Léa bricole": 3,
    "Chloé et ses roses": 3,
    "Noah plombier": 3,
    "Jules Moreau": 2,
    "Arthur au jardin": 2,
    "Emma Morel": 2,
    "Louise verte": 2,
    "Alice V.": 2,
    "Hugo Thomas": 1,
    "Manon P.": 1,
    "Raphaël M.": 1,
    "Victor Dupont": 1,
    "Étienne B.": 1,
}

PROMOTED_BODY = {
    1: "Merci pour vos contributions. Vous pouvez désormais mettre des liens dans "
    "vos textes, et les limites des nouveaux membres ne s'appliquent plus.",
    2: "Vos contributions ont aidé d'autres membres. Ce que vous publiez "
    "paraît désormais tout de suite, sans attendre un modérateur.",
    3: "L'équipe Comptoir vous a nommé membre régulier : vos signalements "
    "masquent aussitôt les contenus douteux des nouveaux membres.",
    4: "L'équipe Comptoir vous a nommé pilier de la communauté. Merci de "
    "l'animer avec nous !",
}


def trust_build(*, progress: Progress) -> None:
    """Set the demo members' trust levels and tell them, some already read."""
    User = get_user_model()
    emails = {display: member_email(first, last) for first, last, display, _ in MEMBERS}
    members = {
        member.email: member
        for member in User.objects.filter(email__in=emails.values())
    }
    now = timezone.now()
    step = progress.step("Trust", len(TRUST_LEVELS))
    notifications = []
    for index, (display, level) in enumerate(TRUST_LEVELS.items()):
        member = members.get(emails[display])
        step.advance()
        if member is None or member.trust_level == level:
            continue
        member.trust_level = level
        member.save(update_fields=["trust_level"])
        created = now - dt.timedelta(days=2 + index * 3)
        notifications.append(
            Notification(
                recipient=member,
                kind="trust_promoted" if level <= 2 else "trust_granted",
                title=f"Vous êtes maintenant au niveau de confiance "
                f"{trust_level_label(level)}",
                body=PROMOTED_BODY[level],
                url="/me/",
                created_at=created,
                # Every other member has already seen it: the header shows both.
                read_at=None if index % 2 == 0 else created + dt.timedelta(hours=5),
            )
        )
    Notification.objects.bulk_create(notifications)
    step.done()
