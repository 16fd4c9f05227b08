"""Template helpers of resale's conversations (the moderation queue's preview)."""

from django import template

from marketplace.resale import conversations

register = template.Library()


@register.simple_tag
def reported_message_context(message):
    """The messages around a reported message, or None if nobody reported it."""
    if message is None:
        return None
    return conversations.reported_message_context(message)
