// Types into the search box of a built Seam site in headless Chromium and
// checks what a reader sees and what the page fetches.
//
//   node tests/browser/search.mjs http://127.0.0.1:PORT/wiki/
//
// Exits 1 with a message on the first failed expectation.
import { checks, launch } from "./rig.mjs";
import assert from "node:assert/strict";

const site = process.argv[2];
const origin = new URL(site).origin;
const browser = await launch();
const { failures, check } = checks();

try {
  const page = await browser.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(site);
  const box = page.locator("#search-q");
  const options = page.locator(".search-box [role=option]");
  const firstTitle = () => options.first().locator("a").textContent();

  await check("the box invites a search once the script runs", async () => {
    assert.match(await box.getAttribute("placeholder"), /^Search /);
    assert.ok(!(await box.getAttribute("placeholder")).includes("JavaScript"));
  });

  await check("the manifest alone is fetched once the page is idle, before anyone types", async () => {
    await page.waitForFunction(() => performance.getEntriesByType("resource").some((r) => r.name.endsWith("/search/index.json.gz")), null, { timeout: 10000 });
    const search = requests.filter((u) => u.includes("/search/"));
    assert.deepEqual(search.map((u) => new URL(u).pathname.replace(/^.*\/search\//, "")), ["index.json.gz"], search.join("\n"));
  });

  await check("/ focuses the box", async () => {
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement.id), "search-q");
  });

  await check("nothing is fetched before the first query", async () => {
    assert.ok(!requests.some((u) => u.includes("/search/terms/")), requests.join("\n"));
  });

  await check("a word gives results as it is typed", async () => {
    const before = requests.length;
    await box.pressSequentially("rabbitmq", { delay: 20 });
    await page.waitForFunction(() => /RabbitMQ/.test(document.querySelector(".search-box [role=option] a")?.textContent || ""));
    assert.match(await firstTitle(), /Use RabbitMQ for asynchronous domain events/);
    const fetched = requests.slice(before).filter((u) => u.includes("/search/"));
    for (const u of fetched) {
      assert.match(u, /\/search\/(index|terms\/\d+|ends\/\d+|docs\/\d+)\.json\.gz$/, u);
    }
    const shards = new Set(fetched.filter((u) => u.includes("/terms/")));
    // Prefixes of one word fall in at most a few neighbouring shards.
    assert.ok(shards.size <= 3, [...shards].join("\n"));
  });

  await check("an exact id comes first", async () => {
    await box.fill("ADR-0009");
    await page.waitForFunction(() => /Kafka/.test(document.querySelector(".search-box [role=option] a")?.textContent || ""));
    assert.match(await firstTitle(), /Move domain events to Kafka/);
  });

  await check("a typo still finds the document", async () => {
    await box.fill("rabbtmq");
    await page.waitForFunction(() => /RabbitMQ/.test(document.querySelector(".search-box [role=option] a")?.textContent || ""));
    assert.match(await firstTitle(), /RabbitMQ/);
  });

  await check("arrows move through results and Enter opens one", async () => {
    await box.fill("kafka");
    await page.waitForFunction(() => /Kafka/.test(document.querySelector(".search-box [role=option] a")?.textContent || "") &&
      document.querySelectorAll(".search-box [role=option]").length >= 2);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const selected = page.locator(".search-box [role=option][aria-selected=true]");
    assert.equal(await selected.count(), 1);
    assert.equal(await box.getAttribute("aria-activedescendant"), await selected.getAttribute("id"));
    const href = await selected.locator("a").getAttribute("href");
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith(href.replace(/^.*\/\/[^/]+/, ""))), page.keyboard.press("Enter")]);
  });

  await check("Escape closes the results", async () => {
    await page.goto(site);
    await box.click();
    await box.fill("kafka");
    await page.waitForFunction(() => !document.querySelector(".search-dropdown").hidden);
    await page.keyboard.press("Escape");
    assert.ok(await page.locator(".search-dropdown").isHidden());
    assert.equal(await box.getAttribute("aria-expanded"), "false");
  });

  await check("the results page filters by kind with counts", async () => {
    await page.goto(site + "search/?q=payments");
    await page.waitForFunction(() => document.querySelectorAll(".search-result").length > 0);
    const status = await page.locator(".search-status").textContent();
    const total = Number(status.match(/^(\d+) result/)[1]);
    const kinds = page.locator("[data-facet=kind] label");
    assert.ok((await kinds.count()) >= 2, "several kinds match");
    let sum = 0;
    for (const label of await kinds.all()) sum += Number(await label.locator(".count").textContent());
    assert.equal(sum, total, "kind counts add up to the results");
    const team = kinds.filter({ hasText: "team" });
    const teams = Number(await team.locator(".count").textContent());
    await team.locator("input").check();
    await page.waitForFunction((n) => document.querySelector(".search-status").textContent.startsWith(n + " result"), teams);
    const shownNow = await page.locator(".search-result").count();
    assert.equal(shownNow, Math.min(teams, 20));
    const excerpts = await page.locator(".search-result .search-meta").allTextContents();
    assert.ok(excerpts.every((t) => t.startsWith("team")), excerpts.join("\n"));
  });

  await check("excerpts mark the query and link the section they are under", async () => {
    await page.goto(site + "search/?q=partitions");
    await page.waitForFunction(() => document.querySelectorAll(".search-result").length > 0);
    assert.ok((await page.locator(".search-result mark").count()) > 0);
    const section = page.locator(".search-result .search-section").first();
    assert.match(await section.getAttribute("href"), /#[\w-]+$/);
  });

  await check("the ADR index's filter box searches, an ADR number included", async () => {
    await page.goto(site + "adrs/");
    const q = page.locator("form.filters input[name=q]");
    const visible = () => page.locator("#adr-table tbody tr:not([hidden])");
    const all = await visible().count();
    await q.fill("kafka");
    await page.waitForFunction((n) => document.querySelectorAll("#adr-table tbody tr:not([hidden])").length < n, all);
    const titles = await visible().locator("td:nth-child(2)").allTextContents();
    assert.ok(titles.some((t) => /Kafka/.test(t)), titles.join("\n"));
    await q.fill("7");
    await page.waitForFunction(() => [...document.querySelectorAll("#adr-table tbody tr:not([hidden]) td:first-child")].some((td) => td.textContent.trim() === "ADR-0007"));
    await q.fill("");
    await page.waitForFunction((n) => document.querySelectorAll("#adr-table tbody tr:not([hidden])").length === n, all);
  });

  await check("every request stays on the site's host", async () => {
    const outside = requests.filter((u) => !u.startsWith(origin));
    assert.deepEqual(outside, []);
  });

  await check("no script errors", async () => {
    assert.deepEqual(errors, []);
  });

  const offline = await browser.newPage();
  await check("JavaScript off: the box says search needs it", async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const p = await ctx.newPage();
    await p.goto(site);
    assert.match(await p.locator("#search-q").getAttribute("placeholder"), /needs JavaScript/);
    await p.goto(site + "search/?q=x");
    assert.match(await p.locator("noscript").innerHTML(), /Search needs JavaScript/);
    await ctx.close();
  });
  await offline.close();
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(failures.length + " failed");
  process.exit(1);
}
