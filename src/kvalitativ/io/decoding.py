"""Turn the bytes of a text export into str without losing æ, ø and å.

Case systems export UTF-8, UTF-8 with BOM, or Windows-1252; files stitched together from
several exports may even mix them line by line. We decode the whole file as UTF-8 when we
can, and otherwise line by line (UTF-8 first, then cp1252, then latin-1), so one bad line
cannot garble the rest.
"""

from __future__ import annotations

from pathlib import Path

from kvalitativ.errors import InputError

BOM = b"\xef\xbb\xbf"


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text at all (NULs or many control bytes)."""
    sample = data[:65536]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return control / len(sample) > 0.05


def decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def decode_bytes(data: bytes, encoding: str | None = None, path: Path | str = "<input>") -> tuple[str, str]:
    """Decode a whole file; returns (text, encoding used)."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"{path}: cannot be read as {encoding} ({exc}). Omit --encoding to detect it.") from None
    if data.startswith(BOM):
        data = data[len(BOM):]
        bom = True
    else:
        bom = False
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    decoded = [decode_line(line) for line in lines]
    utf8_lines = sum(1 for line in lines if _is_utf8(line) and any(b > 127 for b in line))
    enc = "mixed" if utf8_lines else "cp1252"
    return "".join(decoded), enc


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def read_text_file(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Read and decode a text export, with errors that name the file."""
    data = read_bytes(path)
    if looks_binary(data):
        raise InputError(
            f"{path}: unreadable bytes — this does not look like a text export (CSV/JSONL). "
            "If it is a spreadsheet, save it as .xlsx or .csv."
        )
    return decode_bytes(data, encoding, path)


def read_bytes(path: Path) -> bytes:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found. Check the path (relative paths are from the current folder).")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file.")
    data = path.read_bytes()
    if not data.strip(BOM + b" \r\n\t"):
        raise InputError(f"{path}: the file is empty.")
    return data
