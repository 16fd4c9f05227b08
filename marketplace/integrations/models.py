import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

SCOPE_CATALOG_WRITE = "catalog:write"
SCOPE_SALES_WRITE = "sales:write"
SCOPES = {
    SCOPE_CATALOG_WRITE: _("Push products and stock per store"),
    SCOPE_SALES_WRITE: _("Push sales and refunds"),
}


def token_hash(token: str) -> str:
    """The stored form of a token: its SHA-256, hex.

    Tokens are 256-bit random strings, so a fast unsalted hash is enough: nobody can
    guess a preimage, and the lookup stays one indexed query per request.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def scopes_parse(value: str) -> list[str]:
    """Split "a, b c" into ["a", "b", "c"]; order kept, repeats dropped."""
    seen: list[str] = []
    for part in value.replace(",", " ").split():
        if part not in seen:
            seen.append(part)
    return seen


class ApiClient(models.Model):
    """One of the retailer's systems allowed to call the integration API.

    Only the SHA-256 of its token is kept; the token itself is shown once, when the
    client is created, and cannot be recovered. A revoked client is kept so that the
    sales it sent still say where they came from.
    """

    name = models.SlugField(
        _("name"),
        max_length=60,
        unique=True,
        help_text=_("Short name of the system, e.g. pos-lyon or erp."),
    )
    token_prefix = models.CharField(
        _("token prefix"),
        max_length=12,
        editable=False,
        help_text=_("The first characters of the token, to tell tokens apart."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.CharField(
        _("scopes"),
        max_length=200,
        help_text=_("Separated by commas: catalog:write, sales:write."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name

    @property
    def scope_list(self) -> list[str]:
        return scopes_parse(self.scopes)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scope_list

    def clean(self) -> None:
        from .sections import api_scopes

        known = api_scopes()
        unknown = [s for s in self.scope_list if s not in known]
        if unknown:
            raise ValidationError(
                {
                    "scopes": _("Unknown scope: %(scopes)s. Known: %(known)s.")
                    % {"scopes": ", ".join(unknown), "known": ", ".join(known)}
                }
            )
        if not self.scope_list:
            raise ValidationError({"scopes": _("Give at least one scope.")})
        self.scopes = ",".join(self.scope_list)
