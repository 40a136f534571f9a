"""Short random codes people can read aloud and type: pseudonyms and join codes."""

# Crockford's base32 alphabet: no I, L, O or U, so a code read aloud is not misheard.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def readable_code(random: bytes, length: int) -> str:
    """`length` characters of Crockford base32 drawn from random bytes (5 bits each)."""
    if len(random) * 8 < length * 5:
        raise ValueError(f"{length} characters need at least {(length * 5 + 7) // 8} random bytes")
    number = int.from_bytes(random, "big")
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(chars)
