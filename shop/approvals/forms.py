from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.approvals.models import ApprovalRule
from shop.companies.models import CompanyMember
from shop.validators import TextGuardMixin

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


class ApprovalNoteForm(TextGuardMixin, forms.Form):
    """The buyer's note to the approver, sent with an order over their limits."""

    approval_note = forms.CharField(
        label=_("Note for your approver"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "form": "place_order_form"}),
        help_text=_("Optional. Why you need this order, e.g. a job it is for."),
    )


class RejectForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the buyer"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Give the buyer a reason: they see it with the lines in their basket.")
        },
    )


class ApprovalPolicyForm(forms.Form):
    expiry_days = forms.IntegerField(
        label=_("Requests expire after (days)"),
        min_value=1,
        max_value=90,
        help_text=_(
            "A request nobody decides on in this many days expires; its lines go back "
            "to the buyer's basket. 1 to 90 days."
        ),
        error_messages={
            "min_value": _("Enter at least 1 day."),
            "max_value": _("Enter at most 90 days."),
            "invalid": _("Enter a whole number of days, e.g. 7."),
            "required": _("Enter a number of days, e.g. 7."),
        },
    )


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: CompanyMember) -> str:
        return f"{obj.user.get_full_name() or obj.user.email} ({obj.get_role_display()})"


def _product_sku(product) -> str:
    record = product.stockrecords.order_by("id").first()
    return record.partner_sku if record else product.upc or ""


class ApprovalRuleForm(TextGuardMixin, forms.ModelForm):
    """A company admin's approval rule; approvers are the company's approvers and admins."""

    tier1 = MemberChoices(
        queryset=CompanyMember.objects.none(), label=_("First approvers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one first approver.")},
    )  # fmt: skip
    product_sku = forms.CharField(
        label=_("Contains the product (SKU)"), required=False, max_length=64,
        help_text=_("Empty: any product. Otherwise orders with this SKU on a line match, e.g. BRK-1001."),
    )  # fmt: skip
    tier2 = MemberChoices(
        queryset=CompanyMember.objects.none(), label=_("Second approvers (optional)"),
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("They decide only after the first approvers have approved."),
    )  # fmt: skip

    class Meta:
        model = ApprovalRule
        fields = [
            "name", "is_active", "min_total", "min_lines", "category", "product_sku",
            "buyer_role", "tier1", "tier1_mode", "tier2", "tier2_mode", "escalate_after_hours",
        ]  # fmt: skip
        help_texts = {
            "min_total": _("Empty: any total. Every condition you set must hold."),
            "escalate_after_hours": _(
                "Empty: no escalation. Otherwise a request nobody acts on for this many hours "
                "goes to the second approvers, or after them to the company admins."
            ),
        }

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        deciders = CompanyMember.objects.filter(
            company=company, is_active=True,
            role__in=(CompanyMember.Role.APPROVER, CompanyMember.Role.ADMIN),
        ).select_related("user")  # fmt: skip
        self.fields["tier1"].queryset = deciders
        self.fields["tier2"].queryset = deciders
        if self.instance.product_id and not self.is_bound:
            self.initial["product_sku"] = _product_sku(self.instance.product)

    def clean_product_sku(self) -> str:
        sku = self.cleaned_data["product_sku"].strip()
        self.product = None
        if not sku:
            return ""
        record = (
            StockRecord.objects.select_related("product").filter(partner_sku__iexact=sku).first()
        )
        product = record.product if record else Product.objects.filter(upc__iexact=sku).first()
        if product is None:
            raise forms.ValidationError(
                _("No product has the SKU “%(sku)s”: copy the SKU from the product page, or leave "
                  "the field empty for any product."),
                params={"sku": sku},
            )  # fmt: skip
        self.product = product
        return sku

    def save(self, commit=True):
        self.instance.product = getattr(self, "product", None)
        return super().save(commit=commit)

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("tier1") or ()) & set(cleaned.get("tier2") or ())
        if both:
            self.add_error(
                "tier2",
                _("%(names)s cannot be in both tiers: a second approver checks the first.")
                % {"names": ", ".join(m.user.email for m in both)},
            )
        return cleaned
