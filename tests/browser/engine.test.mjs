// The search engine of theme/search.js on the index Seam built for
// tests/fixtures/search (the folder in SITE): tokenising, prefixes, typos
// and ranking order, pinned.
//
//   SITE=/path/to/built/site node --test tests/browser/engine.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { engine } = require("../../theme/search.js");
const site = process.env.SITE;
const fetched = [];
const index = engine((path) => {
  fetched.push(path);
  // Every file of the index is gzipped, as Seam writes it.
  const bytes = readFileSync(site + "/" + path);
  return Promise.resolve(JSON.parse((path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8")));
});
async function ids(query) {
  const r = await index.search(query);
  const shown = await index.shown(r.m, r.ranked.map((s) => s.doc));
  return shown.map((d) => d.id);
}

test("words are folded as Seam folds them", async () => {
  const m = await index.manifest();
  assert.deepEqual(index.words("The Café's ÜBER-fast API, ADR-0007 and naïve 00", m.stops),
    ["cafe", "s", "uber", "fast", "api", "adr", "7", "naive", "0"]);
});

test("edits count insertions, deletions, substitutions and swaps", () => {
  assert.equal(index.edits("rabbitmq", "rabbitmq", 2), 0);
  assert.equal(index.edits("rabbtmq", "rabbitmq", 2), 1);
  assert.equal(index.edits("rabbitqm", "rabbitmq", 2), 1);
  assert.equal(index.edits("rabbotmq", "rabbitmq", 2), 1);
  assert.equal(index.edits("rbbotmq", "rabbitmq", 1), 2);
});

test("a team's id puts the team first, then titles before bodies", async () => {
  assert.deepEqual(await ids("ledger"), ["ledger", "ADR-0001", "ADR-0003", "ADR-0002"]);
});

test("documents with every word come first", async () => {
  assert.deepEqual(await ids("redis sessions"), ["ADR-0002", "storefront", "ADR-0003"]);
});

test("an ADR number finds its ADR first, written either way", async () => {
  assert.equal((await ids("ADR-0003"))[0], "ADR-0003");
  assert.equal((await ids("adr 3"))[0], "ADR-0003");
});

test("a prefix matches while typing", async () => {
  assert.deepEqual(await ids("obser"), ["handbook/observability"]);
  assert.deepEqual(await ids("postg"), ["ADR-0001"]);
});

test("one typo in a word of five letters or more still matches", async () => {
  assert.deepEqual(await ids("obsrvability"), ["handbook/observability"]);
  assert.deepEqual(await ids("pstgres"), ["ADR-0001"]);
  // Shorter words must be spelled right.
  assert.deepEqual(await ids("rdis"), []);
});

test("stop words alone find nothing, and a repeated query fetches nothing new", async () => {
  assert.deepEqual(await ids("the and of"), []);
  await ids("ledger");
  const before = fetched.length;
  await ids("ledger");
  assert.equal(fetched.length, before);
});

test("a typo in a word's first letters is found through the typo shards", async () => {
  // A hand-made index of two documents: shard 1 holds "observability" (in
  // document 1), so "bservability" looks in shard 0 and finds nothing that
  // starts like it; the typo shard of words ending "…ytilibavres" names it.
  const files = {
    "search/index.json.gz": { format: 3, documents: 2, docs_chunk: 64, text_chunk: 128, stop_words: [], shards: ["", "m"], ends: [""] },
    "search/terms/0.json.gz": { format: 3, terms: [["alpha", "0.f.0"], ["beta", "1.f.0"]] },
    "search/terms/1.json.gz": { format: 3, terms: [["observability", "1.f.0"], ["zeta", "0.f.0"]] },
    "search/ends/0.json.gz": { format: 3, terms: ["alpha", "observability"] },
    "search/docs/0.json.gz": [["Alpha", "a/", "page", "a", "", ""], ["Observability", "o/", "page", "o", "", ""]],
  };
  const asked = [];
  const small = engine((path) => { asked.push(path); return Promise.resolve(files[path]); });
  const r = await small.search("bservability");
  const shown = await small.shown(r.m, r.ranked.map((s) => s.doc));
  assert.deepEqual(shown.map((d) => d.id), ["o"]);
  assert.ok(asked.includes("search/ends/0.json.gz") && asked.includes("search/terms/1.json.gz"), asked.join(" "));
  // A word too short to be mistyped never fetches a typo shard.
  const fetchedPlain = [];
  const plain = engine((path) => { fetchedPlain.push(path); return Promise.resolve(files[path]); });
  await plain.search("alp");
  await plain.search("zeta");
  assert.ok(fetchedPlain.length > 0 && !fetchedPlain.some((p) => p.includes("/ends/")), fetchedPlain.join(" "));
  // A long word fetches its typo shard beside its own shard, in the same
  // round, and nothing more when it is spelled right.
  const spelled = [];
  const right = engine((path) => { spelled.push(path); return Promise.resolve(files[path]); });
  const found = await right.search("observability");
  assert.deepEqual(found.ranked.map((s) => s.doc), [1]);
  assert.deepEqual(spelled, ["search/index.json.gz", "search/terms/1.json.gz", "search/ends/0.json.gz"]);
});

test("an id asked for as one (ADR-0007, adr 7) fetches no shard for the word every ADR has", async () => {
  // Shard 1 holds only "adr", in both documents; shard 2 the whole id.
  const files = {
    "search/index.json.gz": { format: 3, documents: 2, docs_chunk: 128, text_chunk: 128, stop_words: [], shards: ["", "adr", "adr-"], ends: [""], id_prefixes: ["adr"] },
    "search/terms/0.json.gz": { format: 3, terms: [["7", "0.f.0"]] },
    "search/terms/1.json.gz": { format: 3, terms: [["adr", "01.ff.00"]] },
    "search/terms/2.json.gz": { format: 3, terms: [["adr-7#", "0.f.0"], ["adr-8#", "1.f.0"]] },
    "search/ends/0.json.gz": { format: 3, terms: [] },
    "search/docs/0.json.gz": [["Seven", "a/", "adr", "ADR-0007", "", ""], ["Eight", "b/", "adr", "ADR-0008", "", ""]],
  };
  for (const query of ["ADR-0007", "adr 7"]) {
    const asked = [];
    const small = engine((path) => { asked.push(path); return Promise.resolve(files[path]); });
    const r = await small.search(query);
    assert.equal(r.ranked[0].doc, 0, query);
    assert.ok(!asked.includes("search/terms/1.json.gz"), asked.join(" "));
  }
  // Without the manifest's word for numbered ids, both words are looked up.
  const asked = [];
  const plain = engine((path) => {
    asked.push(path);
    const f = files[path];
    return Promise.resolve(path.endsWith("index.json.gz") ? { ...f, id_prefixes: [] } : f);
  });
  await plain.search("ADR-0007");
  assert.ok(asked.includes("search/terms/1.json.gz"), asked.join(" "));
});

test("a mistyped word fetches the shards of only its nearest spellings", async () => {
  // "bservability" begins no word of shard 0. Its typo shard names
  // "observability" (one edit, shard 1) and "zbservabilitx" (two edits,
  // shard 2): only shard 1 is fetched. Without the nearer word, shard 2 is.
  const files = {
    "search/index.json.gz": { format: 3, documents: 2, docs_chunk: 64, text_chunk: 128, stop_words: [], shards: ["", "m", "t"], ends: [""] },
    "search/terms/0.json.gz": { format: 3, terms: [["alpha", "0.f.0"]] },
    "search/terms/1.json.gz": { format: 3, terms: [["observability", "1.f.0"]] },
    "search/terms/2.json.gz": { format: 3, terms: [["zbservabilitx", "0.f.0"]] },
    "search/ends/0.json.gz": { format: 3, terms: ["alpha", "observability", "zbservabilitx"] },
    "search/docs/0.json.gz": [["Alpha", "a/", "page", "a", "", ""], ["Observability", "o/", "page", "o", "", ""]],
  };
  const run = async (ends) => {
    const asked = [];
    const e = engine((path) => {
      asked.push(path);
      return Promise.resolve(path === "search/ends/0.json.gz" ? { format: 3, terms: ends } : files[path]);
    });
    const r = await e.search("bservability");
    return { asked, docs: r.ranked.map((s) => s.doc) };
  };
  const near = await run(["alpha", "observability", "zbservabilitx"]);
  assert.deepEqual(near.docs, [1]);
  assert.ok(near.asked.includes("search/terms/1.json.gz") && !near.asked.includes("search/terms/2.json.gz"), near.asked.join(" "));
  const far = await run(["alpha", "zbservabilitx"]);
  assert.deepEqual(far.docs, [0]);
  assert.ok(far.asked.includes("search/terms/2.json.gz"), far.asked.join(" "));
});
