from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    # Ahead of the product pages: "choices" would read as a product's slug.
    path("products/choices/", views.product_choices, name="product_choices"),
    path("products/<slug:slug>/", views.product_detail, name="product_detail"),
    # Short links printed as QR codes on shelf labels. Retailers' SKUs may hold a
    # slash ("JAR/0042"), hence `path`; the QR pattern comes first to win.
    path("p/<path:sku>/qr.svg", views.product_qr, name="product_qr"),
    path("p/<path:sku>/", views.product_short, name="product_short"),
    path("stores/", views.store_list, name="store_list"),
    path("stores/<slug:code>/", views.store_detail, name="store_detail"),
]
