"""Writes of the pipeline room: opportunities created, edited and moved; stages configured."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_embedded.pipeline.models import Opportunity, Stage
from shop.companies.selectors import user_is_account_staff
from shop.errors import PortalError
from shop.money import money_round

EDITABLE = ("name", "amount", "currency", "expected_close", "owner", "quote", "probability")


class OpportunityError(PortalError):
    """An opportunity or stage change that cannot be made, with a message for the person."""


def _amount_check(amount) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        raise OpportunityError(
            _("Type the amount as a number, such as 12500 or 12500.50."), field="amount"
        ) from None
    if not value.is_finite():
        raise OpportunityError(
            _("Type the amount as a number, such as 12500 or 12500.50."), field="amount"
        )
    if value < 0:
        raise OpportunityError(_("The amount cannot be negative: type 0 or more."), field="amount")
    return money_round(value)


def _probability_check(probability) -> int:
    if probability is None or not 0 <= int(probability) <= 100:
        raise OpportunityError(
            _("The probability is a whole percentage from 0 to 100."), field="probability"
        )
    return int(probability)


def _owner_check(owner) -> None:
    if owner is None or not owner.is_active or not user_is_account_staff(user=owner):
        raise OpportunityError(
            _("The owner must be an active account manager or sales manager."), field="owner"
        )


def _quote_check(quote, company) -> None:
    if quote is not None and quote.company_id != company.pk:
        raise OpportunityError(
            _("Quote %(number)s belongs to another company: link a quote of %(company)s.")
            % {"number": quote.number, "company": company},
            field="quote",
        )


@transaction.atomic
def opportunity_create(
    *,
    company,
    name: str,
    amount: Decimal | str | int,
    stage: Stage,
    owner: AbstractBaseUser,
    by: AbstractBaseUser,
    currency: str = "EUR",
    probability: int | None = None,
    expected_close: date | None = None,
    quote=None,
) -> Opportunity:
    """Open an opportunity in an open stage; the probability follows the stage unless given."""
    if not name.strip():
        raise OpportunityError(_("Give the opportunity a name."), field="name")
    if stage.kind != Stage.Kind.OPEN or not stage.is_active:
        raise OpportunityError(
            _("A new opportunity starts in an open stage; move it to won or lost afterwards."),
            field="stage",
        )
    _owner_check(owner)
    _quote_check(quote, company)
    return Opportunity.objects.create(
        company=company,
        name=name.strip(),
        amount=_amount_check(amount),
        currency=currency,
        stage=stage,
        probability=stage.probability if probability is None else _probability_check(probability),
        probability_manual=probability is not None,
        expected_close=expected_close,
        owner=owner,
        quote=quote,
    )


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, by: AbstractBaseUser, **fields) -> Opportunity:
    """Change an opportunity's editable fields; ``probability=None`` makes it follow the stage again."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    opportunity = (
        Opportunity.objects.select_for_update().select_related("stage").get(pk=opportunity.pk)
    )
    if "name" in fields:
        if not fields["name"].strip():
            raise OpportunityError(_("Give the opportunity a name."), field="name")
        opportunity.name = fields["name"].strip()
    if "amount" in fields:
        opportunity.amount = _amount_check(fields["amount"])
    if "owner" in fields:
        if fields["owner"] != opportunity.owner:
            _owner_check(fields["owner"])
        opportunity.owner = fields["owner"]
    if "quote" in fields:
        _quote_check(fields["quote"], opportunity.company)
        opportunity.quote = fields["quote"]
    for name in ("currency", "expected_close"):
        if name in fields:
            setattr(opportunity, name, fields[name])
    if "probability" in fields:
        if fields["probability"] is None:
            opportunity.probability_manual = False
            opportunity.probability = opportunity.stage.probability
        elif opportunity.is_closed:
            raise OpportunityError(
                _("A closed opportunity keeps the probability of its stage."), field="probability"
            )
        else:
            opportunity.probability = _probability_check(fields["probability"])
            opportunity.probability_manual = True
    opportunity.save()
    return opportunity


@transaction.atomic
def opportunity_move(
    *, opportunity: Opportunity, stage: Stage, by: AbstractBaseUser | None, lost_reason: str = ""
) -> Opportunity:
    """Move an opportunity to ``stage``: won or lost closes it (lost needs a reason), open reopens it."""
    opportunity = (
        Opportunity.objects.select_for_update().select_related("stage").get(pk=opportunity.pk)
    )
    if not stage.is_active:
        raise OpportunityError(
            _("The stage '%(stage)s' is switched off; choose another.") % {"stage": stage},
            field="stage",
        )
    lost_reason = (lost_reason or "").strip()
    if stage.kind == Stage.Kind.LOST and not lost_reason:
        raise OpportunityError(
            _("Say why the deal was lost (price, timing, competitor...) before closing it."),
            field="lost_reason",
        )
    if stage.pk == opportunity.stage_id and lost_reason == opportunity.lost_reason:
        return opportunity
    was_closed = opportunity.is_closed
    opportunity.stage = stage
    if stage.kind == Stage.Kind.OPEN:
        opportunity.closed_at = None
        opportunity.lost_reason = ""
        if not opportunity.probability_manual or was_closed:
            opportunity.probability = stage.probability
            opportunity.probability_manual = False
    else:
        if not was_closed or opportunity.closed_at is None:
            opportunity.closed_at = timezone.now()
        opportunity.lost_reason = lost_reason[:300] if stage.kind == Stage.Kind.LOST else ""
        opportunity.probability = stage.probability
    opportunity.save()
    return opportunity


def _stage_check(stage: Stage, *, name: str, probability: int, is_active: bool) -> None:
    if not name.strip():
        raise OpportunityError(_("Every stage needs a name."), field="name")
    if not 0 <= probability <= 100:
        raise OpportunityError(
            _("The probability is a whole percentage from 0 to 100."), field="probability"
        )
    if stage.kind == Stage.Kind.WON and probability != 100:
        raise OpportunityError(_("The won stage's probability is always 100."), field="probability")
    if stage.kind == Stage.Kind.LOST and probability != 0:
        raise OpportunityError(_("The lost stage's probability is always 0."), field="probability")
    if not is_active and stage.kind != Stage.Kind.OPEN:
        raise OpportunityError(
            _("The won and lost stages cannot be switched off: rename them instead."),
            field="is_active",
        )


@transaction.atomic
def stages_configure(
    *, changes: list[tuple[Stage, dict]], new: list[dict], by: AbstractBaseUser
) -> list[Stage]:
    """Save stage names, probabilities, order and switches, and add new open stages.

    An error carries ``row``: the index of the offending entry in ``changes`` + ``new``.
    """
    rows = [*changes, *((Stage(kind=Stage.Kind.OPEN), fields) for fields in new)]
    kept = [s.name.casefold() for s in Stage.objects.exclude(pk__in=[s.pk for s, _f in changes])]
    seen: set[str] = set(kept)
    for index, (stage, fields) in enumerate(rows):
        try:
            _stage_check(stage, **{k: fields[k] for k in ("name", "probability", "is_active")})
            name = fields["name"].strip().casefold()
            if name in seen:
                raise OpportunityError(
                    _("Two stages cannot have the same name: rename one."), field="name"
                )
            seen.add(name)
            if stage.pk and stage.is_active and not fields["is_active"]:
                count = stage.opportunities.count()
                if count:
                    raise OpportunityError(
                        _(
                            "'%(stage)s' still has %(count)s opportunities: move them to "
                            "another stage before switching it off."
                        )
                        % {"stage": stage, "count": count},
                        field="is_active",
                    )
        except OpportunityError as error:
            error.row = index
            raise
    for stage, fields in changes:
        if stage.name != fields["name"].strip():
            # A free name first, so that two stages may swap names in one save.
            Stage.objects.filter(pk=stage.pk).update(name=f"\u2060{stage.pk}")
    saved = []
    for stage, fields in rows:
        for name in ("name", "position", "probability", "is_active"):
            setattr(stage, name, fields[name].strip() if name == "name" else fields[name])
        stage.save()
        saved.append(stage)
    if not Stage.objects.filter(kind=Stage.Kind.OPEN, is_active=True).exists():
        raise OpportunityError(_("Keep at least one open stage switched on."), field="is_active")
    # Opportunities that follow their stage take its new probability.
    for stage in saved:
        if stage.kind == Stage.Kind.OPEN:
            stage.opportunities.filter(probability_manual=False).exclude(
                probability=stage.probability
            ).update(probability=stage.probability)
    return saved
