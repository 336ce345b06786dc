"""``@name`` in a meeting's notes: who is meant, and the text with its mentions marked.

A person is mentioned by their name without its spaces (``@MirenAgirre``, ``@山田太郎``) or by
their email's local part (``@miren.agirre``), in any case, after ``@`` or a full-width ``＠``.
Japanese is written without spaces, so a name may run straight into the next word
(``@山田太郎さん``): the longest name that starts there wins, and only a name ending in a Latin
letter or digit needs a boundary after it (``@ane`` is not ``@anetxe``). An ``@`` inside a word
(an email address) mentions nobody. Two people with the same name are both mentioned.
"""

import re

MARKS = "@＠"
_WORD = re.compile(r"[A-Za-z0-9_]")
_BEFORE = re.compile(r"[A-Za-z0-9_.%+\-]")  # an @ after these is an email address


def handles(users):
    """{handle in lower case: {user ids}} for ``users`` (objects with name, email and id)."""
    found = {}
    for user in users:
        for handle in ("".join(user.name.split()), user.email.split("@", 1)[0]):
            if len(handle) >= 2:
                found.setdefault(handle.lower(), set()).add(user.id)
    return found


def _matches(text, names):
    """(start, end, user ids) of each mention in ``text``, ``start`` at the @."""
    ordered = sorted(names, key=len, reverse=True)
    for position, char in enumerate(text):
        if char not in MARKS or (position and _BEFORE.match(text[position - 1])):
            continue
        start = position + 1
        for handle in ordered:
            end = start + len(handle)
            if text[start:end].lower() != handle:
                continue
            if _WORD.match(handle[-1]) and end < len(text) and _WORD.match(text[end]):
                continue
            yield position, end, names[handle]
            break


def mentioned(text, names):
    """The ids of the people ``text`` mentions (``names`` from ``handles``)."""
    return {user_id for _, _, ids in _matches(text or "", names) for user_id in ids}


def parts(text, names):
    """``text`` as [(piece, is a mention)], for a template to mark the mentions."""
    pieces, last = [], 0
    for start, end, _ in _matches(text or "", names):
        if start > last:
            pieces.append((text[last:start], False))
        pieces.append((text[start:end], True))
        last = end
    if last < len(text or ""):
        pieces.append((text[last:], False))
    return pieces
