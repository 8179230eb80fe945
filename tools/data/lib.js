// Shared helpers of the data builders (newsarchive project).
'use strict';
const fs = require('fs');

// Latin letters U+00C0..U+017F folded to a lower-case ASCII letter (0 keeps
// the letter as it is). The C side reads the same table from names_data.c.
const FOLD_SPECIAL = { 'Ø': 'o', 'ø': 'o', 'Đ': 'd', 'đ': 'd', 'Ħ': 'h', 'ħ': 'h', 'ı': 'i',
  'Ł': 'l', 'ł': 'l', 'Ŀ': 'l', 'ŀ': 'l' };
const FOLD = [];
for (let cp = 0xC0; cp <= 0x17F; cp++) {
  const ch = String.fromCodePoint(cp);
  let base = FOLD_SPECIAL[ch] || ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  base = base.toLowerCase();
  FOLD.push(base.length === 1 && base >= 'a' && base <= 'z' ? base : '');
}

// Normalised lookup key: the C side (entities_words.c) does the same:
// accents folded, ASCII lower-cased, dots dropped, spaces collapsed.
function normKey(s) {
  let out = '';
  let space = false;
  for (let ch of s.replace(/\u2019/g, "'")) {
    if (ch === '.') continue;
    if (ch === ' ' || ch === '\t' || ch === '\u00a0') { space = out.length > 0; continue; }
    if (space) { out += ' '; space = false; }
    const cp = ch.codePointAt(0);
    if (cp >= 0xC0 && cp <= 0x17F && FOLD[cp - 0xC0]) ch = FOLD[cp - 0xC0];
    out += (ch >= 'A' && ch <= 'Z') ? ch.toLowerCase() : ch;
  }
  return out;
}

function fnv1a(str) {
  const b = Buffer.from(str, 'utf8');
  let h = 2166136261;
  for (const x of b) { h ^= x; h = Math.imul(h, 16777619) >>> 0; }
  return h >>> 0;
}

// A pool of NUL-terminated strings; offset 0 is the empty string.
class Pool {
  constructor() { this.parts = ['']; this.len = 1; this.index = new Map([['', 0]]); }
  add(s) {
    if (this.index.has(s)) return this.index.get(s);
    const off = this.len;
    this.parts.push(s);
    this.len += Buffer.byteLength(s, 'utf8') + 1;
    this.index.set(s, off);
    return off;
  }
  emit(name) {
    const lines = [];
    let line = '';
    for (const s of this.parts.slice(1)) {
      line += s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '\\0';
      if (line.length > 90) { lines.push('    "' + line + '"'); line = ''; }
    }
    if (line) lines.push('    "' + line + '"');
    return `const char ${name}[] =\n    "\\0"\n${lines.join('\n')};\n`;
  }
}

// Open-addressing table over the given keys (array of strings, unique).
function slots(keys) {
  let size = 1;
  while (size < keys.length * 2) size <<= 1;
  const t = new Uint32Array(size);
  keys.forEach((k, i) => {
    let j = fnv1a(k) & (size - 1);
    while (t[j]) j = (j + 1) & (size - 1);
    t[j] = i + 1;
  });
  return { table: t, mask: size - 1 };
}

function emitU32(name, arr) {
  const out = [];
  for (let i = 0; i < arr.length; i += 12)
    out.push('    ' + Array.from(arr.slice(i, i + 12)).join(','));
  return `const uint32_t ${name}[${arr.length}] = {\n${out.join(',\n')}\n};\n`;
}

function readTsv(path) {
  return fs.readFileSync(path, 'utf8').split('\n')
    .filter(l => l.trim() && !l.startsWith('#'))
    .map(l => l.split('\t'));
}

module.exports = { FOLD, normKey, fnv1a, Pool, slots, emitU32, readTsv };
