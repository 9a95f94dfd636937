"""Factories of the tasks room's tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from crm_embedded.pipeline.models import Opportunity, Stage
from crm_embedded.quotes.models import Quote
from crm_embedded.quotes.states import State
from crm_embedded.tasks.models import Task
from tests.factories import CompanyFactory, UserFactory


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Call back about order {n}")
    source = Task.Source.MANUAL
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))


def quote_make(*, company, number: str | None = None) -> Quote:
    return Quote.objects.create(
        number=number or f"Q-T{Quote.objects.count() + 1}",
        company=company,
        requested_by=UserFactory(),
        account_manager=company.account_manager,
        state=State.REQUESTED,
    )


def opportunity_make(*, company, owner, name: str = "Fleet brake pads") -> Opportunity:
    stage = Stage.objects.filter(kind=Stage.Kind.OPEN).first() or Stage.objects.create(
        name="Qualification", probability=10
    )
    return Opportunity.objects.create(company=company, name=name, stage=stage, owner=owner)


__all__ = ["CompanyFactory", "TaskFactory", "UserFactory", "opportunity_make", "quote_make"]
