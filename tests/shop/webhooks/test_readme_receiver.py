"""A receiver written only from the README's "Outbound webhooks" section verifies a real
delivery, and refuses a tampered body or an old timestamp."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from shop.webhooks import services
from shop.webhooks.models import WebhookDelivery
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def _readme_receiver():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = re.search(r"^## Outbound webhooks\n(.*?)(?=^## )", readme, re.S | re.M).group(1)
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 (our own README)
    return namespace["verify_partshub_signature"]


def test_the_readme_receiver_verifies_a_real_delivery(endpoint, receiver):
    verify = _readme_receiver()
    company = CompanyFactory(legal_name="Readme Werkstatt GmbH")
    assert services.webhook_deliveries_due() == 1

    request = receiver.requests[0]
    headers, body = request["headers"], request["body"]
    assert headers["PartsHub-Event"] == "company.created"
    assert headers["PartsHub-Sequence"] == "1"
    delivery = WebhookDelivery.objects.get()
    assert headers["PartsHub-Delivery"] == str(delivery.uuid)
    assert verify(endpoint.secret, headers["PartsHub-Signature"], body)
    # The body is the event's envelope, byte for byte what was signed.
    assert b'"type":"company.created"' in body and company.legal_name.encode() in body

    tampered = body.replace(b"Readme Werkstatt", b"Readme Workshop!")
    assert not verify(endpoint.secret, headers["PartsHub-Signature"], tampered)
    assert not verify("another-secret", headers["PartsHub-Signature"], body)
    assert not verify(endpoint.secret, "t=abc,v1=00", body)


def test_the_readme_receiver_refuses_an_old_timestamp(endpoint, receiver, monkeypatch):
    verify = _readme_receiver()
    real_now = services._unix_now()
    monkeypatch.setattr(services, "_unix_now", lambda: real_now - 3600)  # sent an hour ago
    CompanyFactory()
    services.webhook_deliveries_due()
    request = receiver.requests[0]
    signature = request["headers"]["PartsHub-Signature"]
    assert signature.startswith(f"t={real_now - 3600},")
    assert not verify(endpoint.secret, signature, request["body"])
    assert verify(endpoint.secret, signature, request["body"], tolerance=4000)
