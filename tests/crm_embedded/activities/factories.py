"""Factories of the activities room's tests."""

import factory
from django.contrib.auth.models import Group

from crm_embedded.activities.models import Activity, ActivityComment
from crm_embedded.contacts.models import Contact
from crm_embedded.pipeline.models import Opportunity, Stage
from tests.factories import CompanyFactory, UserFactory


def staff_user(group: str, **kwargs):
    """A user in the "Account managers" or "Sales managers" group."""
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    first_name = "Jonas"
    last_name = factory.Sequence(lambda n: f"Weber{n}")
    role = "Workshop lead"


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Brake pads framework {n}")
    stage = factory.LazyFunction(
        lambda: Stage.objects.get_or_create(name="Qualification", defaults={"probability": 10})[0]
    )
    owner = factory.LazyAttribute(lambda o: o.company.account_manager)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    company = factory.SubFactory(CompanyFactory)
    author = factory.LazyAttribute(lambda o: o.company.account_manager)
    kind = Activity.Kind.CALL
    subject = factory.Sequence(lambda n: f"Call {n}")


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityComment

    activity = factory.SubFactory(ActivityFactory)
    author = factory.LazyAttribute(lambda o: o.activity.author)
    body = "Noted."
