"""A small BER-TLV reader: multi-byte tags, short and long definite lengths."""

from __future__ import annotations

from dataclasses import dataclass


class TlvError(ValueError):
    pass


@dataclass(frozen=True)
class Tlv:
    tag: int
    offset: int  # where the tag starts
    value_offset: int
    length: int

    @property
    def end(self) -> int:
        return self.value_offset + self.length


def read_header(data: bytes, offset: int) -> Tlv:
    """Read the tag and length at `offset`; the value may lie beyond the end of `data`."""
    pos = offset
    if pos >= len(data):
        raise TlvError(f"no tag at offset {offset}")
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:  # multi-byte tag: continuation bytes have bit 8 set
        while True:
            if pos >= len(data):
                raise TlvError(f"tag truncated at offset {offset}")
            tag = (tag << 8) | data[pos]
            pos += 1
            if not data[pos - 1] & 0x80:
                break
            if pos - offset > 4:
                raise TlvError(f"tag too long at offset {offset}")
    if pos >= len(data):
        raise TlvError(f"length missing at offset {pos}")
    first = data[pos]
    pos += 1
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise TlvError(f"indefinite length at offset {pos - 1}")
    else:
        count = first & 0x7F
        if count > 3 or pos + count > len(data):
            raise TlvError(f"bad long-form length at offset {pos - 1}")
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    return Tlv(tag, offset, pos, length)


def iter_tlvs(data: bytes, start: int, end: int) -> list[Tlv]:
    """The TLVs packed between `start` and `end`, in order; each must fit inside."""
    items = []
    pos = start
    while pos < end:
        item = read_header(data, pos)
        if item.end > end:
            raise TlvError(f"tag {item.tag:X} at offset {pos} overruns its container")
        items.append(item)
        pos = item.end
    return items
