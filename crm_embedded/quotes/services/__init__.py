"""Quote writes, split by job; callers keep ``from crm_embedded.quotes import services``.

- ``request``: a buyer asks for a quote.
- ``negotiate``: staff review, edit the draft, send versions, reject; the thread.
- ``approval``: discounts beyond the threshold go to a sales manager.
- ``buyer``: the buyer accepts into the basket, declines, asks for changes, cancels.
- ``housekeeping``: expiry, reminders and overdue alerts (Celery beat).

Reads (the approval rule, prices today, version changes) live in ``quotes.selectors``.
"""

from crm_embedded.quotes.services._common import (
    MAX_PRICE,
    MAX_QUANTITY,
    MAX_TOTAL,
    QuoteError,
)
from crm_embedded.quotes.services.approval import (
    quote_approve,
    quote_refuse_approval,
    quote_request_approval,
    quote_withdraw_approval_request,
)
from crm_embedded.quotes.services.buyer import (
    quote_accept,
    quote_ask_changes,
    quote_cancel,
    quote_decline,
    quote_mark_ordered,
)
from crm_embedded.quotes.services.housekeeping import (
    quotes_alert_overdue,
    quotes_expire,
    quotes_remind_expiring,
)
from crm_embedded.quotes.services.negotiate import (
    quote_line_add,
    quote_lines_update,
    quote_message_post,
    quote_reject,
    quote_revise,
    quote_send,
    quote_start_review,
    quote_terms_update,
)
from crm_embedded.quotes.services.request import RequestItem, quote_request
from crm_embedded.quotes.states import IllegalTransition

__all__ = [
    "MAX_PRICE",
    "MAX_QUANTITY",
    "MAX_TOTAL",
    "IllegalTransition",
    "QuoteError",
    "RequestItem",
    "quote_accept",
    "quote_approve",
    "quote_ask_changes",
    "quote_cancel",
    "quote_decline",
    "quote_line_add",
    "quote_lines_update",
    "quote_mark_ordered",
    "quote_message_post",
    "quote_refuse_approval",
    "quote_reject",
    "quote_request",
    "quote_request_approval",
    "quote_revise",
    "quote_send",
    "quote_start_review",
    "quote_terms_update",
    "quote_withdraw_approval_request",
    "quotes_alert_overdue",
    "quotes_expire",
    "quotes_remind_expiring",
]
