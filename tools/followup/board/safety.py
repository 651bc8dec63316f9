"""Page paths that cannot escape the site, and masking of personal data in free text.

A customer's page is ``customers/<slug>.md``. The slug keeps letters, digits, Han
characters, ``-`` and ``_`` of the id and nothing else, so ``../../etc/passwd`` or
``<script>`` can never leave ``site_src/customers/``; when anything had to be removed,
or two ids collide (case-insensitively), a short hash of the file path keeps it unique::

    >>> slugify("zhang-wei")
    'zhang-wei'
    >>> slugify("../../x")[:2]
    'x-'

Masking of personal data lives in :mod:`followup.engine.privacy` (shared with the calendar
feeds and the exports).
"""

from __future__ import annotations

import hashlib
import re

from followup.engine.privacy import Masker  # noqa: F401 - re-exported: the board masks through it

_UNSAFE = re.compile(r"[^\w-]+", re.UNICODE)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def slugify(cid: str, path: str = "") -> str:
    clean = _UNSAFE.sub("-", str(cid)).strip("-_.")[:80] or "customer"
    if clean != str(cid):
        clean = f"{clean}-{_digest(path or str(cid))}"
    return clean


def unique_slugs(customers) -> dict[str, str]:
    """``path -> slug`` for every customer, unique even on case-insensitive file systems."""
    result, taken = {}, set()
    for c in sorted(customers, key=lambda c: c.path):
        slug = slugify(c.id, c.path)
        if slug.casefold() in taken:
            slug = f"{slug}-{_digest(c.path)}"
        taken.add(slug.casefold())
        result[c.path] = slug
    return result
