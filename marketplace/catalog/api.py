"""Integration API: the retailer's systems push products and stock per store."""

from django.http import HttpRequest
from ninja import Router, Schema

from marketplace.integrations.auth import ApiTokenAuth
from marketplace.integrations.models import SCOPE_CATALOG_WRITE
from marketplace.integrations.rows import ProductRow, StockRow
from marketplace.integrations.schemas import (
    BULK_RESPONSES,
    bulk_answer,
    rows_limit,
    rows_of,
)
from marketplace.integrations.services import (
    products_bulk_upsert,
    stock_levels_bulk_set,
)

router = Router(tags=["catalog"], auth=ApiTokenAuth(SCOPE_CATALOG_WRITE))


class ProductsBulkIn(Schema):
    products: rows_of(ProductRow)


class StockBulkIn(Schema):
    stock: rows_of(StockRow)


@router.post(
    "/products/bulk",
    response=BULK_RESPONSES,
    exclude_none=True,
    summary="Create or update products by SKU",
)
def products_bulk(request: HttpRequest, payload: ProductsBulkIn):
    """Upsert up to 1,000 products by SKU. Prices are integer cents (1299 = €12.99).

    A missing `tags` leaves the product's tags as they are; a missing `description`
    or `active` takes its default. Bad rows are listed in `errors`, by index; the
    good rows are saved.
    """
    rows_limit(payload.products)
    return bulk_answer(products_bulk_upsert(rows=payload.products))


@router.post(
    "/stock/bulk",
    response=BULK_RESPONSES,
    exclude_none=True,
    summary="Set stock per product and store",
)
def stock_bulk(request: HttpRequest, payload: StockBulkIn):
    """Set the quantity each store holds, for up to 1,000 (SKU, store code) rows.

    Open product pages are updated live. Unknown SKUs or store codes are row errors.
    """
    rows_limit(payload.stock)
    return bulk_answer(stock_levels_bulk_set(rows=payload.stock))
