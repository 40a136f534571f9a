"""inspraak: participation sessions with newcomers, in their own language, over Telegram."""
