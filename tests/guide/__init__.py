"""The coordinator guide's conversations, played against the real bot and the Bot API stand-in (`make guide`)."""
