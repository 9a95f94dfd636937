from django import template

from cms.promotions.selectors import banner_for_request

register = template.Library()


@register.inclusion_tag("cms_promotions/banner.html", takes_context=True)
def promotion_banner(context):
    """The best matching live banner for this request's audience (rendered per request)."""
    request = context.get("request")
    return {"banner": banner_for_request(request) if request is not None else None}
