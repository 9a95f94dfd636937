"""Template helpers for the content pages' streams."""

from django import template

from cms.blocks import shown_to

register = template.Library()


@register.filter
def shown_to_request(block, request) -> bool:
    """Whether a stream block is for the request's user (its "Show to" choice, if it has one)."""
    return shown_to(block.value, getattr(request, "user", None))
