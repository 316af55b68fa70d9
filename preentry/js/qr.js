// A small QR code encoder (ISO/IEC 18004): numeric and alphanumeric segments, error
// correction level M (or L when M cannot hold the data), the smallest version that fits,
// and the mask with the lowest penalty. Written for the pre-entry payload; no dependencies.

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

// Per version 1–40: error correction codewords per block, and number of blocks (ISO/IEC 18004
// table 9), for levels L and M.
const EC_PER_BLOCK = {
  L: [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
    28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  M: [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
    26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
};
const BLOCKS = {
  L: [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
    8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  M: [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
    17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
};
const FORMAT_LEVEL = { L: 1, M: 0 };
const MODES = {
  numeric: { indicator: 0b0001, countBits: [10, 12, 14] },
  alphanumeric: { indicator: 0b0010, countBits: [9, 11, 13] },
};

// --- Galois field GF(256) with x^8 + x^4 + x^3 + x^2 + 1, and Reed–Solomon remainders ---

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
}

function multiply(a, b) {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
}

function generator(degree) {
  // (x - α^0)(x - α^1)…(x - α^(degree-1)), coefficients from the highest power down.
  let poly = [1];
  for (let i = 0; i < degree; i++) {
    const next = new Array(poly.length + 1).fill(0);
    for (let j = 0; j < poly.length; j++) {
      next[j] ^= poly[j];
      next[j + 1] ^= multiply(poly[j], EXP[i]);
    }
    poly = next;
  }
  return poly;
}

function errorCorrection(data, degree) {
  const gen = generator(degree);
  const rest = new Array(degree).fill(0);
  for (const byte of data) {
    const factor = byte ^ rest.shift();
    rest.push(0);
    for (let i = 0; i < degree; i++) rest[i] ^= multiply(gen[i + 1], factor);
  }
  return rest;
}

// --- capacities ---

export function sizeOf(version) {
  return 4 * version + 17;
}

function rawDataModules(version) {
  // Every module minus finder, separator, timing, alignment, format and version patterns.
  let modules = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const count = Math.floor(version / 7) + 2;
    modules -= (25 * count - 10) * count - 55;
    if (version >= 7) modules -= 36;
  }
  return modules;
}

export function dataCodewords(version, level) {
  return Math.floor(rawDataModules(version) / 8)
    - EC_PER_BLOCK[level][version - 1] * BLOCKS[level][version - 1];
}

function alignmentPositions(version) {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const step = version === 32 ? 26 : Math.ceil((sizeOf(version) - 13) / (2 * count - 2)) * 2;
  const positions = [6];
  for (let p = sizeOf(version) - 7; positions.length < count; p -= step) positions.splice(1, 0, p);
  return positions;
}

// --- data bits ---

class Bits {
  constructor() { this.bits = []; }
  put(value, length) {
    for (let i = length - 1; i >= 0; i--) this.bits.push((value >>> i) & 1);
  }
}

function segmentBits(segment, version) {
  const mode = MODES[segment.mode];
  const bits = new Bits();
  bits.put(mode.indicator, 4);
  bits.put(segment.text.length, mode.countBits[version < 10 ? 0 : version < 27 ? 1 : 2]);
  const text = segment.text;
  if (segment.mode === 'numeric') {
    for (let i = 0; i < text.length; i += 3) {
      const group = text.slice(i, i + 3);
      bits.put(Number(group), group.length * 3 + 1);
    }
  } else {
    for (let i = 0; i < text.length; i += 2) {
      const first = ALPHANUMERIC.indexOf(text[i]);
      if (i + 1 < text.length) bits.put(first * 45 + ALPHANUMERIC.indexOf(text[i + 1]), 11);
      else bits.put(first, 6);
    }
  }
  return bits.bits;
}

function checkSegment(segment) {
  const allowed = segment.mode === 'numeric' ? /^[0-9]*$/ : /^[0-9A-Z $%*+\-./:]*$/;
  if (!MODES[segment.mode] || !allowed.test(segment.text)) {
    throw new Error(`not ${segment.mode} text`);
  }
}

function codewords(segments, version, level) {
  const capacity = dataCodewords(version, level) * 8;
  const bits = segments.flatMap((s) => segmentBits(s, version));
  if (bits.length > capacity) return null;
  bits.push(...new Array(Math.min(4, capacity - bits.length)).fill(0)); // terminator
  while (bits.length % 8) bits.push(0);
  const bytes = [];
  for (let i = 0; i < bits.length; i += 8) {
    bytes.push(bits.slice(i, i + 8).reduce((acc, bit) => (acc << 1) | bit, 0));
  }
  for (let pad = 0xec; bytes.length < capacity / 8; pad ^= 0xec ^ 0x11) bytes.push(pad);
  return bytes;
}

function interleave(data, version, level) {
  const blockCount = BLOCKS[level][version - 1];
  const ecLength = EC_PER_BLOCK[level][version - 1];
  const total = Math.floor(rawDataModules(version) / 8);
  const shortBlocks = blockCount - (total % blockCount);
  const shortData = Math.floor(total / blockCount) - ecLength;
  const blocks = [];
  for (let i = 0, at = 0; i < blockCount; i++) {
    const length = shortData + (i < shortBlocks ? 0 : 1);
    const part = data.slice(at, at + length);
    at += length;
    blocks.push({ data: part, ec: errorCorrection(part, ecLength) });
  }
  const out = [];
  for (let i = 0; i <= shortData; i++) {
    for (const block of blocks) if (i < block.data.length) out.push(block.data[i]);
  }
  for (let i = 0; i < ecLength; i++) for (const block of blocks) out.push(block.ec[i]);
  return out;
}

// --- the symbol ---

class Symbol {
  constructor(version) {
    this.version = version;
    this.size = sizeOf(version);
    this.dark = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
    this.reserved = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
  }

  set(x, y, dark) {
    this.dark[y][x] = dark;
    this.reserved[y][x] = true;
  }

  drawFunctionPatterns() {
    const size = this.size;
    for (let i = 0; i < size; i++) {
      this.set(6, i, i % 2 === 0);
      this.set(i, 6, i % 2 === 0);
    }
    for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]]) {
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const x = cx + dx;
          const y = cy + dy;
          const ring = Math.max(Math.abs(dx), Math.abs(dy));
          if (x >= 0 && x < size && y >= 0 && y < size) this.set(x, y, ring !== 2 && ring !== 4);
        }
      }
    }
    const positions = alignmentPositions(this.version);
    const last = positions.length - 1;
    positions.forEach((cy, i) => positions.forEach((cx, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          this.set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
        }
      }
    }));
    this.drawFormat(0, 0); // reserves the area; drawn for real once the mask is chosen
    this.drawVersion();
  }

  drawFormat(level, mask) {
    const data = (level << 3) | mask;
    let rest = data;
    for (let i = 0; i < 10; i++) rest = (rest << 1) ^ ((rest >>> 9) * 0x537);
    const bits = ((data << 10) | rest) ^ 0x5412;
    const bit = (i) => ((bits >>> i) & 1) === 1;
    const size = this.size;
    for (let i = 0; i <= 5; i++) this.set(8, i, bit(i));
    this.set(8, 7, bit(6));
    this.set(8, 8, bit(7));
    this.set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) this.set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) this.set(size - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) this.set(8, size - 15 + i, bit(i));
    this.set(8, size - 8, true); // the dark module
  }

  drawVersion() {
    if (this.version < 7) return;
    let rest = this.version;
    for (let i = 0; i < 12; i++) rest = (rest << 1) ^ ((rest >>> 11) * 0x1f25);
    const bits = (this.version << 12) | rest;
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = this.size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      this.set(a, b, dark);
      this.set(b, a, dark);
    }
  }

  drawData(codewordList) {
    const size = this.size;
    let index = 0;
    const total = codewordList.length * 8;
    for (let right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5; // the vertical timing pattern is skipped
      const upward = ((right + 1) & 2) === 0;
      for (let step = 0; step < size; step++) {
        const y = upward ? size - 1 - step : step;
        for (let j = 0; j < 2; j++) {
          const x = right - j;
          if (this.reserved[y][x]) continue;
          if (index < total) {
            this.dark[y][x] = ((codewordList[index >>> 3] >>> (7 - (index & 7))) & 1) === 1;
          }
          index++;
        }
      }
    }
  }

  masked(mask) {
    const test = [
      (x, y) => (x + y) % 2 === 0,
      (x, y) => y % 2 === 0,
      (x, y) => x % 3 === 0,
      (x, y) => (x + y) % 3 === 0,
      (x, y) => (Math.floor(y / 2) + Math.floor(x / 3)) % 2 === 0,
      (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
      (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
      (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
    ][mask];
    const copy = new Symbol(this.version);
    for (let y = 0; y < this.size; y++) {
      for (let x = 0; x < this.size; x++) {
        copy.reserved[y][x] = this.reserved[y][x];
        copy.dark[y][x] = this.dark[y][x] !== (!this.reserved[y][x] && test(x, y));
      }
    }
    return copy;
  }

  penalty() {
    const size = this.size;
    const get = (x, y) => this.dark[y][x];
    let score = 0;
    for (const horizontal of [true, false]) {
      for (let a = 0; a < size; a++) {
        let run = 1;
        const line = [];
        for (let b = 0; b < size; b++) line.push(horizontal ? get(b, a) : get(a, b));
        for (let b = 1; b <= size; b++) {
          if (b < size && line[b] === line[b - 1]) {
            run++;
          } else {
            if (run >= 5) score += 3 + (run - 5);
            run = 1;
          }
        }
        const pattern = line.map((d) => (d ? '1' : '0')).join('');
        for (const finder of ['10111010000', '00001011101']) {
          for (let at = pattern.indexOf(finder); at >= 0; at = pattern.indexOf(finder, at + 1)) {
            score += 40;
          }
        }
      }
    }
    let dark = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        if (get(x, y)) dark++;
        if (x < size - 1 && y < size - 1) {
          const c = get(x, y);
          if (c === get(x + 1, y) && c === get(x, y + 1) && c === get(x + 1, y + 1)) score += 3;
        }
      }
    }
    score += Math.floor(Math.abs((dark * 100) / (size * size) - 50) / 5) * 10;
    return score;
  }
}

/**
 * Encode segments ({mode: 'numeric' | 'alphanumeric', text}) as a QR code.
 * Returns {version, level, mask, size, dark: boolean[][]}.
 */
export function encodeQr(segments, options = {}) {
  segments.forEach(checkSegment);
  const levels = options.level ? [options.level] : ['M', 'L'];
  for (const level of levels) {
    for (let version = options.minVersion || 1; version <= 40; version++) {
      const data = codewords(segments, version, level);
      if (!data) continue;
      const symbol = new Symbol(version);
      symbol.drawFunctionPatterns();
      symbol.drawData(interleave(data, version, level));
      let best = null;
      for (let mask = 0; mask < 8; mask++) {
        if (options.mask !== undefined && mask !== options.mask) continue;
        const candidate = symbol.masked(mask);
        candidate.drawFormat(FORMAT_LEVEL[level], mask);
        const score = candidate.penalty();
        if (!best || score < best.score) best = { score, mask, symbol: candidate };
      }
      return { version, level, mask: best.mask, size: symbol.size, dark: best.symbol.dark };
    }
  }
  throw new Error('too much data for a QR code');
}

/** An SVG drawing of a code with a 4-module quiet zone, one path for every dark module. */
export function qrSvg(code, label) {
  const border = 4;
  const full = code.size + 2 * border;
  let path = '';
  code.dark.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      let run = 1;
      while (x + run < row.length && row[x + run]) run++;
      path += `M${x + border},${y + border}h${run}v1h-${run}z`;
      x += run - 1;
    }
  });
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${full} ${full}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const background = document.createElementNS(svg.namespaceURI, 'rect');
  background.setAttribute('width', full);
  background.setAttribute('height', full);
  background.setAttribute('fill', '#ffffff');
  const modules = document.createElementNS(svg.namespaceURI, 'path');
  modules.setAttribute('d', path);
  modules.setAttribute('fill', '#000000');
  svg.append(background, modules);
  return svg;
}
