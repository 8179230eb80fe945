#!/usr/bin/env node
// Peer for the entity evaluation: compromise's people(), places() and
// organizations() on the same title and body as our finder. Reads JSON lines
// {"id","title","body"} from a file, prints {"id","entities":[{kind,name,mentions}]}.
// Usage: cd tools/eval/peers-ner && npm install && node run.js ../entities/set.jsonl > /tmp/peer.jsonl
//        node run.js --bench FILE   (prints articles per second on stderr)
'use strict';
const fs = require('fs');
const nlp = require('compromise');

const args = process.argv.slice(2);
const bench = args[0] === '--bench';
const file = bench ? args[1] : args[0];
const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));

function clean(s) {
  return s.replace(/[\u2019']s$/, '').replace(/[.,;:!?"'\u201c\u201d()]+$/g, '').replace(/^[("'\u201c]+/, '').trim();
}

function extract(text) {
  const doc = nlp(text);
  const out = [];
  for (const [kind, view] of [['person', doc.people()], ['place', doc.places()], ['org', doc.organizations()]]) {
    for (const s of view.out('array')) {
      const c = clean(s);
      if (c) out.push([kind, c]);
    }
  }
  return out;
}

const t0 = process.hrtime.bigint();
const results = [];
for (const r of rows) {
  const byKey = new Map();
  for (const text of [r.title || '', r.body || '']) {
    for (const [kind, name] of extract(text)) {
      const k = kind + '\u0000' + name.toLowerCase();
      if (!byKey.has(k)) byKey.set(k, { kind, name, mentions: [name] });
    }
  }
  results.push({ id: r.id, entities: Array.from(byKey.values()) });
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
if (bench) {
  process.stderr.write(`compromise: ${rows.length} articles in ${secs.toFixed(2)} s = ${(rows.length / secs).toFixed(1)} articles/s\n`);
} else {
  for (const r of results) process.stdout.write(JSON.stringify(r) + '\n');
}
