// Tries a built Seam site in headless Chromium as its readers would: every
// page crawled, on a laptop and on a phone, light and dark, with and without
// JavaScript, checked by axe-core; screenshots of the main page types.
//
//   node tests/browser/site.mjs http://127.0.0.1:PORT/ [SHOTS_DIR] [--pages N]
//
// With --pages N (a large site) the crawl stops after N pages, taken
// breadth-first from the home page; links to pages beyond them are checked
// by their HTTP status, not their anchors, and the journeys through the
// example organisation's own documents are left out. Prints one line per
// check and exits 1 if any failed.
import { checks, launch } from "./rig.mjs";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

const args = process.argv.slice(2);
const limitAt = args.indexOf("--pages");
const limit = limitAt >= 0 ? Number(args.splice(limitAt, 2)[1]) : Infinity;
const site = args[0];
const shots = args[1];
const origin = new URL(site).origin;
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const browser = await launch();
const { failures, check } = checks();

/// The page's path under the site, without its fragment: what the crawl visits once.
const key = (url) => {
  const u = new URL(url);
  u.hash = "";
  return u.href;
};
const isPage = (url) => url.endsWith("/") || url.endsWith(".html");

try {
  // 1. Every page: no console error, nothing from another host, every link and anchor resolves.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  const foreign = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(`${page.url()}: ${m.text()}`); });
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith("data:") && !u.startsWith("blob:") && new URL(u).origin !== origin) foreign.push(u);
  });
  const pages = new Map(); // page → its element ids
  const links = []; // [from, to]
  const files = new Set();
  const queue = [site];
  const seen = new Set([site]);
  const unvisited = new Set();
  while (queue.length) {
    const url = queue.shift();
    if (pages.size >= limit) {
      unvisited.add(url);
      continue;
    }
    const response = await page.goto(url, { waitUntil: "load" });
    if (!response || response.status() !== 200) {
      errors.push(`${url}: HTTP ${response && response.status()}`);
      continue;
    }
    const found = await page.evaluate(() => ({
      ids: [...document.querySelectorAll("[id], a[name]")].map((e) => e.id || e.getAttribute("name")),
      hrefs: [...document.querySelectorAll("a[href], link[href]")]
        .map((a) => new URL(a.getAttribute("href"), document.baseURI).href),
    }));
    pages.set(url, new Set(found.ids));
    for (const href of found.hrefs) {
      if (!href.startsWith(origin)) continue;
      links.push([url, href]);
      const target = key(href);
      if (seen.has(target)) continue;
      seen.add(target);
      if (isPage(target)) queue.push(target);
      else files.add(target);
    }
  }
  console.log(`crawled ${pages.size} pages, ${links.length} links, ${files.size} other files`);

  await check("every page loads with no console error", async () => {
    assert.deepEqual(errors, []);
  });
  await check("nothing is fetched from another host", async () => {
    assert.deepEqual(foreign, []);
  });
  await check("every internal link and anchor resolves", async () => {
    const broken = [];
    for (const f of [...files, ...unvisited]) {
      const r = await context.request.get(f);
      if (r.status() !== 200) broken.push(`${f}: HTTP ${r.status()}`);
    }
    for (const [from, href] of links) {
      const u = new URL(href);
      const target = key(href);
      if (!isPage(target)) continue;
      const ids = pages.get(target);
      if (unvisited.has(target)) continue;
      if (!ids) broken.push(`${from} → ${href}: not a page`);
      else if (u.hash && u.hash !== "#" && !ids.has(decodeURIComponent(u.hash.slice(1)))) {
        broken.push(`${from} → ${href}: no such anchor`);
      }
    }
    assert.deepEqual(broken, []);
  });

  const all = [...pages.keys()];
  const pick = (re) => all.find((u) => re.test(new URL(u).pathname));
  const types = {
    home: site,
    team: pick(/\/teams\/[^/]+\/$/),
    adr: pick(/\/adrs\/adr-[^/]+\/$/),
    tracker: pick(/\/dependencies\/$/),
    commitments: pick(/\/commitments\/$/),
    alignment: pick(/\/alignments\/[^/]+\/$/),
    rotation: pick(/\/rotations\/[^/]+\/$/),
    update: pick(/\/updates\/[^/]+\/$/),
    digest: pick(/\/digest\/\d{4}-W\d\d\/$/),
    archive: pick(/\/digest\/$/),
    adrs: pick(/\/adrs\/$/),
    health: pick(/\/health\/$/),
    tags: pick(/\/tags\/$/),
    tag: pick(/\/tags\/[^/]+\/$/),
    search: pick(/\/search\/$/),
  };

  // 2. Navigation as a person uses it, by clicking and by keyboard (the example's documents).
  const example = limit === Infinity;
  if (example) await check("home → a team → an ADR it owns → its successor → the tracker → back", async () => {
    await page.goto(site);
    await page.locator(".card a", { hasText: "Identity" }).click();
    assert.match(page.url(), /\/teams\/identity\/$/);
    await page.locator("#decisions ~ ul a", { hasText: "ADR-0005" }).click();
    assert.match(page.url(), /\/adrs\/adr-0005\/$/);
    await page.locator(".callout-superseded a", { hasText: "ADR-0015" }).click();
    assert.match(page.url(), /\/adrs\/adr-0015\/$/);
    await page.locator(".site-header nav a", { hasText: "Dependencies" }).click();
    assert.match(page.url(), /\/dependencies\/$/);
    assert.equal(await page.locator(".site-header nav a[aria-current=page]").textContent(), "Dependencies");
    await page.goBack();
    assert.match(page.url(), /\/adrs\/adr-0015\/$/);
  });
  if (example) await check("the header search finds an ADR by a word of its body and opens it by keyboard alone", async () => {
    await page.goto(site);
    await page.keyboard.press("/");
    // "monolith" is in ADR-0015's context, not its title.
    await page.keyboard.type("monolith", { delay: 15 });
    await page.waitForFunction(() => [...document.querySelectorAll(".search-box [role=option] a")]
      .some((a) => /Opaque session tokens/.test(a.textContent)));
    const titles = await page.locator(".search-box [role=option] a").allTextContents();
    const at = titles.findIndex((t) => /Opaque session tokens/.test(t));
    for (let n = 0; n <= at; n++) await page.keyboard.press("ArrowDown");
    await Promise.all([page.waitForURL(/\/adrs\/adr-0015\/$/), page.keyboard.press("Enter")]);
  });
  await check("a graph's arrow says what is needed when reached by keyboard", async () => {
    await page.goto(types.tracker || site);
    const edge = page.locator("figure.graph .edges .edge").first();
    await edge.focus();
    const said = await page.locator(".graph-detail").textContent();
    assert.match(said, / needs .* from .*risk/);
  });

  // 4. Phones: no page is wider than the screen; the navigation can be reached.
  const phone = await browser.newContext({ viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  await check("no page is wider than a 375 px phone", async () => {
    const wide = [];
    for (const url of all) {
      await small.goto(url);
      const width = await small.evaluate(() => document.documentElement.scrollWidth);
      if (width > 375) wide.push(`${new URL(url).pathname}: ${width} px`);
    }
    assert.deepEqual(wide, []);
  });
  await check("on a phone every navigation link can be reached", async () => {
    await small.goto(site);
    const toggle = small.locator(".nav-toggle");
    if (await toggle.isVisible()) await toggle.click();
    const out = await small.evaluate(() =>
      [...document.querySelectorAll(".site-header nav a")]
        .filter((a) => {
          const r = a.getBoundingClientRect();
          return r.width === 0 || r.left < 0 || r.right > window.innerWidth;
        })
        .map((a) => a.textContent));
    assert.deepEqual(out, []);
  });

  // 3 and 5. axe-core on every page type, light and dark.
  for (const scheme of ["light", "dark"]) {
    // axe is injected as an inline script, which the pages' own policy
    // forbids: only this context sets the policy aside.
    const themed = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme, bypassCSP: true });
    const p = await themed.newPage();
    await check(`axe finds no serious or critical violation (${scheme})`, async () => {
      const found = [];
      for (const [type, url] of Object.entries(types)) {
        if (!url) continue;
        await p.goto(url);
        await p.addScriptTag({ content: axeSource });
        const result = await p.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
        for (const v of result.violations) {
          if (v.impact === "serious" || v.impact === "critical") {
            found.push(`${type}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
          }
        }
      }
      assert.deepEqual(found, []);
    });
    await themed.close();
  }

  await check("every page has a skip link, landmarks and headings in order", async () => {
    const bad = [];
    for (const [type, url] of Object.entries(types)) {
      if (!url) continue;
      await page.goto(url);
      const r = await page.evaluate(() => {
        const skip = document.querySelector("a.skip-link");
        const levels = [...document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6")]
          .map((h) => Number(h.tagName[1]));
        const jumps = levels.filter((l, n) => n > 0 && l > levels[n - 1] + 1);
        return {
          skip: !!skip && document.getElementById(skip.getAttribute("href").slice(1)) !== null,
          landmarks: ["header", "nav", "main", "footer"].every((t) => document.querySelector(t)),
          first: levels[0],
          jumps: jumps.length,
        };
      });
      if (!r.skip) bad.push(`${type}: no working skip link`);
      if (!r.landmarks) bad.push(`${type}: a landmark is missing`);
      if (r.first !== 1) bad.push(`${type}: the first heading is h${r.first}`);
      if (r.jumps) bad.push(`${type}: ${r.jumps} skipped heading levels`);
    }
    assert.deepEqual(bad, []);
  });

  await check("printed, a team page and the tracker drop the chrome and lose no column", async () => {
    const printed = await browser.newPage();
    await printed.emulateMedia({ media: "print" });
    for (const url of [types.team, types.tracker].filter(Boolean)) {
      await printed.goto(url);
      const r = await printed.evaluate(() => ({
        header: getComputedStyle(document.querySelector(".site-header")).display,
        clipped: [...document.querySelectorAll("main table")].filter((t) => t.scrollWidth > t.clientWidth + 1).length,
      }));
      assert.equal(r.header, "none", url);
      assert.equal(r.clipped, 0, `${url}: tables cut off`);
    }
    await printed.close();
  });

  await check("focus is visible", async () => {
    await page.goto(types.team || site);
    await page.keyboard.press("Tab");
    const style = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return { outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow };
    });
    assert.ok((style.outline !== "none" && style.width > 0) || style.shadow !== "none", JSON.stringify(style));
  });

  // 6. Without JavaScript every page but the search results shows what it shows with it.
  const plain = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const noJs = await plain.newPage();
  await check("without JavaScript every page but search results is complete", async () => {
    const differ = [];
    // Forms are controls the script reveals (filters, search), and what it
    // adds is marked data-enhancement: neither is content.
    const text = (p) => p.evaluate(() => {
      document.querySelectorAll("main form, main [data-enhancement]").forEach((f) => { f.style.display = "none"; });
      return document.querySelector("main").innerText.replace(/\s+/g, " ").trim();
    });
    for (const url of all) {
      if (new URL(url).pathname.endsWith("/search/")) continue;
      await noJs.goto(url);
      await page.goto(url);
      const [off, on] = [await text(noJs), await text(page)];
      if (off !== on) differ.push(`${new URL(url).pathname}: ${off.length} characters without, ${on.length} with`);
    }
    assert.deepEqual(differ, []);
  });

  // 7. Screenshots for review.
  if (shots) {
    mkdirSync(shots, { recursive: true });
    for (const scheme of ["light", "dark"]) {
      for (const width of [1280, 375]) {
        const c = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, isMobile: width < 400 });
        const p = await c.newPage();
        for (const type of ["home", "team", "adr", "tracker", "alignment", "rotation", "digest"]) {
          if (!types[type]) continue;
          await p.goto(types[type]);
          await p.screenshot({ path: `${shots}/${type}-${width}-${scheme}.png`, fullPage: true });
        }
        await c.close();
      }
    }
    console.log(`screenshots in ${shots}`);
  }
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} failed: ${failures.join("; ")}`);
  process.exit(1);
}
