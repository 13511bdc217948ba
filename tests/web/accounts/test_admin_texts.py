"""Every text of the administrators' and the official's pages exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

from accounts.model import OrgKind, Role, UserStatus
from accounts.permissions import Relation
from accounts.role_changes.model import RoleChangeKind, RoleChangeStatus
from accounts.security_report import ACCOUNT_CHANGE_KINDS, REFUSAL_KINDS
from web.accounts import admin_i18n
from web.accounts.admin_render import NOTICES
from web.opening import official_pages

TEMPLATES = Path(__file__).parents[3] / "web" / "templates"
KEY = re.compile(r't\("([a-z_]+\.[a-z0-9_.-]+)"')


def _used(paths: list[Path]) -> set[str]:
    return {key for path in paths for key in KEY.findall(path.read_text(encoding="utf-8"))}


def test_every_message_key_of_the_admin_templates_is_translated() -> None:
    """Static keys, and the keys the templates build from a role, status, kind or relation."""
    used = _used(sorted((TEMPLATES / "admin").glob("*.html")))
    dynamic = {
        "ad.status.": list(UserStatus),
        "ad.orgkind.": list(OrgKind),
        "ad.changes.": list(RoleChangeKind),
        "ad.change.": list(RoleChangeStatus),
        "ad.kind.": [*REFUSAL_KINDS, *ACCOUNT_CHANGE_KINDS],
        "ad.rel.": list(Relation),
        "ad.done.": sorted(NOTICES),
        "role.": list(Role),
    }
    keys = {key for key in used if not key.endswith(".")}
    keys |= {prefix + str(value) for prefix, values in dynamic.items() for value in values}
    missing = sorted(key for key in keys if not admin_i18n.has(key))
    assert missing == []
    for text in admin_i18n.catalogue().values():
        assert all(text), "an empty translation"


def test_every_message_key_of_the_official_page_is_translated() -> None:
    used = _used(sorted((TEMPLATES / "opening").glob("official*.html")))
    assert sorted(key for key in used if not official_pages.has(key)) == []
