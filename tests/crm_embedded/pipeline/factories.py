"""Factories and helpers of the pipeline room's tests."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from crm_embedded.pipeline.models import Opportunity, Stage
from shop.companies.selectors import ACCOUNT_MANAGERS_GROUP, SALES_MANAGERS_GROUP
from tests.factories import CompanyFactory, UserFactory


def account_manager(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=ACCOUNT_MANAGERS_GROUP)[0])
    return user


def sales_manager(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=SALES_MANAGERS_GROUP)[0])
    return user


def stage(name: str) -> Stage:
    """One of the stages the data migration seeds."""
    return Stage.objects.get(name=name)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Deal {n}")
    amount = Decimal("1000.00")
    stage = factory.LazyFunction(lambda: Stage.objects.get(name="Qualification"))
    probability = factory.LazyAttribute(lambda o: o.stage.probability)
    owner = factory.LazyAttribute(lambda o: o.company.account_manager)
