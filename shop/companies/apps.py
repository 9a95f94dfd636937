from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    """Client companies and their members: the customer in B2B is a company, not a person."""

    name = "shop.companies"
    label = "companies"
    verbose_name = "Companies"
