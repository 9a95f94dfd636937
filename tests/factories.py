"""factory_boy factories for the suite: users, catalogue, companies."""

from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from shop.companies.models import Company, CompanyMember

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ProductClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductClass
        django_get_or_create = ("name",)

    name = "Industrial part"
    track_stock = True
    requires_shipping = True


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("name",)

    name = "Test warehouse"


def category_create(name: str, parent=None):
    """Create a category (treebeard needs add_root/add_child, not a plain save)."""
    if parent is None:
        return Category.add_root(name=name)
    return parent.add_child(name=name)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Deep groove ball bearing 62{n:02d}-2RS")
    upc = factory.Sequence(lambda n: f"TST-{n:06d}")
    product_class = factory.SubFactory(ProductClassFactory)
    structure = "standalone"
    is_public = True

    @factory.post_generation
    def stock(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        StockRecord.objects.create(
            product=obj,
            partner=PartnerFactory(),
            partner_sku=obj.upc,
            price_currency="EUR",
            price=kwargs.get("price", Decimal("12.50")),
            num_in_stock=kwargs.get("num_in_stock", 100),
        )

    @factory.post_generation
    def category(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            ProductCategory.objects.create(product=obj, category=extracted)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"Client Company {n} GmbH")
    slug = factory.Sequence(lambda n: f"client-{n}")
    status = Company.Status.ACTIVE
    # On account: until card payment exists, checkout refuses card-only companies.
    payment_terms = Company.PaymentTerms.NET_30
    # Checkout on account is authorised against the credit line: room for the suite's orders.
    credit_limit = Decimal("100000.00")


class CompanyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyMember

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = CompanyMember.Role.BUYER
