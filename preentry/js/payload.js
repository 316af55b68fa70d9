// The pre-entry payload, exactly as counter_app/preentry/codec.py reads it:
//   PREFIX + VERSION + digits of (raw deflate of the compact JSON, CRC-32 of prefix + JSON)
// Bytes become digits 7 at a time (17 digits); a shorter last group uses the fewest digits.

const GROUP_BYTES = 7;
const GROUP_DIGITS = 17;
const TAIL_DIGITS = [0, 3, 5, 8, 10, 13, 15]; // digits for 256**n - 1, n = 0…6

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib computes it) of a byte array. */
export function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

async function deflateRaw(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function toDigits(bytes) {
  let digits = '';
  for (let start = 0; start < bytes.length; start += GROUP_BYTES) {
    const group = bytes.subarray(start, start + GROUP_BYTES);
    let value = 0n;
    for (const byte of group) value = (value << 8n) | BigInt(byte);
    const width = group.length === GROUP_BYTES ? GROUP_DIGITS : TAIL_DIGITS[group.length];
    digits += value.toString().padStart(width, '0');
  }
  return digits;
}

/**
 * The payload text of a compact case array (see codec.py for its layout).
 * `format` is the exported `payload` object: {prefix, version, …}.
 */
export async function payloadOf(compact, format) {
  const head = `${format.prefix}${format.version}`;
  const content = new TextEncoder().encode(JSON.stringify(compact));
  const compressed = await deflateRaw(content);
  const checked = new Uint8Array(head.length + content.length);
  checked.set(new TextEncoder().encode(head));
  checked.set(content, head.length);
  const crc = crc32(checked);
  const data = new Uint8Array(compressed.length + 4);
  data.set(compressed);
  data.set([crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff], compressed.length);
  return head + toDigits(data);
}

/** Flat [key, value, …] answer pairs: well-known facts by number first, others by name. */
export function answerPairs(answers, format) {
  const keyed = Object.entries(answers).map(([fact, value]) => {
    const code = format.fact_codes.indexOf(fact);
    return [code >= 0 ? code : fact, value];
  });
  keyed.sort(([a], [b]) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return keyed.flat();
}

/** The QR segments of a payload: the letters of the prefix, then the digits. */
export function qrSegments(payload, format) {
  const head = format.prefix;
  return [{ mode: 'alphanumeric', text: head }, { mode: 'numeric', text: payload.slice(head.length) }];
}
