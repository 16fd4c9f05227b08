"""Apps told of recorded sales (sales/listeners.py): once per event, in the
recording transaction."""

import pytest
from wagtail import hooks

from marketplace.sales.listeners import SALES_LISTENER_HOOK, SalesListener
from marketplace.sales.services import sale_events_ingest

from .test_sale_events_ingest import event

pytestmark = pytest.mark.django_db

heard: list[list[str]] = []


class Recorder(SalesListener):
    name = "recorder"

    def sales_recorded(self, events):
        heard.append(sorted(events.values_list("external_id", flat=True)))


class Refuser(SalesListener):
    name = "refuser"

    def sales_recorded(self, events):
        raise RuntimeError("the listener's own store is down")


@pytest.fixture(autouse=True)
def _fresh():
    heard.clear()


def test_listeners_hear_each_event_once_even_when_resent(product, store):
    with hooks.register_temporarily(SALES_LISTENER_HOOK, Recorder):
        sale_events_ingest(client=None, rows=[event("L1"), event("L2")])
        # L1 again is a duplicate: only L3 is new.
        sale_events_ingest(client=None, rows=[event("L1"), event("L3")])
        # Nothing new at all: no call.
        sale_events_ingest(client=None, rows=[event("L3")])
    assert heard == [["L1", "L2"], ["L3"]]


def test_a_failing_listener_records_nothing_so_the_sender_can_retry(product, store):
    from marketplace.sales.models import SaleEvent

    with hooks.register_temporarily(SALES_LISTENER_HOOK, Refuser):
        with pytest.raises(RuntimeError):
            sale_events_ingest(client=None, rows=[event("L9")])
    assert not SaleEvent.objects.filter(external_id="L9").exists()
