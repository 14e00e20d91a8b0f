"""Jinja2 templates of the workshop's HTML, with autoescape always on.

Every value put into a template is text: document words, comments, deck
names all arrive escaped, so nothing typed by a participant or written in a
seed file is ever read as markup. Templates live in ``templates/``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("seedscope.workshop", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **values: Any) -> str:
    return environment().get_template(template).render(**values)
