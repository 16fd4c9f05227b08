"""Ideas' pages in the page cache (comptoir/page_cache.py) and their tags.

- `IDEAS`: every list of ideas (/ideas/, its filters, how-it-works figures);
- `idea_tag(id)`: one idea's page (state, supporters, discussion, originators);
- a launched idea's product page carries the catalog's `product_tag(id)`, as the
  "Born from an idea" panel shows there.

Registered in `wagtail_hooks.py`; the ideas services call `idea_pages_forget`.
"""

from __future__ import annotations

from comptoir.page_cache import page_cache_invalidate
from marketplace.catalog.cached_pages import product_tag

IDEAS = "ideas"


def idea_tag(idea_id: int) -> str:
    return f"idea:{idea_id}"


def idea_pages_forget(idea) -> None:
    """Forget the cached pages that show this idea, once the transaction commits."""
    tags = {IDEAS, idea_tag(idea.pk)}
    if idea.product_id:
        tags.add(product_tag(idea.product_id))
    page_cache_invalidate(*tags)


def _rules_changed(sender, instance, **kwargs) -> None:
    # Stages, budget and texts show on every idea page, list and how-it-works,
    # all tagged IDEAS, whether saved by Settings › Product ideas or the board.
    page_cache_invalidate(IDEAS)


def rules_signals_connect() -> None:
    """Forget the ideas' cached pages whenever their rules are saved."""
    from django.db.models.signals import post_save

    from .models import IdeasSettings

    post_save.connect(
        _rules_changed, sender=IdeasSettings, dispatch_uid="ideas-rules-changed"
    )
