"""The emulator's `GET /key`: the calling key's limit and usage, in OpenRouter's shape.

Every key the emulator sees has the same spending cap, `KEY_LIMIT` USD, and its usage is what
the emulator's replies have cost so far (their `usage.cost`), so `limit_remaining` goes down
as a test spends. A request without a bearer key gets OpenRouter's 401.
"""

from __future__ import annotations

from typing import Any

__all__ = ["KEY_LABEL", "KEY_LIMIT", "key_reply"]

KEY_LIMIT = 10.0
KEY_LABEL = "sk-or-emulator"  # the key every emulator client uses; real labels are shortened keys


def key_reply(authorization: str, spent: float) -> tuple[int, dict[str, Any]]:
    """The status and JSON body for `GET /key`.

    Args:
        authorization: The request's `Authorization` header ("" when absent).
        spent: USD the emulator's replies have cost so far.

    Returns:
        `(200, {"data": {...}})`, or OpenRouter's 401 without a bearer key.

    """
    scheme, _, key = authorization.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return 401, {"error": {"message": "Missing Authentication header", "code": 401}}
    usage = round(spent, 10)
    return 200, {
        "data": {
            "label": KEY_LABEL,
            "limit": KEY_LIMIT,
            "limit_remaining": round(max(KEY_LIMIT - usage, 0.0), 10),
            "limit_reset": None,
            "usage": usage,
            "usage_daily": usage,
            "usage_weekly": usage,
            "usage_monthly": usage,
            "byok_usage": 0.0,
            "byok_usage_daily": 0.0,
            "byok_usage_weekly": 0.0,
            "byok_usage_monthly": 0.0,
            "include_byok_in_limit": False,
            "is_free_tier": False,
            "is_management_key": False,
            "is_provisioning_key": False,
            "expires_at": None,
            "creator_user_id": "user_2emulator0openrouter0000",
            "rate_limit": {
                "requests": -1,
                "interval": "10s",
                "note": "This field is deprecated and safe to ignore.",
            },
        }
    }
