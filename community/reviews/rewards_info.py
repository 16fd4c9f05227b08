"""What the transparency page says about rewards, read from the live programme."""

from __future__ import annotations

from rewards.selectors import programme_in_force


def rewards_summary() -> dict:
    """The programme version in force today: reviewer pool rate and its rules.

    With no version saved, the programme's defaults apply (an unsaved version).
    """
    programme = programme_in_force()
    rate_bp = programme.reviewer_pool_rate_bp
    return {
        "reviewer_pool_percent": f"{rate_bp / 100:g}",
        "verified_only": programme.verified_only,
        "min_quality": f"{programme.min_quality / 10_000:.2f}",
        "hold_days": programme.hold_days,
    }
