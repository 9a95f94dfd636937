"""Oscar's checkout, recording the buyer's company and any staff member acting for them."""

from oscar.apps.checkout import views


class PaymentDetailsView(views.PaymentDetailsView):
    def build_submission(self, **kwargs):
        submission = super().build_submission(**kwargs)
        member = getattr(self.request, "company_member", None)
        if member is not None:
            submission["order_kwargs"]["company"] = member.company
        staff = getattr(self.request, "acting_staff", None)
        if staff is not None:
            submission["order_kwargs"]["placed_by_staff"] = staff
        return submission
