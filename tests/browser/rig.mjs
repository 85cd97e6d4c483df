// What the browser scripts share: Debian's Chromium started as this
// machine's closed network needs it, and named checks that print one line
// each and are counted, so a script runs them all and then says what failed.
import { chromium } from "playwright-core";

/// Headless Chromium (`$CHROMIUM`, else /usr/bin/chromium).
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/// The names of the checks that failed, and `check(name, f)`, which runs
/// `f` and prints `ok  name` or `FAIL name` with the reason.
export function checks() {
  const failures = [];
  async function check(name, f) {
    try {
      await f();
      console.log("ok  " + name);
    } catch (e) {
      failures.push(name);
      console.log("FAIL " + name + "\n  " + String(e.message || e).split("\n").join("\n  "));
    }
  }
  return { failures, check };
}
