"""The buyer's follow-up links: restore a cart (login, merge, misuse), opt out, the setting."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from crm_embedded.followups.models import FollowUp, FollowUpOptOut, FollowUpRule
from crm_embedded.followups.tokens import opt_out_token_make, restore_token_make
from shop.companies.models import CompanyMember
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    CompanyMemberFactory,
    ProductFactory,
    UserFactory,
)

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(company):
    made = {
        "contract": ProductFactory(title="Oil filter", upc="FLT-0001"),
        "list": ProductFactory(title="Air filter", upc="FLT-0002", stock__price=Decimal("20.00")),
        "pack": ProductFactory(
            title="Cable ties", upc="TIE-0010", min_order_quantity=10, pack_size=10
        ),
        "gone": ProductFactory(title="Old gasket", upc="GSK-0001"),
    }
    contract = PriceList.objects.create(code="c", name="Contract", company=company)
    PriceListEntry.objects.create(
        price_list=contract, product=made["contract"], value=Decimal("8.00")
    )
    return made


def _followup(member, lines: list[tuple[object, int]], item="basket:1:1700000000") -> FollowUp:
    return FollowUp.objects.create(
        rule=FollowUpRule.objects.get(kind=FollowUpRule.Kind.IDLE_BASKET),
        kind=FollowUpRule.Kind.IDLE_BASKET,
        item_key=item,
        stage=FollowUp.Stage.FIRST,
        status=FollowUp.Status.SENT,
        company=member.company,
        user=member.user,
        email=member.user.email,
        lines=[
            {"product_id": p.pk, "sku": p.upc, "title": p.title, "quantity": q, "unit_price": "9"}
            for p, q in lines
        ],
    )


def _url(followup, user=None) -> str:
    token = restore_token_make(followup_id=followup.pk, user_id=(user or followup.user).pk)
    return reverse("followups:restore", kwargs={"token": token})


def _basket(user) -> dict[str, int]:
    return dict(
        Line.objects.filter(basket__owner=user, basket__status=Basket.OPEN).values_list(
            "product__upc", "quantity"
        )
    )


def _messages(response) -> list[str]:
    return [" ".join(str(m).split()) for m in get_messages(response.wsgi_request)]


def _checkbox(html: str) -> str:
    return re.search(r'<input[^>]*name="reminders"[^>]*>', html).group(0)


def _put(user, product, quantity: int) -> None:
    basket, _ = Basket.objects.get_or_create(owner=user, status=Basket.OPEN)
    record = product.stockrecords.get()
    Line.objects.create(
        basket=basket,
        product=product,
        stockrecord=record,
        quantity=quantity,
        line_reference=f"{product.pk}_{record.pk}",
        price_currency="EUR",
        price_excl_tax=record.price,
    )


# Restore ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_then_the_cart_comes_back_at_the_negotiated_price(
    client, buyer_member, products
):
    followup = _followup(buyer_member, [(products["contract"], 5), (products["list"], 2)])
    url = _url(followup)
    response = client.get(url)
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith(reverse("account_login")) and "next=" in login
    assert _basket(buyer_member.user) == {}  # the token logged nobody in and changed nothing
    assert client.get(reverse("customer:profile-view")).status_code == 302
    response = client.post(login, {"login": buyer_member.user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == url
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("basket:summary")
    assert _basket(buyer_member.user) == {"FLT-0001": 5, "FLT-0002": 2}
    line = Line.objects.get(basket__owner=buyer_member.user, product=products["contract"])
    assert line.price_excl_tax == Decimal("8.00")  # the contract price, not the list 12.50
    assert "Put back into your basket (2 lines): 5 × Oil filter; 2 × Air filter." in _messages(
        response
    )
    followup.refresh_from_db()
    assert followup.restored_at is not None


def test_restoring_merges_keeping_the_larger_quantity_and_twice_changes_nothing(
    client, buyer_member, products
):
    user = buyer_member.user
    _put(user, products["contract"], 2)
    _put(user, products["list"], 7)
    followup = _followup(buyer_member, [(products["contract"], 5), (products["list"], 3)])
    client.force_login(user)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        response = client.get(_url(followup), follow=True)
        first = FollowUp.objects.get(pk=followup.pk).restored_at
        traveller.shift(timedelta(hours=1))
        messages = _messages(response)
        assert _basket(user) == {"FLT-0001": 5, "FLT-0002": 7}
        assert (
            "Already in your basket, now with the quantity you had before: 5 × Oil filter."
            in messages
        )
        assert "Already in your basket as before, left as they are: 7 × Air filter." in messages
        again = client.get(_url(followup), follow=True)
    assert _basket(user) == {"FLT-0001": 5, "FLT-0002": 7}
    assert Line.objects.filter(basket__owner=user).count() == 2  # no second line per product
    assert not any("Put back" in m for m in _messages(again))
    assert FollowUp.objects.get(pk=followup.pk).restored_at == first  # the first restore counts


def test_lines_that_cannot_be_had_are_named_and_the_rest_is_restored(
    client, buyer_member, products
):
    products["gone"].is_public = False
    products["gone"].save()
    followup = _followup(
        buyer_member,
        [(products["contract"], 1), (products["gone"], 4), (products["pack"], 15)],
    )
    followup.lines.append({"product_id": 999999, "title": "Deleted bolt", "quantity": 2})
    followup.save()
    client.force_login(buyer_member.user)
    response = client.get(_url(followup), follow=True)
    assert _basket(buyer_member.user) == {"FLT-0001": 1}
    warning = next(m for m in _messages(response) if m.startswith("Not put back (3)"))
    assert "Old gasket: This product cannot be ordered online" in warning
    assert "Cable ties: This is sold in packs of 10: 15 is not a multiple of 10." in warning
    assert "Deleted bolt: It is no longer sold." in warning


@pytest.mark.parametrize(
    ("age_days", "status"), [(13, 302), (15, 410)], ids=["within-14-days", "expired"]
)
def test_a_restore_link_expires(client, buyer_member, products, age_days, status):
    followup = _followup(buyer_member, [(products["contract"], 3)])
    with time_machine.travel(timezone.now() - timedelta(days=age_days)):
        url = _url(followup)
    client.force_login(buyer_member.user)
    response = client.get(url)
    assert response.status_code == status
    if status == 410:
        assert "This link has expired" in response.content.decode()
        assert _basket(buyer_member.user) == {}
        assert FollowUp.objects.get(pk=followup.pk).restored_at is None
    else:
        assert _basket(buyer_member.user) == {"FLT-0001": 3}


def test_a_tampered_or_foreign_token_is_a_400_page_and_changes_nothing(
    client, buyer_member, products
):
    followup = _followup(buyer_member, [(products["contract"], 3)])
    token = restore_token_make(followup_id=followup.pk, user_id=buyer_member.user.pk)
    payload, stamp, signature = token.rsplit(":", 2)
    forged = restore_token_make(followup_id=followup.pk + 1, user_id=buyer_member.user.pk)
    client.force_login(buyer_member.user)
    for bad in (
        f"{payload}:{stamp}:{signature[:-2]}xx",
        f"{forged.rsplit(':', 2)[0]}:{stamp}:{signature}",  # another follow-up, old signature
        "not-a-token",
        opt_out_token_make(email=buyer_member.user.email),  # the other link's token
    ):
        response = client.get(reverse("followups:restore", kwargs={"token": bad}))
        assert response.status_code == 400, bad
        assert "This link is not valid" in response.content.decode()
    assert _basket(buyer_member.user) == {}
    assert FollowUp.objects.get(pk=followup.pk).restored_at is None


def test_another_users_link_is_refused_with_a_403_and_nothing_changes(
    client, company, buyer_member, products
):
    colleague = CompanyMemberFactory(company=company, user=UserFactory(email="co@alpha.example"))
    _put(colleague.user, products["list"], 1)
    followup = _followup(buyer_member, [(products["contract"], 3)])
    client.force_login(colleague.user)
    response = client.get(_url(followup))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This link was sent to someone else" in html and "co@alpha.example" in html
    assert 'id="followup-switch-user"' in html  # log in as the right person from here
    assert _basket(colleague.user) == {"FLT-0002": 1}
    assert _basket(buyer_member.user) == {}
    assert FollowUp.objects.get(pk=followup.pk).restored_at is None
    # A token made for the colleague about the buyer's follow-up names the wrong follow-up.
    response = client.get(_url(followup, user=colleague.user))
    assert response.status_code == 410
    assert _basket(colleague.user) == {"FLT-0002": 1}


def test_a_buyer_who_moved_company_or_may_not_order_is_refused(client, buyer_member, products):
    followup = _followup(buyer_member, [(products["contract"], 3)])
    client.force_login(buyer_member.user)
    buyer_member.role = CompanyMember.Role.VIEWER
    buyer_member.save()
    response = client.get(_url(followup))
    assert response.status_code == 403 and "for the buyer role" in response.content.decode()
    buyer_member.role = CompanyMember.Role.BUYER
    buyer_member.company = CompanyFactory()
    buyer_member.save()
    response = client.get(_url(followup))
    assert response.status_code == 403
    assert "another company account" in response.content.decode()
    assert _basket(buyer_member.user) == {}


def test_a_removed_follow_up_is_gone(client, buyer_member, products):
    followup = _followup(buyer_member, [(products["contract"], 3)])
    url = _url(followup)
    followup.delete()
    client.force_login(buyer_member.user)
    response = client.get(url)
    assert response.status_code == 410
    assert "can no longer be restored" in response.content.decode()


# Opt-out by link -------------------------------------------------------------------------


def test_opt_out_by_link_needs_no_login_and_can_be_undone(buyer_member):
    client = Client(enforce_csrf_checks=True)
    email = buyer_member.user.email
    url = reverse("followups:opt-out", kwargs={"token": opt_out_token_make(email=email)})
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert email in html and 'value="out"' in html
    assert not FollowUpOptOut.objects.exists()  # a GET (a mail scanner) changes nothing
    assert client.post(url, {"action": "out"}).status_code == 403  # no CSRF token: refused
    csrf = client.cookies["csrftoken"].value
    response = client.post(url, {"action": "out", "csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    assert "gets no more reminder emails" in response.content.decode()
    opt_out = FollowUpOptOut.objects.get()
    assert (opt_out.email, opt_out.source, opt_out.user) == (email, "link", None)
    client.post(url, {"action": "out", "csrfmiddlewaretoken": csrf})
    assert FollowUpOptOut.objects.count() == 1  # twice is harmless
    assert 'value="in"' in client.get(url).content.decode()  # the page knows
    response = client.post(url, {"action": "in", "csrfmiddlewaretoken": csrf})
    assert "gets reminder emails about open carts and offers again" in response.content.decode()
    assert not FollowUpOptOut.objects.exists()


def test_opt_out_bad_token_or_button_says_so(client, buyer_member):
    response = client.get(reverse("followups:opt-out", kwargs={"token": "garbage"}))
    assert response.status_code == 400 and "This link is not valid" in response.content.decode()
    token = opt_out_token_make(email=buyer_member.user.email)
    response = client.post(
        reverse("followups:opt-out", kwargs={"token": token[:-3] + "abc"}), {"action": "out"}
    )
    assert response.status_code == 400
    response = client.post(reverse("followups:opt-out", kwargs={"token": token}), {"action": "x"})
    assert response.status_code == 400 and "Choose one of the buttons." in response.content.decode()
    assert not FollowUpOptOut.objects.exists()


# The setting in the account --------------------------------------------------------------


def test_the_account_setting_turns_reminders_off_and_on(client, buyer_member):
    url = reverse("followups:preferences")
    response = client.get(url)
    assert response.status_code == 302 and "next=" in response["Location"]
    client.force_login(buyer_member.user)
    settings_page = client.get(reverse("notifications:preferences")).content.decode()
    assert f'href="{url}"' in settings_page  # linked from the email settings
    assert "checked" in _checkbox(client.get(url).content.decode())
    response = client.post(url, {}, follow=True)
    assert "No more reminder emails about open carts and offers." in _messages(response)
    opt_out = FollowUpOptOut.objects.get()
    assert (opt_out.email, opt_out.source, opt_out.user) == (
        buyer_member.user.email,
        "account",
        buyer_member.user,
    )
    assert "checked" not in _checkbox(client.get(url).content.decode())
    client.post(url, {"reminders": "on"})
    assert not FollowUpOptOut.objects.exists()


def test_the_account_setting_sees_opt_outs_by_address_in_any_case_and_by_account(
    client, buyer_member
):
    FollowUpOptOut.objects.create(email=buyer_member.user.email.upper(), source="link")
    # Made under the buyer's former address: still theirs (the engine reads it by user too).
    FollowUpOptOut.objects.create(email="old@alpha.example", user=buyer_member.user)
    client.force_login(buyer_member.user)
    html = client.get(reverse("followups:preferences")).content.decode()
    assert "checked" not in _checkbox(html)
    client.post(reverse("followups:preferences"), {"reminders": "on"})
    assert not FollowUpOptOut.objects.exists()
