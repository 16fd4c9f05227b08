"""StreamField blocks editors compose articles with."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3"]
# Renditions used by the templates; prefetched together so a page with many images
# does not look each one up separately.
PRODUCT_CARD_FILTER = "fill-480x360"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Section (h2)")), ("h3", _("Subsection (h3)"))],
        default="h2",
        help_text=_("Use h3 only under an h2, so headings stay in order."),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading_block.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        required=False,
        max_length=250,
        help_text=_(
            "What the image shows, for people who cannot see it. "
            "Leave empty to use the image's own description."
        ),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(
        label=_("attribution"), required=False, max_length=150
    )

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote_block.html"


class ProductChooserBlock(SnippetChooserBlock):
    """Chooses a catalog product; loads every product of a stream in one query."""

    def __init__(self, **kwargs):
        super().__init__("catalog.Product", **kwargs)

    def bulk_to_python(self, values):
        # The stock ChooserBlock uses in_bulk without the image: one query per card
        # for the picture and one per rendition. Here the whole stream costs two.
        image_queryset = get_image_model().objects.prefetch_renditions(
            PRODUCT_CARD_FILTER
        )
        ids = [value for value in values if value is not None]
        products = {
            product.pk: product
            for product in self.target_model.objects.filter(
                pk__in=ids
            ).prefetch_related(Prefetch("image", queryset=image_queryset))
        }
        return [products.get(value) for value in values]

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, (), kwargs


class ProductCardBlock(blocks.StructBlock):
    product = ProductChooserBlock(label=_("product"))
    note = blocks.CharBlock(
        label=_("editor's note"),
        required=False,
        max_length=200,
        help_text=_("Why this product matters for the article (optional)."),
    )

    class Meta:
        icon = "tag"
        label = _("Product card")
        template = "blocks/product_card_block.html"


_absolute_url_validate = URLValidator(schemes=["http", "https"])


def link_validate(value: str) -> None:
    """A button link is a path on this site ("/stores/") or an http(s) URL.

    Paths stay relative so the same article works on any host the site is served
    from; "//host" is refused because browsers read it as another site.
    """
    if value.startswith("/") and not value.startswith("//"):
        return
    try:
        _absolute_url_validate(value)
    except ValidationError:
        raise ValidationError(
            _("Enter a path on this site such as /stores/, or a full https:// address.")
        ) from None


class CallToActionValue(blocks.StructValue):
    def link_url(self) -> str:
        page = self.get("page")
        if page is not None and page.live:
            return page.url or ""
        return self.get("url") or ""


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    button_label = blocks.CharBlock(label=_("button label"), max_length=60)
    page = blocks.PageChooserBlock(
        label=_("page"), required=False, help_text=_("A page of this site…")
    )
    url = blocks.CharBlock(
        label=_("link"),
        required=False,
        max_length=500,
        validators=[link_validate],
        help_text=_("…or an address: /stores/ on this site, or https://… elsewhere."),
    )

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = _("Choose either a page or a URL for the button.")
            raise StructBlockValidationError(
                block_errors={"page": ValidationError(message)}
            )
        return value

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "blocks/call_to_action_block.html"
        value_class = CallToActionValue


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"),
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="blocks/paragraph_block.html",
    )
    image = ImageBlock()
    quote = QuoteBlock()
    product_card = ProductCardBlock()
    call_to_action = CallToActionBlock()
