// フリガナ: katakana only. Hiragana turns into katakana as it is typed, half-width katakana into
// full-width, spaces between words into one full-width space.

const KATAKANA_WORDS = /^[\u30A1-\u30FE]+(\u3000[\u30A1-\u30FE]+)*$/;

export function toKatakana(text) {
  const wide = text.normalize('NFKC').replace(/[\u3041-\u3096\u309D\u309E]/g,
    (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
  return wide.replace(/[ \u3000]+/g, '\u3000');
}

export function isKatakana(text) {
  return KATAKANA_WORDS.test(text);
}

/** Typed text without control and invisible format characters (the counter refuses them). */
export function cleanText(text) {
  return text.replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, '').trim();
}

/** A run of 12 or more digits (full or half width) looks like a My Number. */
export function hasLongNumber(text) {
  return /\d{12,}/.test(text.normalize('NFKC'));
}
