"""An email's own words, and what is folded away: the quoted history and the signature."""

import re

# Lines that start what the writer did not write now: a quote's header in the languages of
# the programme's clients, Outlook's separators, a signature's "-- ".
_HISTORY = re.compile(
    r"^(?:"
    r"-{2,}\s*(?:original message|mensaje original|元のメッセージ)\s*-{2,}"
    r"|_{10,}"
    r"|-{3,}\s*(?:forwarded message|mensaje reenviado|転送メッセージ).*"
    r"|(?:from|de|差出人)\s*[:：].*"
    r"|on .{5,200} wrote:"
    r"|el .{5,200} escribió:"
    r"|\d{4}年\d{1,2}月\d{1,2}日.{0,80}[:：]\s*"
    r"|>.*"
    r")$",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^(?:-- |--|—{2,}|＿{5,})$")


def fold(body):
    """(the new text, what is folded away) of ``body``; the second may be ''."""
    lines = (body or "").split("\n")
    for number, line in enumerate(lines):
        stripped = line.rstrip()
        if number and (_SIGNATURE.match(stripped) or _HISTORY.match(stripped.strip())):
            return "\n".join(lines[:number]).rstrip(), "\n".join(lines[number:]).strip()
    return (body or "").strip(), ""
