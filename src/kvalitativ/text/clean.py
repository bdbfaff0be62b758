"""Clean what case systems put around the words: HTML, RTF, control characters, odd whitespace.

Cleaning happens once, at ingest, so every later stage sees the same text and spans.
Emoji and non-Latin letters are kept: they are content.
"""

from __future__ import annotations

import html
import re
import unicodedata

_HTML_TAG = re.compile(r"<\s*(br|/p|p|/div|div|li|/li|tr|/tr)\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_HTML_HINT = re.compile(r"</?(p|br|div|span|b|i|u|strong|em|li|ul|ol|font|table|tr|td)\b[^>]*>|&(nbsp|amp|lt|gt|aelig|oslash|aring|AElig|Oslash|Aring|#\d+);", re.IGNORECASE)
_RTF_HINT = re.compile(r"^\s*\{\\rtf", re.IGNORECASE)
_RTF_CONTROL = re.compile(r"\\([a-z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-f]{2})|\\([^a-z])|[{}]", re.IGNORECASE)
_RTF_DESTINATIONS = re.compile(r"\{\\(\*\\[^{}]*|fonttbl|colortbl|stylesheet|info|generator)[^{}]*(\{[^{}]*\}[^{}]*)*\}", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Zero-width space and BOM: invisible in print. Inside a word or number ("Kløv\u200bervej",
#: "1903\u200b0799") a reader sees one word, so they are removed — a space would split an
#: identifier before the redactor sees it; where they stand for a space between words ("Mikkel\u200b
#: Jensen", "Ring\u200b20304050", "Kløvervej\u200b54": a lower-case letter before a capital, a letter
#: beside a digit) they become a space, or the words would join into one the redactor does not
#: know. Joiners and soft hyphens are left to the redactor's own normalising.
SPACE_LIKE = "\u200b\ufeff"
_INVISIBLE = re.compile(f"[{SPACE_LIKE}]+")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
_WHITESPACE = re.compile(r"\s+")


def invisible_space(before: str, after: str) -> str:
    """What a zero-width space between ``before`` and ``after`` stands for: '' inside a word or
    number, ' ' where a new word starts (a lower-case letter before a capital, a letter beside a
    digit). One rule for cleaning and for the redactor's own normalising."""
    if before.isalpha() and after.isalpha():
        return " " if before.islower() and after.isupper() else ""
    if (before.isalpha() and after.isdigit()) or (before.isdigit() and after.isalpha()):
        return " "
    return ""


def _invisible(match: re.Match) -> str:
    text, i, j = match.string, match.start(), match.end()
    return invisible_space(text[i - 1] if i else "", text[j] if j < len(text) else "")


def strip_rtf(text: str) -> str:
    """Plain text from an RTF fragment (enough for notes; not a full RTF parser)."""
    text = _RTF_DESTINATIONS.sub("", text)

    def repl(match: re.Match) -> str:
        word, _, hexcode, sym = match.groups()
        if hexcode:
            return bytes([int(hexcode, 16)]).decode("cp1252", errors="replace")
        if sym:
            return sym if sym in "\\{}" else ""
        if word in ("par", "line"):
            return "\n"
        if word == "tab":
            return " "
        return ""

    return _RTF_CONTROL.sub(repl, text)


def strip_html(text: str) -> str:
    text = _HTML_TAG.sub("\n", text)
    text = _ANY_TAG.sub("", text)
    return html.unescape(text)


def clean_text(text: str) -> str:
    """Normalise one note: NFC, markup removed, control characters and runs of spaces collapsed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if _RTF_HINT.match(text):
        text = strip_rtf(text)
    if _HTML_HINT.search(text):
        text = strip_html(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub(_invisible, text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def junk_share(text: str) -> float:
    """Share of characters that are replacement marks or unprintable: high values mean binary junk."""
    if not text:
        return 0.0
    bad = sum(1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\n\t"))
    return bad / len(text)


def trim_quote(text: str, max_chars: int = 200) -> str:
    """A quote or example sentence for a table: white space collapsed, cut at the last word
    boundary before ``max_chars`` (adds '…')."""
    text = _WHITESPACE.sub(" ", str(text)).strip().lstrip("-•*–· ").strip()
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space > max_chars * 0.5:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–") + "…"
