from django.apps import AppConfig


class ShopConfig(AppConfig):
    """The B2B storefront core: templates, selectors and services shared by the forks."""

    name = "shop"
    label = "shop"
    verbose_name = "Shop"
