"""Bidirectional text: keep inserted values and whole messages in their own direction."""

FSI = "\u2068"  # FIRST STRONG ISOLATE: the value takes the direction of its own first letter
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
RLM = "\u200f"  # RIGHT-TO-LEFT MARK


def isolate(value: str) -> str:
    """Wrap an inserted value so its direction cannot reorder the sentence around it (nothing has no direction)."""
    return f"{FSI}{value}{PDI}" if value else value


def start_rtl(text: str) -> str:
    """Make every line of a message run right-to-left, even one that starts with /help or a number."""
    return "\n".join(line if not line or line.startswith(RLM) else RLM + line for line in text.split("\n"))


_MARKS = str.maketrans("", "", "\u200e\u200f\u2066\u2067\u2068\u2069")


def unmarked(text: str) -> str:
    """Text without direction marks and isolates, for documents that set their direction themselves (HTML with
    `dir`, Markdown pasted into a word processor), where the marks would show as stray characters."""
    return text.translate(_MARKS)
