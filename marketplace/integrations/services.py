"""Writes to API clients: create, revoke, record use. One transaction each."""

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.catalog.models import Product, StockLevel, Store
from marketplace.catalog.services import product_upsert, stock_level_set

from .models import ApiClient, scopes_parse, token_hash
from .rows import BulkResult, ProductRow, StockRow, rows_validate

TOKEN_PREFIX_LENGTH = 8


@transaction.atomic
def api_client_create(*, name: str, scopes: str | list[str]) -> tuple[ApiClient, str]:
    """Create a client and its token; returns (client, token).

    The token is returned once and only its hash is stored: whoever loses it makes a
    new client and revokes the old one.
    """
    if isinstance(scopes, str):
        scopes = scopes_parse(scopes)
    client = ApiClient(name=(name or "").strip(), scopes=",".join(scopes))
    token = api_client_token_issue(client=client)
    client.full_clean()
    client.save()
    return client, token


def api_client_token_issue(*, client: ApiClient) -> str:
    """Give an unsaved client a new token; returns the token, which is not kept.

    32 random bytes (256 bits) from `secrets`; the client keeps its SHA-256 and the
    first characters, which tell tokens apart in lists without revealing them.
    """
    token = secrets.token_urlsafe(32)
    client.token_prefix = token[:TOKEN_PREFIX_LENGTH]
    client.token_hash = token_hash(token)
    return token


@transaction.atomic
def api_client_revoke(*, client: ApiClient) -> ApiClient:
    """Revoke a client: its token stops working at once, its history is kept.

    Revoking twice keeps the first date.
    """
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
    return client


def api_client_authenticate(*, token: str) -> ApiClient | None:
    """The live (not revoked) client owning this token, or None.

    Records when it was last used, at most once a minute, so a busy client does not
    write on every call.
    """
    if not token or len(token) > 200:
        return None
    client = (
        ApiClient.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .only("id", "name", "scopes", "revoked_at", "last_used_at")
        .first()
    )
    if client is None:
        return None
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


# --- Catalog pushes ---------------------------------------------------------------
# Each row goes through the catalog's own services, inside one transaction for the
# batch and a savepoint per row, so a refused row leaves the others in place.


def _product_state(
    *, name: str, price_cents: int, description: str, active: bool, tags: set[str]
) -> tuple:
    return (name, price_cents, description, active, frozenset(tags))


@transaction.atomic
def products_bulk_upsert(*, rows: list[Any]) -> BulkResult:
    """Create or update products by SKU; returns counts and per-row errors.

    A row whose product already has exactly these values counts as a duplicate and
    writes nothing. A missing `tags` leaves the product's tags alone; missing
    `description` and `active` take their defaults ("" and true). Later rows of the
    batch win over earlier ones with the same SKU.
    """
    result = BulkResult(key="sku")
    valid = rows_validate(rows, ProductRow, result)
    skus = {row.sku for _, row in valid}
    states: dict[str, tuple] = {
        product.sku: _product_state(
            name=product.name,
            price_cents=product.price_cents,
            description=product.description,
            active=product.active,
            tags={tag.name for tag in product.tags.all()},
        )
        for product in Product.objects.filter(sku__in=skus).prefetch_related("tags")
    }
    for index, row in valid:
        current = states.get(row.sku)
        tags = (
            {t for t in row.tags if t}
            if row.tags is not None
            else (set(current[4]) if current else set())
        )
        wanted = _product_state(
            name=row.name,
            price_cents=row.price_cents,
            description=row.description,
            active=row.active,
            tags=tags,
        )
        if current == wanted:
            result.duplicates += 1
            continue
        try:
            _product, created = product_upsert(
                sku=row.sku,
                name=row.name,
                price_cents=row.price_cents,
                description=row.description,
                tags=row.tags,
                active=row.active,
            )
        except ValidationError as exc:
            result.add_error(index, rows[index], _error_dict(exc))
            continue
        except IntegrityError:
            result.add_error(
                index, rows[index], {"sku": "Could not be saved; try again."}
            )
            continue
        states[row.sku] = wanted
        if created:
            result.created += 1
        else:
            result.updated += 1
    return result


@transaction.atomic
def stock_levels_bulk_set(*, rows: list[Any]) -> BulkResult:
    """Set stock per product and store; returns counts and per-row errors.

    Rows name the product by SKU and the store by code; unknown ones are row errors.
    A row giving the quantity already held is a duplicate and tells no page. Open
    product pages hear of each change once the batch has committed.
    """
    result = BulkResult(key="sku")
    valid = rows_validate(rows, StockRow, result)
    products = {
        p.sku: p
        for p in Product.objects.filter(sku__in={r.sku for _, r in valid}).only(
            "id", "sku"
        )
    }
    stores = {
        s.code: s
        for s in Store.objects.filter(code__in={r.store for _, r in valid}).only(
            "id", "code"
        )
    }
    held = {
        (product_id, store_id): quantity
        for product_id, store_id, quantity in StockLevel.objects.filter(
            product__in=products.values(), store__in=stores.values()
        ).values_list("product_id", "store_id", "quantity")
    }
    for index, row in valid:
        product, store = products.get(row.sku), stores.get(row.store)
        errors = {}
        if product is None:
            errors["sku"] = "Unknown SKU."
        if store is None:
            errors["store"] = "Unknown store code."
        if errors:
            result.add_error(index, rows[index], errors)
            continue
        key = (product.pk, store.pk)
        current = held.get(key)
        if current == row.quantity:
            result.duplicates += 1
            continue
        try:
            stock_level_set(product=product, store=store, quantity=row.quantity)
        except ValidationError as exc:
            result.add_error(index, rows[index], _error_dict(exc))
            continue
        held[key] = row.quantity
        if current is None:
            result.created += 1
        else:
            result.updated += 1
    return result


def _error_dict(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {field: " ".join(msgs) for field, msgs in exc.message_dict.items()}
    return {"row": " ".join(exc.messages)}
