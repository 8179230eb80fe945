// chrono_dates.mjs - run chrono-node over the JSON lines the date scorers
// feed to timex_driver, printing the same output format:
//   in:  {"id", "published": "YYYY-MM-DDTHH:MM:SSZ", "text"} per line
//   out: {"id", "found": [{"start", "end", "text", "value": "YYYY-MM-DD",
//         "granularity": "day"|"month"|"year"}]} per line (UTF-8 byte offsets)
// The reference is the publication instant in UTC.
import * as chrono from "chrono-node";
import readline from "node:readline";

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
const pad = (n, w) => String(n).padStart(w, "0");

for await (const line of rl) {
  if (!line.trim()) continue;
  const row = JSON.parse(line);
  const ref = row.published ? new Date(row.published) : new Date();
  const found = [];
  let results = [];
  try {
    results = chrono.parse(row.text, { instant: ref, timezone: 0 });
  } catch (e) {
    results = [];
  }
  for (const r of results) {
    const c = r.start;
    let g = "day";
    if (!c.isCertain("day") && !c.isCertain("weekday")) {
      if (c.isCertain("month")) g = "month";
      else if (c.isCertain("year")) g = "year";
    }
    const y = c.get("year"), m = g === "year" ? 1 : c.get("month"),
      d = g === "day" ? c.get("day") : 1;
    const start = Buffer.byteLength(row.text.slice(0, r.index));
    found.push({
      start, end: start + Buffer.byteLength(r.text), text: r.text,
      value: `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`, granularity: g,
    });
  }
  process.stdout.write(JSON.stringify({ id: row.id, found }) + "\n");
}
