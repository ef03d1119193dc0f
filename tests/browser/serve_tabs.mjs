// Live reload of `gen serve` with many pages open, as an editor keeps them.
//
//   node serve_tabs.mjs URL TABS FILE FROM TO
//
// Opens URL in TABS tabs of one headless Chromium window set (one profile, as a
// person's browser is), then replaces the first FROM in FILE with TO and waits
// until every tab has reloaded and shows TO. Browsers open at most six HTTP/1.1
// connections to one host, so pages that each hold a connection to the reload
// events would leave the seventh tab loading for ever. Prints JSON to stdout:
//
//   { "tabs": N, "loaded": [ true, … ], "reloaded": [ true, … ] }
//
// Exit status 0 whatever was found (the caller judges), 2 when it could not run.

import { readFileSync, writeFileSync } from "node:fs";

import { fail, launchBrowser } from "./common.mjs";

const [url, count, file, from, to] = process.argv.slice(2);
if (!url || !count || !file || from === undefined || to === undefined) {
  fail("usage: node serve_tabs.mjs URL TABS FILE FROM TO");
}
const tabs = Number(count);
const text = readFileSync(file, "utf8");
if (!text.includes(from)) fail(`${file} has no ${JSON.stringify(from)}`);

const { browser, close } = await launchBrowser();
try {
  const context = await browser.newContext();
  const pages = [];
  const loaded = [];
  for (let i = 0; i < tabs; i++) {
    const page = await context.newPage();
    pages.push(page);
    try {
      await page.goto(url, { timeout: 20000 });
      loaded.push(true);
    } catch {
      loaded.push(false);
    }
  }
  writeFileSync(file, text.replace(from, to));
  const shows = async (page) => {
    try {
      return (await page.content()).includes(to);
    } catch {
      return false; // the page is navigating: ask again
    }
  };
  const deadline = Date.now() + 30000;
  let reloaded = pages.map(() => false);
  while (Date.now() < deadline && reloaded.some((r) => !r)) {
    reloaded = await Promise.all(pages.map(shows));
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(JSON.stringify({ tabs, loaded, reloaded }));
} finally {
  await close();
}
