// Opens every page of a built Seam site made from hostile input in headless
// Chromium and tries to make its payloads run: each page loaded, everything
// that can be clicked clicked and hovered, every `<details>` toggled. No
// dialog may open, no element may carry an event handler attribute, and no
// `href`, `src`, `action`, `data` or `formaction` may hold a script address.
//
//   node tests/browser/hostile.mjs http://127.0.0.1:PORT/
//
// Prints one line per check and exits 1 if any failed.
import { checks, launch } from "./rig.mjs";

const site = process.argv[2];
const origin = new URL(site).origin;
const browser = await launch();
const { failures, check } = checks();

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", async (d) => { dialogs.push(`${page.url()}: ${d.type()} ${d.message()}`); await d.dismiss(); });
  // While clicking, the page may not go anywhere (a script address is no
  // request, so it would still run): the crawl alone moves between pages.
  let moving = true;
  await page.route("**/*", (route) => {
    const r = route.request();
    if (!moving && r.isNavigationRequest() && r.frame() === page.mainFrame()) return route.abort();
    return route.continue();
  });
  // Every page of the site, breadth-first from the home page.
  const seen = new Set([site]);
  const queue = [site];
  const scripted = [];
  let clicked = 0;
  while (queue.length) {
    const url = queue.shift();
    moving = true;
    // A click's refused navigation may still be settling: try again.
    let response = null;
    for (let attempt = 0; attempt < 5 && !response; attempt++) {
      response = await page.goto(url).catch(async (e) => {
        if (!String(e.message).includes("interrupted") || attempt === 4) throw e;
        await page.waitForTimeout(200);
        return null;
      });
    }
    moving = false;
    if (!response || !response.ok()) continue;
    if (!(response.headers()["content-type"] || "").includes("text/html")) continue;
    const found = await page.evaluate(() => {
      const bad = [];
      const script = /^\s*(javascript|vbscript|data):/i;
      for (const el of document.querySelectorAll("*")) {
        for (const a of el.attributes) {
          const name = a.name.toLowerCase();
          if (name.startsWith("on")) bad.push(`<${el.localName} ${name}>`);
          if (["href", "src", "action", "data", "formaction", "xlink:href"].includes(name) && script.test(a.value.replace(/[\t\n\r]/g, ""))) {
            bad.push(`<${el.localName} ${name}="${a.value.slice(0, 40)}">`);
          }
        }
      }
      // SVG and MathML anchors too, whose `href` is no string.
      const links = [...document.querySelectorAll("a[href]")].map((a) => {
        try { return new URL(a.getAttribute("href"), document.baseURI).href; } catch { return null; }
      }).filter(Boolean);
      return { bad, links };
    });
    for (const b of found.bad) scripted.push(`${url}: ${b}`);
    for (const link of found.links) {
      const u = new URL(link);
      u.hash = "";
      if (u.origin === origin && !seen.has(u.href) && (u.pathname.endsWith("/") || u.pathname.endsWith(".html"))) {
        seen.add(u.href);
        queue.push(u.href);
      }
    }
    // Click what does not leave the page (links are followed by the crawl),
    // hover everything in the article, toggle every <details>.
    const targets = await page.locator("main summary, main button, main .unsafe-link, main .payload, main p, main li, main img, main svg, main h1, main div").all();
    for (const t of targets.slice(0, 300)) {
      if (!(await t.isVisible().catch(() => false))) continue;
      await t.hover({ timeout: 500 }).catch(() => {});
      const leaves = await t.evaluate((el) => !!el.closest("a[href], form")).catch(() => true);
      if (!leaves) {
        await t.click({ timeout: 500, noWaitAfter: true }).catch(() => {});
        clicked++;
      }
    }
    await page.waitForTimeout(50);
  }
  console.log(`visited ${seen.size} pages, clicked ${clicked} elements`);
  await check("the crawl reached the payloads' pages", async () => {
    if (![...seen].some((u) => u.includes("/handbook/payloads/")) || ![...seen].some((u) => u.includes("/teams/red/"))) {
      throw new Error("payload pages not reached: " + [...seen].join(" "));
    }
  });
  await check("no dialog opened on load, click or hover", async () => {
    if (dialogs.length) throw new Error(dialogs.join("\n"));
  });
  await check("no event handler or script address reached the DOM", async () => {
    if (scripted.length) throw new Error(scripted.slice(0, 20).join("\n"));
  });
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} failed: ${failures.join("; ")}`);
  process.exit(1);
}
