"""Template helpers for moderated content: previews, report links, content types."""

from urllib.parse import quote

from django import template
from django.contrib.contenttypes.models import ContentType
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

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


# The report box's HTML, built without the template engine: a page lists one
# per review, post or comment, and a template render each cost a millisecond.
_REPORT_LINK = (
    '\n<p class="report-link"><a href="{}?next={}" rel="nofollow">{}</a></p>\n'
)
_REPORT_BOX = (
    '\n<details class="report-box">\n'
    "  <summary>{report}</summary>\n"
    '  <form class="account-form report-form" method="post" action="{{action}}">\n'
    "    {csrf}\n"
    '    <input type="hidden" name="next" value="{{next}}">\n'
    '    <fieldset class="field report-reasons">\n'
    "      <legend>{wrong}</legend>\n"
    "      {reasons}\n"
    "    </fieldset>\n"
    '    <div class="field">\n'
    '      <label for="{{prefix}}-note">{details}</label>\n'
    '      <textarea name="note" id="{{prefix}}-note" rows="2" maxlength="1000">'
    "</textarea>\n"
    "    </div>\n"
    '    <button type="submit" class="button-secondary">{send}</button>\n'
    "  </form>\n"
    "</details>\n"
)
_REPORT_REASON = (
    "\n        "
    '<div class="field-choice"><input type="radio" name="reason" value="{0}"'
    ' id="{{prefix}}-{0}" required> <label for="{{prefix}}-{0}">{1}</label></div>'
    "\n      "
)


def _braces_kept(html: str) -> str:
    """Escaped HTML made safe to pass through str.format a second time."""
    return html.replace("{", "{{").replace("}", "}}")


def _report_box_shell(context, moderated_type) -> str:
    """The report box of one kind of content, all but its action, `next` and
    ids (`{action}`, `{next}`, `{prefix}`, to fill with escaped text): the
    same for every item of the kind on a page, so built once per request,
    kind and language."""
    request = context.get("request")
    key = (moderated_type.model, get_language())
    shells = getattr(request, "_report_box_shells", None)
    if shells is not None and key in shells:
        return shells[key]
    reasons = "".join(
        _REPORT_REASON.format(
            _braces_kept(escape(value)), _braces_kept(conditional_escape(label))
        )
        for value, label in moderated_type.report_choices()
    )
    shell = _REPORT_BOX.format(
        report=_braces_kept(escape(gettext("Report"))),
        csrf=_braces_kept(CsrfTokenNode().render(context)),
        wrong=_braces_kept(escape(gettext("What is wrong?"))),
        reasons=reasons,
        details=_braces_kept(escape(gettext("Details (optional)"))),
        send=_braces_kept(escape(gettext("Send the report"))),
    )
    if request is not None:
        if shells is None:
            shells = request._report_box_shells = {}
        shells[key] = shell
    return shell


@register.simple_tag(takes_context=True)
def report_box(context, content) -> SafeString:
    """The report box of `content` (moderation/report_button.html): a
    disclosure with the report form for a member, a link to log in for a
    visitor, nothing for its author or for an unpublished item.

    The author is compared by id (the author field's column), so the author
    row need not be read.
    """
    if not content or not content.is_published:
        return mark_safe("")
    action = report_url(content)
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return format_html(
            _REPORT_LINK,
            reverse("account_login"),
            quote(action, safe="/"),
            gettext("Report"),
        )
    moderated_type = moderated_type_of(content)
    author_column = content._meta.get_field(moderated_type.author_field).attname
    if user.pk == getattr(content, author_column):
        return mark_safe("")
    request = context.get("request")
    path = request.get_full_path() if request is not None else ""
    # Every piece of the shell is escaped already; these three are escaped here.
    return mark_safe(  # noqa: S308
        _report_box_shell(context, moderated_type).format(
            action=escape(action),
            next=escape(path + page_anchor(content)),
            prefix=escape(f"report-{content_type_id(content)}-{content.pk}"),
        )
    )


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
