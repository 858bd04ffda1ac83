"""UI strings of signing in, the throttle and the sign-in log, zh and en."""

from __future__ import annotations

__all__ = ["SIGNIN_TEXT"]

SIGNIN_TEXT = {
    "signin_title": ("登录", "Sign in"),
    "signin_user": ("用户名", "User name"),
    "signin_password": ("密码", "Password"),
    "signin_button": ("登录", "Sign in"),
    "signin_wrong": ("用户名或密码不正确。", "Wrong user name or password."),
    "signin_locked": (
        "登录失败次数过多，已暂时锁定，请于北京时间 {until} 之后再试。",
        "Too many failed sign-ins: locked until {until} Beijing time. Try again after that.",
    ),
    "signout": ("退出登录", "Sign out"),
    "signin_admin_title": ("登录记录与会话", "Sign-ins and sessions"),
    "signin_admin_sessions": ("当前有效的会话", "Active sessions"),
    "signin_admin_none": ("没有有效的会话。", "No active sessions."),
    "signin_admin_revoke": ("结束所选会话", "End the chosen sessions"),
    "signin_admin_choose": ("选择要结束的会话", "Sessions to end"),
    "signin_admin_revoked": ("已结束 {count} 个会话。", "{count} sessions ended."),
    "signin_admin_log": (
        "登录记录（最近 {count} 条，北京时间）",
        "Sign-in log (latest {count}, Beijing time)",
    ),
    "signin_col_at": ("时间（北京时间）", "Time (Beijing)"),
    "signin_col_event": ("事件", "Event"),
    "signin_col_user": ("用户", "User"),
    "signin_col_address": ("地址", "Address"),
    "signin_col_created": ("登录时间（北京时间）", "Signed in (Beijing)"),
    "signin_col_expires": ("到期（北京时间）", "Expires (Beijing)"),
    "signin_col_session": ("会话", "Session"),
    "signin_event_signin": ("登录", "signed in"),
    "signin_event_failure": ("密码错误", "wrong password"),
    "signin_event_lockout": ("锁定", "locked out"),
    "signin_event_locked": ("锁定期间尝试", "attempt while locked"),
    "signin_event_signout": ("退出", "signed out"),
    "signin_event_revoked": ("被管理员结束", "ended by an admin"),
    "signin_admin_choose_placeholder": ("选择会话", "Choose sessions"),
}
