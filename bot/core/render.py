"""Per-channel degradation of rich replies: numbered choices where there are no buttons."""

from __future__ import annotations

from bot.core.messages import OutboundMessage

KEYCAPS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")


def numbered(message: OutboundMessage, *, emoji: bool = True) -> str:
    """The text followed by its choices as a numbered list ("reply 1, 2 or the word")."""
    if not message.quick_replies:
        return message.text
    lines = [message.text, ""]
    for i, q in enumerate(message.quick_replies, start=1):
        mark = KEYCAPS[i - 1] if emoji and i <= len(KEYCAPS) else f"{i}."
        lines.append(f"{mark} {q.title}")
    return "\n".join(lines)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, line, sentence or word."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for sep in ("\n\n", "\n", ". ", "! ", "? ", "۔ ", "። ", " "):
            pos = window.rfind(sep)
            if pos > limit // 3:
                cut = pos + len(sep)
                break
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces
