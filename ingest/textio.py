"""Reading text files character-exactly, with a reported fallback for non-UTF-8 bytes."""

from __future__ import annotations

from pathlib import Path

from ingest.failures import LoadError

# Bytes that never occur in text: a NUL anywhere in the first block means binary junk.
_SNIFF_BYTES = 8192


def looks_binary(data: bytes) -> bool:
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        return True
    # Many control characters (other than tab/newline/CR/form feed) also mean binary.
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return len(head) > 0 and controls / len(head) > 0.1


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode as UTF-8 (BOM stripped); on failure fall back to cp1252, then latin-1.

    Returns the text and the fallback encoding used (None when the bytes were UTF-8), so the
    caller can report it. Newlines are left exactly as stored so offsets match the file.
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # latin-1 maps every byte, so this never fails.
        return data.decode("latin-1"), "latin-1"


def read_text_file(path: Path) -> tuple[str, str | None]:
    """Read a text file exactly (no newline translation); raise LoadError for binary or unreadable files."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc
    if looks_binary(data):
        raise LoadError("binary content (not a text file)")
    return decode_bytes(data)
