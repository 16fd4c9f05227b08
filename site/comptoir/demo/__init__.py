"""Demo content for `make run`: a French garden and DIY retailer, loaded once.

`demo_load` runs each step in order. Every step creates only what is missing, and
the demo admin is created last, so its presence means a complete earlier run.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from comptoir.progress import Progress

from .articles import articles_build, home_build
from .forum import forum_build
from .ideas import ideas_build
from .members import ADMIN_EMAIL, admin_build, members_build
from .moderation import moderation_build
from .products import products_build, stock_build
from .resale import resale_build
from .reservations import reservations_build
from .reviews import reviews_build
from .rewards import rewards_build
from .sales import sales_build
from .search import search_index_deferred
from .stores import stores_build
from .trust import trust_build

DEFAULT_SALES = 2000


def demo_loaded() -> bool:
    """True when an earlier run went all the way through."""
    return get_user_model().objects.filter(email=ADMIN_EMAIL).exists()


def demo_load(*, progress: Progress, sales: int = DEFAULT_SALES) -> bool:
    """Load the demo content; returns False, changing nothing, if it is there."""
    if demo_loaded():
        return False
    with transaction.atomic(), search_index_deferred():
        stores = stores_build(progress=progress)
        products = products_build(progress=progress)
        stock_build(products=products, stores=stores, progress=progress)
        members_build(stores=stores, progress=progress)
        trust_build(progress=progress)
        articles = articles_build(progress=progress)
        home_build(articles=articles, progress=progress)
        sales_build(count=sales, progress=progress)
        reviews_build(progress=progress)
        moderation_build(progress=progress)
        # After the reviews (an idea comes from one), before the rewards close
        # (the launched idea's originators are paid for its sales).
        ideas_build(progress=progress)
        rewards_build(progress=progress)
        reservations_build(progress=progress)
        # After the sales (verified owners), trust levels and reviews (staff).
        forum_build(progress=progress)
        # After the reservations (the desks' staff) and the rewards (wallets).
        resale_build(progress=progress)
        admin_build(progress=progress)
    return True
