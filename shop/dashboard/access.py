"""Who may do what on the dashboard's payment pages, and what a sales manager is granted.

Oscar checks Django model permissions per dashboard view; the sales managers' group gets
the ones it needs in migration ``dashboard.0002`` (orders, order notes, reports, card
refunds, unmatched payments), and nothing on the catalogue, partners, users or offers.
"""

# Refunding moves money back to a card: its own permission, so that a shop can let staff
# change orders without letting them refund.
REFUND_PERMISSION = "payment.refund_card"
VIEW_UNMATCHED_PERMISSION = "payment.view_unmatchedpayment"
CHANGE_UNMATCHED_PERMISSION = "payment.change_unmatchedpayment"
