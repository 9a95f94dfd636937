"""Who may do what on the dashboard's payment pages, and what a sales manager is granted.

Oscar checks Django model permissions per dashboard view. The sales managers' group gets
the ones below after every ``migrate`` (and every test-database flush): orders, order
notes and events, reports, card refunds and unmatched card payments; nothing on the
catalogue, partners, users, offers, vouchers or pages, which stay with superusers. The list
is code: a permission removed from the group by hand comes back on the next migrate.
"""

# Refunding moves money back to a card: its own permission, so that a shop can let staff
# change orders without letting them refund.
REFUND_PERMISSION = "payment.refund_card"
VIEW_UNMATCHED_PERMISSION = "payment.view_unmatchedpayment"
CHANGE_UNMATCHED_PERMISSION = "payment.change_unmatchedpayment"

# Permissions that no model declares; (app_label, model) they hang on, and their name.
CUSTOM_PERMISSIONS = {REFUND_PERMISSION: ("payment", "source", "Can refund card payments")}

SALES_MANAGER_PERMISSIONS = (
    "order.view_order",
    "order.change_order",
    "order.view_line",
    "order.view_ordernote",
    "order.add_ordernote",
    "order.change_ordernote",
    "order.view_paymentevent",
    "order.view_shippingevent",
    "payment.view_source",
    REFUND_PERMISSION,
    VIEW_UNMATCHED_PERMISSION,
    CHANGE_UNMATCHED_PERMISSION,
    "analytics.view_userrecord",  # Oscar's reports page
)
