"""The name a file was sent with: kept as a label only, never as a path (SEC-11).

Files are stored under a name the server generates; the original name is cleaned for showing
and for the ``Content-Disposition`` header of downloads (RFC 6266 with an RFC 5987 UTF-8 form).
"""

import re
import unicodedata
from urllib.parse import quote

MAX_LENGTH = 255
FALLBACK = "attachment"
# Characters Windows refuses in names, plus the path separators.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")
# Direction overrides disguise names ("gnp.exe" shown as "exe.png").
_BIDI = dict.fromkeys([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_PORTS = (f"{port}{n}" for port in ("COM", "LPT") for n in range(10))
_RESERVED = {"CON", "PRN", "AUX", "NUL", *_PORTS}
# Typographic marks with an ASCII look-alike, kept in the ASCII fallback name.
_LOOK_ALIKES = str.maketrans(dict.fromkeys("‐‑‒–—―−", "-") | dict.fromkeys("‘’‚′", "'"))
# RFC 5987 attr-char: what may stay unescaped in filename*.
_ATTR_CHARS = "!#$&+-.^_`|~"


def clean_name(raw, max_length=MAX_LENGTH):
    """A one-line, path-free, at most ``max_length``-character version of ``raw`` ('' if none)."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]  # the last path part: "../../x" is "x"
    name = "".join(
        ch
        for ch in _SPACES.sub(" ", name.translate(_BIDI))  # line breaks and tabs: one space
        if unicodedata.category(ch) not in ("Cc", "Cs")  # NUL and other controls; surrogates
    )
    name = _SPACES.sub(" ", _FORBIDDEN.sub("_", name)).strip(" .")
    if name.split(".")[0].strip().upper() in _RESERVED:  # CON.txt cannot be saved on Windows
        name = "_" + name
    return shorten(name, max_length)


def shorten(name, max_length):
    """``name`` cut to ``max_length`` characters, keeping a short extension."""
    if len(name) <= max_length:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and stem and len(ext) <= 16:
        return stem[: max_length - len(ext) - 1].rstrip(" .") + "." + ext
    return name[:max_length].rstrip(" .")


def content_disposition(name):
    """``attachment`` with an ASCII ``filename`` and, for other names, ``filename*`` (RFC 6266)."""
    name = clean_name(name) or FALLBACK
    ascii_name = unicodedata.normalize("NFKD", name.translate(_LOOK_ALIKES))
    ascii_name = ascii_name.encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch for ch in ascii_name if ch.isprintable())
    ascii_name = _SPACES.sub(" ", ascii_name).strip()
    stem, dot, ext = ascii_name.rpartition(".")
    if not dot:
        stem, ext = ascii_name, ""
    if not stem.strip(" ._-"):  # "山田.pdf" keeps only ".pdf"
        ascii_name = FALLBACK + (f".{ext}" if ext else "")
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        header += f"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
    return header
