"""A mail server that is down does not fail an order: the confirmation waits in the log.

Oscar sends its "order placed" email inside the placement's request; before this, an SMTP
error there showed "A problem occurred while placing this order" and no order was placed.
"""

from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from oscar.core.loading import get_model

from shop.notifications.models import NotificationLog
from tests.orders.test_order_confirmation_email import JONAS, _place_order

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db


class MailServerDown(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


def test_an_order_is_placed_while_the_mail_server_is_down_and_its_email_is_queued(client, settings):
    call_command("seed_demo", products=12, verbosity=0)
    settings.EMAIL_BACKEND = "tests.shop.test_checkout_mail_down.MailServerDown"
    mail.outbox.clear()

    order = _place_order(client, purchase_order_number="PO-MAIL-DOWN")

    assert Order.objects.filter(number=order.number).count() == 1
    entry = NotificationLog.objects.get(key=f"order_placed:{order.number}")
    assert entry.kind == "order_placed" and entry.recipients == [JONAS]
    assert order.number in entry.subject and "PO-MAIL-DOWN" in entry.body_text
    # Its Celery delivery (on commit) retries it; here nothing commits, so it waits queued.
    assert entry.status == NotificationLog.Status.QUEUED


def test_with_the_mail_server_up_the_confirmation_goes_at_once_and_nothing_is_queued(client):
    call_command("seed_demo", products=12, verbosity=0)
    mail.outbox.clear()

    order = _place_order(client, purchase_order_number="PO-MAIL-UP")

    assert [m.to for m in mail.outbox if order.number in m.subject] == [[JONAS]]
    assert not NotificationLog.objects.filter(key=f"order_placed:{order.number}").exists()
