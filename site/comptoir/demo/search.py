"""Search indexing in one pass at the end, instead of once per save."""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models.signals import post_save
from modelsearch import index
from modelsearch.backends import get_search_backends
from modelsearch.signal_handlers import post_save_signal_handler


@contextmanager
def search_index_deferred() -> Iterator[None]:
    """Index every object saved inside the block once, in bulk, when it ends.

    The demo saves a product up to three times and a page at each revision; indexing
    each save would take most of the demo's time. Deletes still go through at once.
    """
    models = [
        model
        for model in index.get_indexed_models()
        if getattr(model, "search_auto_update", True)
    ]
    saved: dict[type, set] = defaultdict(set)

    def remember(sender, instance, raw=False, **kwargs):
        if not raw:
            saved[sender].add(instance.pk)

    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_save.connect(remember, sender=model, weak=False)
    try:
        yield
    finally:
        for model in models:
            post_save.disconnect(remember, sender=model)
            post_save.connect(post_save_signal_handler, sender=model)
    for model, pks in saved.items():
        objects = [
            indexed
            for instance in model.get_indexed_objects().filter(pk__in=pks)
            if (indexed := index.get_indexed_instance(instance, check_exists=False))
        ]
        by_model: dict[type, list] = defaultdict(list)
        for indexed in objects:
            by_model[type(indexed)].append(indexed)
        for indexed_model, items in by_model.items():
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(indexed_model, items)
