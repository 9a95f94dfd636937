"""``{% chart_data value "element-id" %}``: Django's json_script, with the request's CSP nonce.

The JSON block is data, not code, but every <script> on our pages carries the nonce so the
CSP checks (and a reader) need no exception for it.
"""

from django import template
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def chart_data(context, value, element_id: str):
    request = context.get("request")
    # django-csp's lazy nonce is falsy until first read: read it as text.
    nonce = getattr(request, "csp_nonce", None)
    nonce = "" if nonce is None else str(nonce)
    rendered = json_script(value, element_id)
    if not nonce:
        return rendered
    return mark_safe(  # noqa: S308 (json_script escaped the value; the nonce is ours)
        rendered.replace("<script ", format_html('<script nonce="{}" ', nonce), 1)
    )
