"""What a format's character set and length limits do to text (rules of the format rows).

Each function returns the text the file will hold; the lowering modules
compare it with what the athlete wrote and report a change (``text-
transliterated``, ``text-truncated``, ``label-shortened``) at the line the text
came from.  Removing control characters is not reported again here: the check
stage already warns about each one at its position (``control-character``).
"""

from __future__ import annotations

from planc.ast import Span
from planc.diagnostics import Diagnostic, warning
from planc.lower.formats import Charset
from planc.names import transliterate
from planc.sanitise import CONTROL_RE, for_plain, for_xml


def ascii_text(text: str) -> str:
    """ASCII on one line: every character transliterated (:func:`planc.names.transliterate`:
    ``Тренировка`` -> ``Trenirovka``, ``午前`` -> ``WuQian``, ``–`` -> ``-``, ``½`` ->
    ``1/2``), whatever it cannot spell dropped, white space and control characters made
    single spaces."""
    if text.isascii() and text.isprintable():  # the common case: nothing to spell or drop
        return " ".join(text.split())
    text = transliterate(CONTROL_RE.sub(" ", text))
    text = "".join(c if " " <= c <= "~" else " " for c in text)
    return " ".join(text.split())


xml_text = for_xml
"""Text XML 1.0 can hold (lxml refuses control characters rather than escaping them)."""

plain_text = for_plain
"""Text without control characters: a NUL would end a FIT string early, and the
others mean nothing on a watch screen."""


_CLEAN = {Charset.ASCII: ascii_text, Charset.XML: xml_text, Charset.UNICODE: plain_text}


def in_charset(text: str, charset: Charset) -> str:
    """``text`` in the characters ``charset`` allows."""
    return _CLEAN[charset](text)


def changed(written: str, shown: str) -> bool:
    """Does ``shown`` say something else than ``written``?  Spacing and control
    characters do not count (the check stage reports control characters)."""
    return " ".join(plain_text(written).split()) != " ".join(shown.split())


def cut_utf8(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` bytes of UTF-8 without splitting a character.

    The unit is the code point: a combining mark may be separated from its base
    character, which still decodes fine.  Lone surrogates are kept (the writer
    refuses them).
    """
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) <= max_bytes:
        return text
    cut = max_bytes
    while cut > 0 and (raw[cut] & 0xC0) == 0x80:
        cut -= 1
    return raw[:cut].decode("utf-8", "surrogatepass")


def too_long(text: str | None, max_bytes: int | None) -> bool:
    return (text is not None and max_bytes is not None
            and len(text.encode("utf-8", "surrogatepass")) > max_bytes)


_MIN_WORD_CUT = 12


def at_word(label: str, chars: int) -> str:
    """``label`` cut to ``chars`` characters at a word boundary (or hard, when that
    would keep fewer than 12 characters), without trailing punctuation."""
    if len(label) <= chars:
        return label
    cut = label[: chars + 1].rfind(" ")
    if cut < _MIN_WORD_CUT:
        cut = chars
    return label[:cut].rstrip(" -,;:/")


_CHARSET_WORDS = {Charset.ASCII: "ASCII on one line", Charset.XML: "what XML 1.0 can hold",
                  Charset.UNICODE: "without control characters"}
_QUOTE_CHARS = 40
_SHOWN_CHANGES = 4


def quoted(text: str) -> str:
    """``'text'`` for a message, shortened to 40 characters."""
    text = " ".join(text.split())
    return f"'{text[:_QUOTE_CHARS - 1]}…'" if len(text) > _QUOTE_CHARS else f"'{text}'"


def _char_changes(written: str, charset: Charset) -> list[str]:
    """``'—' as '-'``, ``'漢' is left out``: each character the charset changes, once."""
    out: list[str] = []
    for c in dict.fromkeys(written):
        if c.isspace() or CONTROL_RE.match(c):
            continue
        shown = in_charset(c, charset).strip()
        if shown != c:
            out.append(f"'{c}' as '{shown}'" if shown else f"'{c}' is left out")
    return out


def transliterated(target: str, charset: Charset, written: str, shown: str,
                   span: Span) -> Diagnostic:
    """The ``text-transliterated`` warning: which characters the file shows otherwise."""
    words = _CHARSET_WORDS[charset]
    if not shown.strip():
        return warning("text-transliterated",
                       f"{target} text is {words}: {quoted(written)} has no such characters "
                       "and is left out", span)
    changes = _char_changes(written, charset)
    if not changes:  # only a combination of characters changed
        return warning("text-transliterated", f"{target} text is {words}: {quoted(written)} is "
                       f"written as {quoted(shown)}", span)
    more = ", …" if len(changes) > _SHOWN_CHANGES else ""
    return warning("text-transliterated",
                   f"{target} text is {words}: in {quoted(written)}, "
                   f"{', '.join(changes[:_SHOWN_CHANGES])}{more}", span)
