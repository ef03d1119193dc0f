// Full-page PNG screenshots of the main pages of a built site, for a person to look at.
//
//   node screenshots.mjs SITE_DIR OUT_DIR [KIND ...]
//
// KIND is one of the names of discoverPages() (default: home, routine, stretch, red-flags,
// library, handout). Each page is shot at 375 px and 1280 px wide, light and dark:
// OUT_DIR/<kind>-<width>-<scheme>.png. Prints the files written.

import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { discoverPages, fail, launchBrowser, serve, settle } from "./common.mjs";

const [site, out, ...kinds] = process.argv.slice(2);
if (!site || !out) fail("usage: node screenshots.mjs SITE_DIR OUT_DIR [KIND ...]");
const wanted = kinds.length ? kinds : ["home", "routine", "stretch", "red-flags", "library", "handout"];
const all = new Map(discoverPages(site));
const pages = wanted.map((kind) => {
  if (!all.has(kind)) fail(`no ${kind} page in ${site} (found: ${[...all.keys()].join(", ")})`);
  return [kind, all.get(kind)];
});
mkdirSync(out, { recursive: true });

const server = await serve(site);
const { browser, close } = await launchBrowser();
try {
  for (const width of [375, 1280]) {
    for (const scheme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      for (const [kind, path] of pages) {
        await page.goto(`${server.origin}/${path}`, { waitUntil: "load" });
        await settle(page);
        const file = join(out, `${kind.replace(/\s+/g, "-")}-${width}-${scheme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        process.stdout.write(`${file}\n`);
      }
      await context.close();
    }
  }
} finally {
  await close();
  await server.close();
}
