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
