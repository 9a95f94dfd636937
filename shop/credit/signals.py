"""The credit line's events for listeners outside the shop (the CRM); ids only."""

from django.dispatch import Signal

# A buyer asked for a higher credit limit. Arguments: company_id, user_id, amount (the order
# total that did not fit, as text), currency.
credit_limit_requested = Signal()
