// Accessibility audit of a built Bedside site with axe-core in headless Chromium.
//
//   node axe.mjs DIR [NAME=PATH ...]
//
// Serves DIR on 127.0.0.1 (as a static host would, so 404.html's root-relative links work)
// and opens every page kind — home, library, a stretch, the routines list, a routine, the
// handout, the red-flags page and the other content pages, positions and targets (list and
// a term), 404 — or only the NAME=PATH pages given, at 1280 px and 375 px wide, in light
// and dark colour schemes. On each it runs axe-core's WCAG 2.1 A and AA rules and checks
// whether the page scrolls sideways. Prints JSON to stdout:
//
//   { "axe": "4.x", "pages": [ { "name", "path", "width", "scheme",
//       "violations": [ { "id", "impact", "help", "nodes": [ { "target", "html", "summary" } ] } ],
//       "minor": [ "rule id", … ],          // moderate and minor violations, for information
//       "scrollWidth", "clientWidth", "scrollsSideways", "wide": [ "selector …" ],
//       "tallestFigure": px } ] }         // the tallest image in a .figure-panel (illustrations)
//
// "violations" holds the serious and critical ones only. Exit status 0 whatever was found
// (the caller judges), 2 when the audit itself could not run.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

import { discoverPages, fail, launchBrowser, serve, settle } from "./common.mjs";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core/axe.min.js");
const AXE_VERSION = JSON.parse(readFileSync(require.resolve("axe-core/package.json"), "utf8")).version;

const WIDTHS = [1280, 375];
const SCHEMES = ["light", "dark"];
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const [dir, ...given] = process.argv.slice(2);
if (!dir || !existsSync(dir)) fail("usage: node axe.mjs DIR [NAME=PATH ...] (DIR: a built site)");

const pages = given.length
  ? given.map((arg) => {
      const at = arg.indexOf("=");
      if (at < 1) fail(`not NAME=PATH: ${arg}`);
      return [arg.slice(0, at), arg.slice(at + 1)];
    })
  : discoverPages(dir);
if (pages.length === 0) fail(`no pages to audit in ${dir}`);

const server = await serve(dir);
const { browser, close } = await launchBrowser();
const results = [];
try {
  for (const width of WIDTHS) {
    for (const scheme of SCHEMES) {
      const context = await browser.newContext({
        viewport: { width, height: 900 },
        colorScheme: scheme,
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      for (const [name, path] of pages) {
        const url = `${server.origin}/${path.split("/").map(encodeURIComponent).join("/")}`;
        const response = await page.goto(url, { waitUntil: "load" });
        if (!response) fail(`no response for ${url}`);
        await settle(page);
        await page.addScriptTag({ path: AXE_PATH });
        const found = await page.evaluate(async (tags) => {
          // eslint-disable-next-line no-undef
          const result = await axe.run(document, {
            runOnly: { type: "tag", values: tags },
            resultTypes: ["violations"],
          });
          return result.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 10).map((n) => ({
              target: n.target.join(" "),
              html: n.html.slice(0, 300),
              summary: n.failureSummary,
            })),
          }));
        }, TAGS);
        const scroll = await page.evaluate(() => {
          const root = document.scrollingElement;
          const limit = root.clientWidth;
          const wide = [];
          for (const el of document.body.querySelectorAll("*")) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.right > limit + 0.5 && wide.length < 8) {
              const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
              wide.push(`${el.tagName.toLowerCase()}${cls} (right ${Math.round(box.right)} px)`);
            }
          }
          // The tallest illustration (an image in a .figure-panel), in CSS pixels.
          const figures = [...document.querySelectorAll(".figure-panel img")].map((img) => img.getBoundingClientRect().height);
          return { scrollWidth: root.scrollWidth, clientWidth: limit, wide, tallestFigure: Math.round(Math.max(0, ...figures)) };
        });
        results.push({
          name,
          path,
          status: response.status(),
          width,
          scheme,
          violations: found.filter((v) => v.impact === "serious" || v.impact === "critical"),
          minor: found.filter((v) => v.impact !== "serious" && v.impact !== "critical").map((v) => v.id),
          scrollWidth: scroll.scrollWidth,
          clientWidth: scroll.clientWidth,
          scrollsSideways: scroll.scrollWidth > scroll.clientWidth,
          wide: scroll.scrollWidth > scroll.clientWidth ? scroll.wide : [],
          tallestFigure: scroll.tallestFigure,
        });
      }
      await context.close();
    }
  }
} finally {
  await close();
  await server.close();
}

process.stdout.write(`${JSON.stringify({ axe: AXE_VERSION, tags: TAGS, pages: results }, null, 1)}\n`);
