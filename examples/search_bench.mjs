// Benchmark: what a cold search costs a reader, on a site `seam build` wrote.
//
//   node examples/search_bench.mjs OUTPUT_DIR [QUERIES]
//
// Generates a query set from the site's own index, deterministically:
// single words of rare, middling and common frequency, two- and three-word
// queries from titles, ids, and title words with one typo (a letter
// dropped, doubled, swapped or replaced, at a seeded place). Each query runs
// on a fresh engine of theme/search.js (a cold cache) that reads the files
// from disk and counts their bytes, as a browser would fetch them: before
// the dropdown can show the first result (the manifest, the query's shards
// and the best result's chunk), and once it shows all eight. Prints, per
// query class, the bytes fetched (script included; as written, and as a
// host that gzips would send them), the files, the query time, and how often
// the intended document (for ids and typos) is in the top five; for typos,
// also how often among the queries whose right spelling puts it there.
// MISSES=1 lists the typo and id queries that miss; LARGEST=1 lists, per
// class, the files the costliest query fetched before its first result.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { gzipSync, gunzipSync } from "node:zlib";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { engine } = require("../theme/search.js");
const dir = process.argv[2];
const perClass = Number(process.argv[3] || 50);
if (!dir) {
  console.error("usage: node examples/search_bench.mjs OUTPUT_DIR [QUERIES]");
  process.exit(2);
}
const sizes = new Map();
// A file's bytes as written, and as a host that gzips what it serves would
// send them (a file Seam wrote gzipped is sent as it is).
function size(path) {
  if (!sizes.has(path)) {
    const bytes = readFileSync(dir + "/" + path);
    sizes.set(path, [bytes.length, path.endsWith(".gz") ? bytes.length : gzipSync(bytes).length]);
  }
  return sizes.get(path);
}
// A file's JSON, unpacked where Seam wrote it gzipped.
function json(path) {
  const bytes = readFileSync(dir + "/" + path);
  return JSON.parse((path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8"));
}
// A cold engine that counts what it fetches, and in how many sequential
// rounds: a file asked for once the files of round r have come is in round r + 1.
function fresh() {
  const fetched = new Set();
  let arrived = 0, deepest = 0;
  const e = engine((path) => {
    fetched.add(path);
    const round = arrived + 1;
    deepest = Math.max(deepest, round);
    return new Promise((resolve) => setTimeout(() => { arrived = Math.max(arrived, round); resolve(json(path)); }, 0));
  });
  return { e, fetched, rounds: () => deepest };
}

// A small deterministic generator (mulberry32).
let seed = 42;
function random() {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];

const manifest = json("search/index.json.gz");
const n = manifest.documents;
// Every term and its document count, from the shards.
const terms = [];
for (let k = 0; k < manifest.shards.length; k++) {
  const shard = json(`search/terms/${k}.json.gz`);
  const { e } = fresh();
  for (const t of shard.terms) {
    if (t[0].endsWith("#") || !/^[a-z]{4,}$/.test(t[0])) continue;
    terms.push([t[0], e.decodeNumbers(t[1].split(".")[0]).length]);
  }
}
terms.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
const frequency = new Map(terms);
const band = (lo, hi) => terms.filter(([, df]) => df >= lo * n && df <= hi * n).map(([t]) => t);
const docs = [];
for (let c = 0; c * manifest.docs_chunk < n; c++) {
  docs.push(...json(`search/docs/${c}.json.gz`));
}
const titled = docs.map((d, i) => [i, d]).filter(([, d]) => d[0].split(/\s+/).filter((w) => /^[a-z]{5,}$/i.test(w)).length >= 3);

function typo(word) {
  const at = 1 + Math.floor(random() * (word.length - 1));
  const letter = "abcdefghijklmnopqrstuvwxyz"[Math.floor(random() * 26)];
  switch (Math.floor(random() * 4)) {
    case 0: return word.slice(0, at) + word.slice(at + 1);
    case 1: return word.slice(0, at) + word[at - 1] + word.slice(at);
    case 2: return at < word.length - 1 ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2) : word.slice(0, -1);
    default: return word.slice(0, at) + (letter === word[at] ? "z" : letter) + word.slice(at + 1);
  }
}

const classes = {
  "rare word": () => ({ q: pick(band(0, 0.001)) }),
  "middling word": () => ({ q: pick(band(0.01, 0.05)) }),
  "common word": () => ({ q: pick(band(0.1, 1)) }),
  "two words": () => { const [, d] = pick(titled); const w = d[0].split(/\s+/).filter((x) => /^[a-z]{5,}$/i.test(x)); return { q: w.slice(0, 2).join(" ") }; },
  "three words": () => { const [, d] = pick(titled); const w = d[0].split(/\s+/).filter((x) => /^[a-z]{5,}$/i.test(x)); return { q: w.slice(0, 3).join(" ") }; },
  "id": () => { const d = pick(docs); return { q: d[3], target: docs.indexOf(d) }; },
  // The three title words that tell the document apart best (the rarest),
  // in title order, as someone looking for that one document would type them.
  "title words, one typo": () => {
    const [i, d] = pick(titled);
    const all = d[0].split(/\s+/).filter((x) => /^[a-z]{5,}$/i.test(x));
    const rarest = all.map((x, at) => [at, frequency.get(x.toLowerCase()) ?? n])
      .sort((a, b) => a[1] - b[1] || a[0] - b[0]).slice(0, 3).map(([at]) => at).sort((a, b) => a - b);
    const w = rarest.map((at) => all[at]);
    const k = Math.floor(random() * w.length);
    const spelled = w.join(" ");
    w[k] = typo(w[k].toLowerCase());
    return { q: w.join(" "), target: i, spelled };
  },
};

const script = size("theme/search.js");
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const p95 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]; };
const indexFiles = readdirSync(dir + "/search", { recursive: true }).filter((f) => f.endsWith(".json.gz"));
const indexBytes = indexFiles.reduce((sum, f) => sum + statSync(dir + "/search/" + f).size, 0);
console.log(`${n} documents; index ${indexFiles.length} files (one per ${(n / indexFiles.length).toFixed(1)} documents), ${(indexBytes / 1048576).toFixed(1)} MB; script ${script[0]} B (${script[1]} gzipped)`);
console.log("class | first result: median KB (gzip) | max KB | all eight: median KB (gzip) | median files | sequential rounds, manifest included: median / max (share over three) | query ms median / p95 | top 5");
const generated = Object.entries(classes).map(([name, make]) => [name, Array.from({ length: perClass }, make)]);
for (const [name, queries] of generated) {
  const bytes = [], gz = [], files = [], times = [], eight = [], eightGz = [], rounds = [];
  // Of the queries whose right spelling finds the intended document in the
  // top five, how many still find it with the typo.
  let hits = 0, targets = 0, findable = 0, kept = 0;
  let largest = { raw: 0 };
  for (const { q, target, spelled } of queries) {
    if (!q) continue;
    const { e, fetched, rounds: deepest } = fresh();
    const t0 = performance.now();
    const r = await e.search(q);
    const top = r.ranked.slice(0, 8).map((s) => s.doc);
    await e.shown(r.m, top.slice(0, 1));
    times.push(performance.now() - t0);
    const counted = () => {
      let raw = script[0], zipped = script[1];
      for (const f of fetched) { const [a, b] = size(f); raw += a; zipped += b; }
      return [raw / 1024, zipped / 1024];
    };
    const [raw, zipped] = counted();
    bytes.push(raw); gz.push(zipped); files.push(fetched.size); rounds.push(deepest());
    if (raw > largest.raw) largest = { raw, q, files: [...fetched].map((f) => `${f} ${(size(f)[0] / 1024).toFixed(1)}`) };
    await e.shown(r.m, top);
    const [raw8, zipped8] = counted();
    eight.push(raw8); eightGz.push(zipped8);
    if (target !== undefined) {
      targets++;
      const found = top.slice(0, 5).includes(target);
      if (found) hits++;
      if (spelled !== undefined) {
        const right = await fresh().e.search(spelled);
        if (right.ranked.slice(0, 5).some((s) => s.doc === target)) { findable++; if (found) kept++; }
      }
      if (!found && process.env.MISSES) console.log(`  missed: ${JSON.stringify(q)} wanted ${JSON.stringify(docs[target][0])} at ${r.ranked.findIndex((s) => s.doc === target) + 1} of ${r.ranked.length}; first ${JSON.stringify((await e.shown(r.m, top.slice(0, 3))).map((d) => d.title))}`);
    }
    // A repeated query fetches nothing new.
    const before = fetched.size;
    await e.search(q);
    if (fetched.size !== before) throw new Error("a repeated query fetched again: " + q);
  }
  if (!bytes.length) {
    // A corpus whose words all fall outside this class's band (no word in
    // under 0.1% of documents, say) makes no query of it.
    console.log(`${name} | no query: no word of the site's index falls in this class`);
    continue;
  }
  console.log(`${name} | ${median(bytes).toFixed(1)} (${median(gz).toFixed(1)}) | ${Math.max(...bytes).toFixed(1)} | ${median(eight).toFixed(1)} (${median(eightGz).toFixed(1)}) | ${median(files)} | ${median(rounds)} / ${Math.max(...rounds)} (${(100 * rounds.filter((r) => r > 3).length / rounds.length).toFixed(0)}%) | ${median(times).toFixed(1)} / ${p95(times).toFixed(1)} | ${targets ? (100 * hits / targets).toFixed(0) + "%" : "-"}${findable ? ` (${(100 * kept / findable).toFixed(0)}% of the ${findable} the right spelling finds)` : ""}`);
  if (process.env.LARGEST) console.log(`  largest: ${JSON.stringify(largest.q)} ${largest.raw.toFixed(1)} KB: ${largest.files.join(", ")}`);
}

// BROWSER=1: the same queries typed into the header's box of the site's home
// page in headless Chromium (playwright-core from tests/browser), served from
// loopback. Cold: a fresh browser context per query, the box focused (which
// fetches the manifest) and then the query set at once; the time runs from
// that input to the first result drawn, the box's 40 ms pause for typing
// included. Warm: the same query again once its files are cached.
if (process.env.BROWSER) {
  const { createServer } = await import("node:http");
  const { chromium } = createRequire(new URL("../tests/browser/package.json", import.meta.url))("playwright-core");
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path.endsWith("/")) path += "index.html";
    try {
      const bytes = readFileSync(dir + path);
      const type = path.endsWith(".html") ? "text/html" : path.endsWith(".js") ? "text/javascript" : path.endsWith(".css") ? "text/css" : "application/octet-stream";
      res.writeHead(200, { "content-type": type });
      res.end(bytes);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const home = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const typed = (page, q) => page.evaluate((q) => new Promise((resolve, reject) => {
    const input = document.querySelector("form[data-search] input[type=search]");
    const list = input.form.querySelector("[role=listbox]");
    list.textContent = "";
    const t0 = performance.now();
    const seen = new MutationObserver(() => {
      if (list.querySelector("[role=option], .search-error")) { seen.disconnect(); resolve(performance.now() - t0); }
    });
    seen.observe(list, { childList: true, subtree: true });
    input.value = q;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    setTimeout(() => reject(new Error("no result for " + q)), 20000);
  }), q);
  console.log("\nin Chromium | cold: first result ms median / p95 | warm: median / p95");
  for (const [name, queries] of generated) {
    const cold = [], warm = [];
    for (const { q } of queries) {
      if (!q) continue;
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(home);
      await page.focus("form[data-search] input[type=search]");
      await page.waitForLoadState("networkidle");
      cold.push(await typed(page, q));
      // The other seven results come after the first: let them land.
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(200);
      warm.push(await typed(page, q));
      await context.close();
    }
    console.log(`${name} | ${median(cold).toFixed(0)} / ${p95(cold).toFixed(0)} | ${median(warm).toFixed(0)} / ${p95(warm).toFixed(0)}`);
  }
  await browser.close();
  server.close();
}
