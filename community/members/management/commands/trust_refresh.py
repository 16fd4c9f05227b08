"""Promote every member who has earned a trust level since the last run.

Promotions also happen when contributions are approved or voted helpful; this
command catches the rules that only time fulfils (days since joining). Run it
daily; running it again changes nothing.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from community.members.trust import MEMBER, member_trust_refresh


class Command(BaseCommand):
    help = "Promote members to the automatic trust levels (1, 2) they have earned."

    def handle(self, *args, **options):
        members = (
            get_user_model()
            .objects.filter(is_active=True, trust_level__lt=MEMBER)
            .order_by("pk")
        )
        total = members.count()
        promoted = 0
        for done, member in enumerate(members.iterator(chunk_size=500), start=1):
            before = member.trust_level
            if member_trust_refresh(member=member) > before:
                promoted += 1
            if done % 500 == 0 or done == total:
                self.stdout.write(f"{done}/{total} members checked")
        self.stdout.write(
            self.style.SUCCESS(f"{promoted} promoted out of {total} checked.")
        )
