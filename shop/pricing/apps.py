from django.apps import AppConfig


class PricingConfig(AppConfig):
    """Negotiated prices: price lists per company or customer group, tiers, quantity rules."""

    name = "shop.pricing"
    label = "pricing"
    verbose_name = "Pricing"
