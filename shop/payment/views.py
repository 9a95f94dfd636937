"""Stripe's webhook: only signed deliveries are stored and processed, each event once."""

import logging

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.payment.services import stripe_event_receive

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        stripe_event_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except ValueError as exc:
        logger.warning("Stripe webhook refused: %s", exc)
        return HttpResponseBadRequest("Invalid Stripe signature or payload.")
    return HttpResponse("ok")
