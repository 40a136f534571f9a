"""The guide's generated conversations: each fenced block after a `<!-- transcript: NAME -->` line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "coordinator-guide.md"
MARKED = re.compile(r"^<!-- transcript: (?P<name>[\w-]+) -->\n```\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def marked(text: str) -> list[str]:
    """The names of the guide's generated transcripts, in the order they appear."""
    return [found["name"] for found in MARKED.finditer(text)]


def with_transcripts(text: str, transcripts: Mapping[str, str]) -> str:
    """The guide with each marked block holding its transcript."""

    def filled(found: re.Match[str]) -> str:
        return f"<!-- transcript: {found['name']} -->\n```\n{transcripts[found['name']]}```"

    return MARKED.sub(filled, text)
