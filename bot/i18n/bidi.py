"""Bidirectional text: keep inserted values and whole messages in their own direction."""

FSI = "\u2068"  # FIRST STRONG ISOLATE: the value takes the direction of its own first letter
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
RLM = "\u200f"  # RIGHT-TO-LEFT MARK


def isolate(value: str) -> str:
    """Wrap an inserted value so its direction cannot reorder the sentence around it."""
    return f"{FSI}{value}{PDI}"


def start_rtl(text: str) -> str:
    """Make a message start right-to-left, even when its first word is Latin or a number."""
    return text if text.startswith(RLM) else RLM + text
