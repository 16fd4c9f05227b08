"""Flags close a topic, whichever page they come from.

Members flag forum content through the forum's `post_report` or through
moderation's own report page (/report/<type>/<id>/); both write a moderation
`Report`. Moderation has no plug-in point for "a report was made" (only for its
decisions), so the forum listens for new reports on topics and posts, inside
the reporting transaction, and closes a topic whose flags reach
`ForumSettings.flags_to_close_topic` (services.flags_close_check).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from community.moderation.models import Report


@receiver(post_save, sender=Report, dispatch_uid="forum_flags_close_topic")
def forum_report_made(sender, instance: Report, created: bool, **kwargs):
    if not created:
        return
    from .models import Post, Topic
    from .services import flags_close_check

    model = instance.content_type.model_class()
    if model is Topic:
        topic_id = instance.object_id
    elif model is Post:
        topic_id = (
            Post.objects.filter(pk=instance.object_id)
            .values_list("topic_id", flat=True)
            .first()
        )
    else:
        return
    if topic_id:
        flags_close_check(topic_id=topic_id)
