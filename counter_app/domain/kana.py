"""フリガナ: a proposed reading of a name, and what staff type cleaned up and checked.

The card has no kana, so the app proposes one and staff confirm it with one key or correct it.
Readings come from Sudachi's small dictionary (UniDic's vocabulary with its person names;
SudachiPy and SudachiDict are Apache-2.0): each part of the name is read on its own, followed
by さん so that name readings win over common nouns (大樹 ダイキ, not タイジュ). A part is
proposed only when the dictionary knows it as one word (its reading as a family or given name
when it has exactly one); otherwise the proposal is "" and staff type it, rather than confirm
a reading pieced together from single characters.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from typing import Any

log = logging.getLogger(__name__)

SEPARATOR = "\u3000"  # between family and given name, as in the name itself

_HIRAGANA = range(0x3041, 0x3097)  # ぁ … ゖ; katakana is 0x60 above
_ITERATION = {"ゝ": "ヽ", "ゞ": "ヾ"}
# Katakana a フリガナ may hold: ァ … ヺ, and the katakana iteration marks ヽ ヾ.
_KATAKANA = {chr(c) for c in range(0x30A1, 0x30FB)} | {"ヽ", "ヾ"}
_MARKS = {"ー", "・"}
_KANJI_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
_KANJI_SIGNS = {"々", "〆", "ヶ"}
_VARIATION_SELECTORS = {c: None for c in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))}
# Variant forms common in names that the dictionary lacks, read as their usual form.
_VARIANTS = str.maketrans("髙𠮷﨑濵德栁𣘺𡈽", "高吉崎浜徳柳橋土")
_CONTEXT = "さん"


class KanaInputError(ValueError):
    """`str(error)` is a Japanese message for staff."""


def normalize_kana(text: str) -> str:
    """What staff typed, as a フリガナ: hiragana and half-width katakana become full-width
    katakana, and each run of spaces (ASCII or full-width) one U+3000; ー and ・ are kept."""
    # NFKC turns half-width katakana (voiced marks included) into full-width, ｰ into ー and
    # ･ into ・, and full-width spaces into ASCII ones, which the split below then collapses.
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_ITERATION.get(c) or (chr(ord(c) + 0x60) if ord(c) in _HIRAGANA else c)
                   for c in text)
    return SEPARATOR.join(text.split())


def check_kana(text: str) -> str:
    """`text` (normalised) if it is a フリガナ, else KanaInputError with a message for staff.

    Katakana, ー and ・, words separated by one U+3000: the first separator parts family and
    given name; a foreign given name may hold more (グエン　ティ　ラン). "" passes: whether a
    フリガナ is required is the form's business."""
    bad = sorted({c for c in text if c not in _KATAKANA and c not in _MARKS and c != SEPARATOR},
                 key=text.index)
    if bad:
        shown = "".join("空白" if c.isspace() else c for c in bad)
        raise KanaInputError(f"フリガナはカタカナで入力してください（使えない文字：{shown}）")
    if text and ("" in text.split(SEPARATOR)):
        raise KanaInputError("フリガナの区切りは氏と名の間の空白ひとつです")
    return text


def propose_reading(name: str) -> str:
    """A katakana reading of `name`, its parts separated by U+3000 as in the name; "" when
    there is no confident reading (an unknown or rare word, a Latin-alphabet name)."""
    parts = name.translate(_VARIATION_SELECTORS).split()
    if not parts:
        return ""
    # The first part is the family name (氏), the rest the given name (名).
    readings = [_read_part(part, "姓" if i == 0 else "名") for i, part in enumerate(parts)]
    return SEPARATOR.join(readings) if all(readings) else ""


def _read_part(part: str, kind: str) -> str:
    kana = normalize_kana(part)
    if all(c in _KATAKANA or c in _MARKS for c in kana):
        return kana  # written in kana already: the reading is the text
    if not all(c in _KATAKANA or c in _MARKS or c in _KANJI_SIGNS or _is_kanji(c)
               for c in part):
        return ""  # Latin letters, digits, symbols: staff type these
    tokenizer = _tokenizer()
    if tokenizer is None:
        return ""
    text = part.translate(_VARIANTS)
    words = [m for m in tokenizer.tokenize(text + _CONTEXT) if m.begin() < len(text)]
    if len(words) != 1:
        return ""  # pieced together from smaller words: no confident reading
    word = words[0]
    pos = word.part_of_speech()
    reading = word.reading_form()
    if word.is_oov() or word.end() != len(text) or pos[0] != "名詞" or pos[1] == "数詞":
        return ""
    if pos[2:4] != ("人名", kind):
        # The word is known, but not as this kind of name (葛城 read as the ancient カツラギノ):
        # take the dictionary's reading as a family or given name when there is only one.
        with _lock:
            named = {m.reading_form() for m in _dictionary.lookup(text)
                     if m.part_of_speech()[2:4] == ("人名", kind)}
        if len(named) == 1:
            reading = named.pop()
    if not reading or not all(c in _KATAKANA or c in _MARKS for c in reading):
        return ""
    return reading


def _is_kanji(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _KANJI_RANGES)


_lock = threading.Lock()
_local = threading.local()
_dictionary: Any = None
_unavailable = False


def _tokenizer() -> Any:
    """This thread's Sudachi tokenizer. The dictionary is loaded once, on first use, and
    shared; a tokenizer must not be used by two threads at once, so each thread has its own."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is not None:
        return tokenizer
    global _dictionary, _unavailable
    with _lock:
        if _unavailable:
            return None
        try:
            from sudachipy import Dictionary, SplitMode

            if _dictionary is None:
                _dictionary = Dictionary(dict="small")
            tokenizer = _dictionary.tokenizer(mode=SplitMode.C)
        except Exception as exc:  # a broken installation must not stop reception
            _unavailable = True
            log.warning("kana: name-reading dictionary unavailable, no proposals: %s: %s",
                        type(exc).__name__, exc)
            return None
    _local.tokenizer = tokenizer
    return tokenizer
