"""The throttles of sign-in and registration, built on the one limiter in app/core/throttle.py."""

from __future__ import annotations

from app.core.config import get_settings
from app.core.throttle import Guard, Limit

HOUR = 3600


def login_guards(*, username: str, address: str) -> tuple[list[Guard], list[Guard]]:
    """Wrong passwords counted per user name and per address; a success clears the user's."""
    settings = get_settings()
    window = settings.login.window_minutes * 60
    message = "登录失败次数过多，账号已暂时锁定，请稍后再试"
    user = Limit("login-user", settings.login.max_failures, window, message)
    ip = Limit("login-ip", settings.login.ip_max_failures, window, message)
    by_user = (user, username.strip().lower())
    return [by_user, (ip, address)], [by_user]


def registration_guards(*, uscc: str, address: str) -> list[Guard]:
    """Every registration attempt counts, per address and per enterprise code."""
    settings = get_settings()
    message = "注册尝试次数过多，请稍后再试"
    return [
        (Limit("register-ip", settings.registration.ip_max_attempts, HOUR, message), address),
        (
            Limit("register-uscc", settings.registration.uscc_max_attempts, HOUR, message),
            uscc.strip().upper(),
        ),
    ]


def code_guards(*, registration_id: int, address: str) -> list[Guard]:
    """Wrong codes per address (the registration itself locks after its own attempts)."""
    message = "验证码错误次数过多，请稍后再试"
    return [(Limit("code-ip", 20, HOUR, message), address)]


def resend_guards(*, registration_id: int) -> list[Guard]:
    """At most three codes per registration in ten minutes."""
    return [(Limit("code-resend", 3, 600, "验证码发送过于频繁，请稍后再试"), str(registration_id))]
