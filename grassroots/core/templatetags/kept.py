"""`{% kept "name" source [part ...] %}…{% endkept %}`: a block of a page kept as HTML beside
the shared value it is drawn from (`core.pagecache.kept_html`).

`source` is what the view or selector learned from `pagecache.kept_as()` about that value:
its name, its key and the generation it was kept at, or None when it was not kept (the page
cache is off, or the reader sees restricted things). The parts after it are whatever else the
block shows (the query string of a list whose form shows what was typed, say). The block is
then drawn once for everybody and every later request until a write moves the generation on;
with `source` None it is drawn for the request, like any other part of the template.

What the block shows must not depend on who is reading: no form with a CSRF token, no name,
permission or count of theirs. Keep those outside it."""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, Node, NodeList, Parser, Token

from grassroots.core import pagecache

register = template.Library()


def _part(value: object) -> pagecache.Part:
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, tuple):
        return tuple(_part(item) for item in value)
    raise template.TemplateSyntaxError(
        f"{{% kept %}} parts are strings, numbers or tuples, not {type(value).__name__}"
    )


class KeptNode(Node):
    def __init__(
        self, name: str, source: FilterExpression, parts: list[FilterExpression], body: NodeList
    ) -> None:
        self.name = name
        self.source = source
        self.parts = parts
        self.body = body

    def render(self, context: template.Context) -> str:
        # A source missing from the context (a view that keeps nothing) is None, not "".
        found = self.source.resolve(context, ignore_failures=True)
        source = None
        if found:
            extra = (_part(part.resolve(context)) for part in self.parts)
            source = (*(_part(item) for item in found), *extra)
        return pagecache.kept_html(self.name, source, lambda: self.body.render(context))


@register.tag("kept")
def kept(parser: Parser, token: Token) -> KeptNode:
    bits = token.split_contents()
    if len(bits) < 3 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('Usage: {% kept "name" source [part ...] %}')
    body = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(
        bits[1][1:-1],
        parser.compile_filter(bits[2]),
        [parser.compile_filter(bit) for bit in bits[3:]],
        body,
    )
