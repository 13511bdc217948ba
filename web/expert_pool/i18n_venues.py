"""Messages of the venue catalogue's page (issue 15, item 1): Chinese (zh-CN) first,
English. Merged into the expert-pool catalogue (web/expert_pool/i18n.py)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "ep.venues.title": ("评标场地", "Venues"),
    "ep.venues.lead": (
        "远程异地评标的主场与副场；副场由本地区交易中心工作人员核验专家身份。",
        "Main and assisting venues of remote cross-city evaluation; at an assisting venue "
        "its region's centre staff confirm the experts' identities.",
    ),
    "ep.venues.catalogue": ("场地目录", "Catalogue"),
    "ep.venues.none": ("目录中尚无场地。", "The catalogue has no venue yet."),
    "ep.venues.region": ("所在地区", "Region"),
    "ep.venues.address": ("地址", "Address"),
    "ep.venues.seats": ("席位数", "Seats"),
    "ep.venues.active": ("可抽取为副场", "Drawn as an assisting venue"),
    "ep.venues.active.yes": ("是", "Yes"),
    "ep.venues.active.no": ("否", "No"),
    "ep.venues.staff": ("场地工作人员", "Venue staff"),
    "ep.venues.no_staff": ("尚未指派工作人员。", "No staff assigned yet."),
    "ep.venues.assigned_at": ("指派于", "assigned"),
    "ep.venues.unassign": ("取消指派", "Unassign"),
    "ep.venues.username": ("工作人员用户名", "Staff username"),
    "ep.venues.assign": ("指派", "Assign"),
    "ep.venues.new": ("新增场地", "Add a venue"),
    "ep.venues.id": ("场地编号", "Venue id"),
    "ep.venues.id.hint": (
        "字母、数字、下划线或连字符，最多 64 个字符。",
        "Letters, digits, underscores or hyphens, at most 64 characters.",
    ),
    "ep.venues.name": ("名称", "Name"),
    "ep.venues.create": ("新增", "Add"),
    "ep.venues.field": ("请修改这一项：{field}", "The field to correct: {field}"),
    "ep.nav.venues": ("评标场地", "Venues"),
}
