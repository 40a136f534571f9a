"""The web pages' links and languages: a link opens one page of one session until it expires; a page speaks the
language asked for, else the browser's, else the bot's."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from bot.domain.grant import PageRole, grant_for, sign, verify
from bot.domain.webapp import launched_by, web_app_key
from bot.web.guard import RateLimit
from bot.web.language import page_locale

SECRET = b"s" * 32
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def test_a_signed_link_opens_its_session_until_it_expires() -> None:
    grant = grant_for(PageRole.PROJECTOR, 42, NOW)
    found = verify(SECRET, sign(SECRET, grant))
    assert found == grant
    assert found.valid_at(NOW + timedelta(days=13))
    assert not found.valid_at(NOW + timedelta(days=14))


def test_a_link_that_was_altered_or_signed_by_another_bot_opens_nothing() -> None:
    token = sign(SECRET, grant_for(PageRole.PROJECTOR, 42, NOW))
    assert verify(SECRET, token.replace(".42.", ".43.")) is None
    assert verify(b"t" * 32, token) is None
    assert verify(SECRET, "projector.42") is None
    assert verify(SECRET, "") is None
    _role, session, person, expires, mac = token.split(".")
    assert verify(SECRET, f"board.{session}.{person}.{expires}.{mac}") is None


def test_a_page_speaks_the_asked_language_else_the_browsers_else_the_bots() -> None:
    assert page_locale("ar", "nl-NL,nl;q=0.9", "nl") == "ar"
    assert page_locale("xx", "ti-ER,en;q=0.5", "nl") == "ti"
    assert page_locale(None, "de-DE,de;q=0.9,uk;q=0.8,en;q=0.5", "nl") == "uk", "the first one shipped"
    assert page_locale(None, "en;q=0.2,fa-AF;q=0.9", "nl") == "fa_AF", "by quality, not by order"
    assert page_locale(None, "de;q=1, *;q=0.1", "nl") == "nl"
    assert page_locale(None, None, "en") == "en"


def test_one_address_asking_too_often_is_slowed_down_and_may_ask_again_later() -> None:
    moment = [0.0]
    limit = RateLimit(burst=3, per_second=1, clock=lambda: moment[0])
    assert [limit.allows("a") for _ in range(4)] == [True, True, True, False]
    assert limit.allows("b"), "another address has its own allowance"
    moment[0] = 1.0
    assert limit.allows("a")


def _launch(key: bytes, fields: dict[str, str]) -> str:
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    return urlencode({**fields, "hash": hmac.new(key, check.encode(), hashlib.sha256).hexdigest()})


def test_a_mini_app_knows_who_opened_it_only_from_fresh_launch_data_signed_for_this_bot() -> None:
    key = web_app_key("123456:ABCdef")
    fields = {"auth_date": str(int(NOW.timestamp())), "user": json.dumps({"id": 4242, "first_name": "Marloes"})}
    assert launched_by(key, _launch(key, fields), NOW) == 4242
    assert launched_by(key, _launch(key, fields), NOW + timedelta(days=2)) is None, "stale launch data"
    assert launched_by(web_app_key("654321:other"), _launch(key, fields), NOW) is None, "another bot's"
    altered = _launch(key, fields).replace("4242", "4243")
    assert launched_by(key, altered, NOW) is None
    assert launched_by(key, "", NOW) is None
    assert launched_by(key, _launch(key, {"auth_date": "soon", "user": "{}"}), NOW) is None
