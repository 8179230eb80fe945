// check.mjs - read a WARC(.gz) file with webrecorder's warcio.js (an
// independent implementation) and print, as JSON, every record's type,
// target URI, date, offset, payload length and payload digest, with whether
// the declared digest matches a SHA-1 (base32) that we compute here with
// node's crypto.
//
// usage: node check.mjs FILE.warc.gz [--expect EXPECTED.json]
// With --expect, compares against a JSON array of {type, uri, date,
// payloadLength, offset} objects (absent or null fields are not compared)
// and exits 1 on any disagreement or digest mismatch.
import fs from "node:fs";
import crypto from "node:crypto";
import { WARCParser } from "warcio";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes) {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

async function readRecords(file) {
  const parser = new WARCParser(fs.createReadStream(file));
  const records = [];
  for await (const record of parser) {
    const offset = parser.offset;
    const payload = await record.readFully(false);
    const computed = "sha1:" + base32(crypto.createHash("sha1").update(payload).digest());
    const declared = record.warcPayloadDigest || null;
    records.push({
      offset,
      type: record.warcType,
      uri: record.warcTargetURI || null,
      date: record.warcDate || null,
      recordId: record.warcHeader("WARC-Record-ID") || null,
      concurrentTo: record.warcHeader("WARC-Concurrent-To") || null,
      httpStatus: record.httpHeaders ? Number(record.httpHeaders.statusCode) || null : null,
      payloadLength: payload.length,
      payloadDigest: declared,
      computedDigest: computed,
      digestOk: declared ? declared === computed : null,
    });
  }
  return records;
}

function compare(records, expected) {
  const problems = [];
  if (records.length !== expected.length)
    problems.push(`warcio read ${records.length} records, expected ${expected.length}`);
  const n = Math.min(records.length, expected.length);
  for (let i = 0; i < n; i++) {
    for (const key of ["type", "uri", "date", "payloadLength", "offset"]) {
      const want = expected[i][key];
      if (want === undefined || want === null) continue;
      if (records[i][key] !== want)
        problems.push(`record ${i}: ${key} is ${JSON.stringify(records[i][key])}, expected ${JSON.stringify(want)}`);
    }
    if (expected[i].payloadDigest && records[i].payloadDigest !== expected[i].payloadDigest)
      problems.push(`record ${i}: payload digest ${records[i].payloadDigest}, expected ${expected[i].payloadDigest}`);
  }
  records.forEach((r, i) => {
    if (r.digestOk === false)
      problems.push(`record ${i}: declared ${r.payloadDigest} but the payload hashes to ${r.computedDigest}`);
  });
  // request and response of one exchange point at each other
  const byId = new Map(records.map((r) => [r.recordId, r]));
  records.forEach((r, i) => {
    if (r.concurrentTo) {
      const other = byId.get(r.concurrentTo);
      if (!other || other.concurrentTo !== r.recordId)
        problems.push(`record ${i}: WARC-Concurrent-To ${r.concurrentTo} is not linked back`);
    }
  });
  return problems;
}

const args = process.argv.slice(2);
if (args.length < 1) {
  console.error("usage: node check.mjs FILE.warc.gz [--expect EXPECTED.json]");
  process.exit(2);
}
const file = args[0];
const records = await readRecords(file);
console.log(JSON.stringify(records, null, 1));
const ei = args.indexOf("--expect");
if (ei >= 0) {
  const expected = JSON.parse(fs.readFileSync(args[ei + 1], "utf8"));
  const problems = compare(records, expected);
  for (const p of problems) console.error("DISAGREE: " + p);
  const bad = records.filter((r) => r.digestOk === false).length;
  console.error(`warcio-check: ${records.length} records, ${problems.length} disagreements, ${bad} digest mismatches`);
  process.exit(problems.length === 0 ? 0 : 1);
}
