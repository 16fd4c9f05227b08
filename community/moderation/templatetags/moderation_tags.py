"""Template helpers for moderated content: previews, report links, content types."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.urls import reverse

from community.moderation.models import ModerationStatus, ReportReason

register = template.Library()


@register.filter
def content_type_id(content) -> int:
    """The content type id of a model instance (cached, no query after the first)."""
    return ContentType.objects.get_for_model(content).pk


@register.simple_tag
def report_url(content) -> str:
    """Where a member posts a report on this content."""
    return reverse("moderation:report", args=[content_type_id(content), content.pk])


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
    template_name = getattr(content, "moderation_preview_template", "")
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
def report_reasons():
    """The reasons a member may pick when reporting."""
    return ReportReason.choices


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
