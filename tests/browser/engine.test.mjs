// The search engine of theme/search.js on the index Seam built for
// tests/fixtures/search (the folder in SITE): tokenising, prefixes, typos
// and ranking order, pinned.
//
//   SITE=/path/to/built/site node --test tests/browser/engine.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { engine } = require("../../theme/search.js");
const site = process.env.SITE;
const fetched = [];
const index = engine((path) => {
  fetched.push(path);
  return Promise.resolve(JSON.parse(readFileSync(site + "/" + path, "utf8")));
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
    "search/index.json": { format: 1, documents: 2, docs_chunk: 64, text_chunk: 128, stop_words: [], shards: ["", "m"], ends: [""] },
    "search/terms/0.json": { format: 1, terms: [["alpha", "0v0"], ["beta", "1v0"]] },
    "search/terms/1.json": { format: 1, terms: [["observability", "1v0"], ["zeta", "0v0"]] },
    "search/ends/0.json": { format: 1, terms: ["alpha", "observability"] },
    "search/docs/0.json": [["Alpha", "a/", "page", "a", "", ""], ["Observability", "o/", "page", "o", "", ""]],
  };
  const asked = [];
  const small = engine((path) => { asked.push(path); return Promise.resolve(files[path]); });
  const r = await small.search("bservability");
  const shown = await small.shown(r.m, r.ranked.map((s) => s.doc));
  assert.deepEqual(shown.map((d) => d.id), ["o"]);
  assert.ok(asked.includes("search/ends/0.json") && asked.includes("search/terms/1.json"), asked.join(" "));
  // A word spelled right, or a prefix, never fetches a typo shard.
  const fetchedPlain = [];
  const plain = engine((path) => { fetchedPlain.push(path); return Promise.resolve(files[path]); });
  await plain.search("alp");
  await plain.search("zeta");
  assert.ok(fetchedPlain.length > 0 && !fetchedPlain.some((p) => p.includes("/ends/")), fetchedPlain.join(" "));
});
