"""From production settings to the provider: ETENDER_SMS_* and ETENDER_WECHAT_* plug the
channels in, and the notifications job sends what is due through them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import asyncpg
import pytest

from accounts.model import OrgKind
from accounts.notifications import service
from accounts.notifications.channels import channels, unregister_channel
from accounts.notifications.model import Kind
from tests.accounts.factory import actor_for, make_organisation, make_user
from tests.accounts.notifications.doubles import SmsDouble, WeChatDouble, served
from tests.conftest import CloneDatabase
from web.app import create_app
from web.errors import SettingsInvalid
from web.notifications.jobs import notify
from web.settings import Settings

OPENID = "oXyZ1234567890abcdefghijklmn"


@pytest.fixture
async def doubles() -> AsyncIterator[tuple[SmsDouble, WeChatDouble, dict[str, str]]]:
    sms, wechat = SmsDouble(), WeChatDouble(followers={OPENID})
    async with served(sms.app()) as sms_url, served(wechat.app()) as wechat_url:
        environ = {
            "ETENDER_SMS_PROVIDER": "aliyun",
            "ETENDER_SMS_ACCESS_KEY_ID": sms.access_key_id,
            "ETENDER_SMS_ACCESS_KEY_SECRET": sms.access_key_secret,
            "ETENDER_SMS_SIGN_NAME": "交易中心",
            "ETENDER_SMS_TEMPLATES": "bid_deadline=SMS_2,result=SMS_3",
            "ETENDER_SMS_ENDPOINT": sms_url,
            "ETENDER_WECHAT_APPID": wechat.appid,
            "ETENDER_WECHAT_SECRET": wechat.secret,
            "ETENDER_WECHAT_TEMPLATES": "bid_deadline=TPL-2",
            "ETENDER_WECHAT_API": wechat_url,
        }
        try:
            yield sms, wechat, environ
        finally:
            unregister_channel("sms")
            unregister_channel("wechat")


def test_an_incomplete_channel_setting_is_refused_and_secrets_stay_out_of_repr() -> None:
    with pytest.raises(SettingsInvalid, match="ETENDER_SMS_ACCESS_KEY_SECRET"):
        Settings.from_env({"ETENDER_SMS_PROVIDER": "aliyun", "ETENDER_SMS_ACCESS_KEY_ID": "k"})
    with pytest.raises(SettingsInvalid, match="ETENDER_SMS_PROVIDER"):
        Settings.from_env({"ETENDER_SMS_PROVIDER": "twilio"})
    with pytest.raises(SettingsInvalid, match="kind=template"):
        Settings.from_env({"ETENDER_WECHAT_APPID": "a", "ETENDER_WECHAT_SECRET": "s",
                           "ETENDER_WECHAT_TEMPLATES": "birthday=T"})  # fmt: skip
    with pytest.raises(SettingsInvalid, match="ETENDER_WECHAT_FIELDS"):
        Settings.from_env({"ETENDER_WECHAT_APPID": "a", "ETENDER_WECHAT_SECRET": "s",
                           "ETENDER_WECHAT_TEMPLATES": "result=T",
                           "ETENDER_WECHAT_FIELDS": '{"result": {"code": "1 bad"}}'})  # fmt: skip
    configured = Settings.from_env(
        {"ETENDER_WECHAT_APPID": "a", "ETENDER_WECHAT_SECRET": "very-secret",
         "ETENDER_WECHAT_TEMPLATES": "result=T",
         "ETENDER_WECHAT_FIELDS": '{"result": {"code": "character_string1"}}'}
    )  # fmt: skip
    assert configured.notification_channels.wechat is not None
    assert configured.notification_channels.wechat.fields == {
        "result": {"code": "character_string1"}
    }
    assert "very-secret" not in repr(configured)


async def test_the_job_sends_due_notifications_through_the_configured_providers(
    doubles: tuple[SmsDouble, WeChatDouble, dict[str, str]],
    database: CloneDatabase,
    pool: asyncpg.Pool,
    tmp_path: Path,
) -> None:
    sms, wechat, environ = doubles
    settings = Settings.from_env(
        {**environ, "DATABASE_URL": database.app_dsn, "ETENDER_DATA_DIR": str(tmp_path)}
    )
    app = create_app(replace(settings, run_background=False), pool=pool)
    assert {"sms", "wechat"} <= set(channels())
    async with pool.acquire() as conn:
        org = await make_organisation(conn, OrgKind.BIDDER)
        actor = await actor_for(conn, await make_user(conn, org))
        await service.set_contact(conn, actor, "sms", "13912345678")
        await service.set_contact(conn, actor, "wechat", OPENID)
        await service.enqueue(
            conn,
            [service.Notify(kind=Kind.BID_DEADLINE, key="k", user_id=actor.user_id,
                            tender_id=None, params={"code": "C"}, body="提醒")],
        )  # fmt: skip
    async with app.router.lifespan_context(app):
        await notify(app)
    assert [s["TemplateCode"] for s in sms.sent] == ["SMS_2"]
    assert [s["template_id"] for s in wechat.sent] == ["TPL-2"]
