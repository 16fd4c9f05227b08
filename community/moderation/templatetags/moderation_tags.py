"""Template helpers for moderated content: previews, report links, content types."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.urls import reverse

from community.moderation.models import ModerationStatus
from community.moderation.registry import (
    moderated_type_for,
    moderated_type_of,
    rejection_reason_choices,
)

register = template.Library()


@register.filter
def content_type_id(content) -> int:
    """The content type id of a model instance (cached, no query after the first)."""
    return ContentType.objects.get_for_model(content).pk


@register.simple_tag
def report_url(content) -> str:
    """Where a member posts a report on this content."""
    return reverse("moderation:report", args=[content_type_id(content), content.pk])


@register.filter
def page_anchor(content) -> str:
    """The `#…` of this item on the page showing it ("#review-12"), or "" when the
    type names none: a report's redirect returns there, and the focus with it."""
    anchor = getattr(content, "page_anchor", "")
    return f"#{anchor}" if anchor else ""


@register.simple_tag
def moderation_history_url(content) -> str:
    """The admin page with this item's moderation history."""
    return reverse(
        "moderation_admin:item_history", args=[content_type_id(content), content.pk]
    )


@register.simple_tag(takes_context=True)
def moderation_preview(context, content) -> str:
    """The content's own preview for the queue, or its text if it has none."""
    if content is None:
        return ""
    moderated_type = moderated_type_for(content)
    template_name = moderated_type.preview_template if moderated_type else ""
    if template_name:
        try:
            return render_to_string(
                template_name,
                {"content": content},
                request=context.get("request"),
            )
        except template.TemplateDoesNotExist:
            pass
    return template.defaultfilters.linebreaks_filter(str(content))


@register.simple_tag
def report_reasons(content):
    """The reasons a member may pick when reporting this content."""
    return moderated_type_of(content).report_choices()


@register.simple_tag
def rejection_reasons(content=None):
    """The reasons a moderator may give when rejecting this content (any
    registered type's without one)."""
    moderated_type = moderated_type_for(content) if content is not None else None
    if moderated_type is None:
        return rejection_reason_choices()
    return moderated_type.rejection_choices()


@register.filter
def content_type_label(content) -> str:
    """The kind of a content item, capitalised ("Review")."""
    return str(content._meta.verbose_name).capitalize()


@register.filter
def status_label(value: str) -> str:
    """The readable name of a moderation status code kept in the audit trail."""
    try:
        return ModerationStatus(value).label
    except ValueError:
        return value
