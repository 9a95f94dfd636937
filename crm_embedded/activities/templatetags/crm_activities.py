"""Show activity text with the colleagues it mentions highlighted (unknown names stay text)."""

from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

from crm_embedded.activities.mentions import MENTION_RE, mention_key

register = template.Library()


@register.filter
def with_mentions(text: str, keys) -> SafeString:
    """Escape ``text``, mark the mentions whose key is in ``keys`` and keep its paragraphs."""
    keys = keys or set()
    parts: list[str] = []
    last = 0
    for match in MENTION_RE.finditer(text or ""):
        parts.append(escape(text[last : match.start()]))
        raw = escape(match.group(0))
        if mention_key(match) in keys:
            parts.append(f'<span class="crm-mention text-primary font-weight-bold">{raw}</span>')
        else:
            parts.append(raw)
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return mark_safe(linebreaks("".join(parts), autoescape=False))  # noqa: S308 (escaped above)


@register.filter
def mention_handle(user) -> str:
    """The handle that mentions ``user``: their email address before the @."""
    return (user.email or "").split("@", 1)[0]
