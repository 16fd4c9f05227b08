"""Editorial pages: the home page, the article index and the articles themselves."""

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import ArticleBodyBlock
from .routing import CachedRouteMixin

ARTICLES_PER_PAGE = 10


class HomePage(CachedRouteMixin, Page):
    """The site's root: an introduction, what editors feature, the latest articles."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("A few words welcoming visitors, shown at the top."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [InlinePanel("featured_articles", label=_("Article"))],
            heading=_("Featured articles"),
        ),
        MultiFieldPanel(
            [InlinePanel("featured_products", label=_("Product"))],
            heading=_("Featured products"),
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["editorial.ArticleIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from . import selectors
        from .cached_pages import home_page_tags

        context = super().get_context(request, *args, **kwargs)
        # The page's content is kept as HTML under its page-cache tags
        # (templates/editorial/home_page.html): only building it reads these.
        context["fragment_tags"] = home_page_tags(self)
        featured = SimpleLazyObject(lambda: selectors.home_featured_articles(home=self))
        context["featured_articles"] = featured
        context["featured_products"] = SimpleLazyObject(
            lambda: selectors.home_featured_products(home=self)
        )
        context["latest_articles"] = SimpleLazyObject(
            lambda: selectors.articles_latest(
                limit=6, exclude_ids=[article.pk for article in featured]
            )
        )
        context["article_index"] = SimpleLazyObject(
            lambda: selectors.article_index_for(home=self)
        )
        return context


class HomeFeaturedArticle(Orderable):
    page = ParentalKey(
        HomePage, on_delete=models.CASCADE, related_name="featured_articles"
    )
    article = models.ForeignKey(
        "editorial.ArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured article")
        verbose_name_plural = _("featured articles")


class HomeFeaturedProduct(Orderable):
    page = ParentalKey(
        HomePage, on_delete=models.CASCADE, related_name="featured_products"
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Inactive products are left out automatically."),
    )

    panels = [FieldPanel("product")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured product")
        verbose_name_plural = _("featured products")


class ArticleIndexPage(RoutablePageMixin, Page):
    """Lists its articles newest first, by tag if asked, with an RSS feed."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["editorial.HomePage"]
    subpage_types = ["editorial.ArticlePage"]

    class Meta:
        verbose_name = _("article index")

    @path("")
    def article_list(self, request):
        from . import selectors

        tag_slug = request.GET.get("tag", "").strip()[:100]
        active_tag = selectors.tag_by_slug(slug=tag_slug) if tag_slug else None
        articles = selectors.articles_in_index(index_page=self, tag_slug=tag_slug)
        page_obj = Paginator(articles, ARTICLES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        return self.render(
            request,
            context_overrides={
                "articles": page_obj,
                "page_obj": page_obj,
                "tag_slug": tag_slug,
                "active_tag": active_tag,
                "tags": selectors.tags_in_index(index_page=self),
            },
        )

    @path("feed/")
    def feed(self, request):
        from .feeds import ArticleFeed

        return ArticleFeed(index_page=self)(request)


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "editorial.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(Page):
    """An editorial article: a cover, an introduction and a body of blocks."""

    date = models.DateField(
        _("date"),
        default=timezone.localdate,
        help_text=_("Shown on the article and used to order the list."),
    )
    author_name = models.CharField(_("author"), max_length=120, blank=True)
    intro = models.TextField(
        _("introduction"),
        max_length=600,
        help_text=_("One or two sentences, shown in lists and in the RSS feed."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(_("tags"), through=ArticlePageTag, blank=True)

    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("author_name"),
        index.FilterField("date"),
    ]

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("author_name"), FieldPanel("tags")],
            heading=_("About this article"),
        ),
        FieldPanel("intro"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
    ]

    parent_page_types = ["editorial.ArticleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def get_context(self, request, *args, **kwargs):
        from .cached_pages import article_page_tags

        context = super().get_context(request, *args, **kwargs)
        # The head's meta and the article are kept as HTML under its page-cache
        # tags (templates/editorial/article_page.html): only building them reads
        # the tags and the share image.
        context["fragment_tags"] = article_page_tags(self)
        context["tags"] = SimpleLazyObject(lambda: list(self.tags.all()))
        # Share links must work off-site, so they carry scheme and host.
        context["absolute_url"] = request.build_absolute_uri(self.get_url(request))
        share_image = SimpleLazyObject(
            lambda: (
                self.cover_image.get_rendition("fill-1200x630")
                if self.cover_image_id
                else None
            )
        )
        context["share_image"] = share_image
        context["share_image_url"] = SimpleLazyObject(
            lambda: request.build_absolute_uri(share_image.url)
        )
        return context

    @property
    def description(self) -> str:
        """What search engines, social networks and the feed show about it."""
        return self.search_description or self.intro
