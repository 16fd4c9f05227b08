"""What moderation holds about a member, for the member-data export and erasure.

Erasure policy — the moderation trail is kept:
- the reports the member made stay, tied to the anonymised account, so the items
  they hid stay hidden and counts stay true; the details the member typed go, as
  they may say anything about the reporter;
- decisions about the member's content or account, and their suspensions, stay
  as they are: they are the record of what moderators did and why.
"""

from __future__ import annotations

from typing import Any

from .models import ModerationDecision, Report, Suspension


def moderation_export(member) -> dict[str, list[dict[str, Any]]]:
    """Reports the member made, decisions about them and their suspensions."""
    reports = (
        Report.objects.filter(reporter=member)
        .select_related("content_type")
        .order_by("created_at", "id")
    )
    decisions = (
        ModerationDecision.objects.filter(author=member)
        .select_related("content_type")
        .order_by("decided_at", "id")
    )
    suspensions = Suspension.objects.filter(member=member).order_by("created_at", "id")
    return {
        "reports_made": [
            {
                "content": _content_name(report.content_type, report.object_id),
                "reason": report.reason,
                "details": report.note,
                "reported_at": report.created_at,
            }
            for report in reports
        ],
        "decisions_about_me": [
            {
                "content": _content_name(decision.content_type, decision.object_id),
                "action": decision.action,
                "reason": decision.reason,
                "note": decision.note,
                "status_before": decision.status_before,
                "status_after": decision.status_after,
                "decided_at": decision.decided_at,
            }
            for decision in decisions
        ],
        "suspensions": [
            {
                "until": suspension.until,
                "reason": suspension.reason,
                "created_at": suspension.created_at,
                "lifted_at": suspension.lifted_at,
            }
            for suspension in suspensions
        ],
    }


def _content_name(content_type, object_id) -> str | None:
    if content_type is None:
        return None
    return f"{content_type.app_label}.{content_type.model}#{object_id}"


def moderation_erase(member) -> int:
    """Blank the details of the member's reports; returns how many changed."""
    return Report.objects.filter(reporter=member).exclude(note="").update(note="")
