"""Reading Bot API parameters the way Telegram accepts them: query, form, multipart or JSON."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


class ApiError(Exception):
    """A Bot API error answer: HTTP status, `error_code` and `description` as Telegram sends them."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(what: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: ..." wording."""
    return ApiError(400, f"Bad Request: {what}")


async def read_params(request: web.Request) -> dict[str, Any]:
    """All parameters of a request, whichever way they were sent."""
    params: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError as error:
                raise bad_request("can't parse JSON object") from error
            if isinstance(body, dict):
                params.update(body)
        else:
            form = await request.post()
            params.update(form.items())
    return params


class Params:
    """Typed access to one call's parameters, raising Telegram's errors for bad or missing ones."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        """Whether the parameter was given at all."""
        return name in self.raw and self.raw[name] not in ("", None)

    def text(self, name: str, missing: str | None = None) -> str | None:
        """A string parameter; `missing` is the error description when it is required but absent."""
        value = self.raw.get(name)
        if value is None or value == "":
            if missing is not None:
                raise bad_request(missing)
            return None
        return value if isinstance(value, str) else str(value)

    def integer(self, name: str, missing: str | None = None) -> int | None:
        """An integer parameter."""
        value = self.raw.get(name)
        if value is None or value == "":
            if missing is not None:
                raise bad_request(missing)
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError) as error:
            raise bad_request(f"invalid {name} specified") from error

    def flag(self, name: str) -> bool:
        """A boolean parameter (false when absent)."""
        value = self.raw.get(name)
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1") if value is not None else False

    def structure(self, name: str) -> Any:
        """A JSON-serialised object or array parameter."""
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, dict | list):
            return value
        try:
            return json.loads(value)
        except (TypeError, json.JSONDecodeError) as error:
            raise bad_request(f"can't parse {name} JSON object") from error

    def upload(self, name: str) -> Any:
        """A file sent in a multipart body under `name`, or None."""
        value = self.raw.get(name)
        return value if hasattr(value, "file") else None
