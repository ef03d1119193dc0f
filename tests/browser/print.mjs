// Prints pages to PDF with headless Chromium, at a given paper, the page's own size not
// preferred (as a reader printing the handout on their own paper would).
//
//   node print.mjs HTML OUT.pdf a4|letter [HTML OUT.pdf a4|letter ...]
//
// HTML is a file path (opened as file://) or an http(s) URL. Several jobs share one browser.
// Uses page.pdf({ format, preferCSSPageSize: false, printBackground: false }): the margins
// are the page's @page margins. Exit status 0 when every PDF was written, 2 otherwise.

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { fail, launchBrowser, settle } from "./common.mjs";

const FORMATS = { a4: "A4", letter: "Letter" };

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 3 !== 0) fail("usage: node print.mjs HTML OUT.pdf a4|letter [HTML OUT.pdf a4|letter ...]");
const jobs = [];
for (let i = 0; i < args.length; i += 3) {
  const [html, out, paper] = args.slice(i, i + 3);
  const format = FORMATS[paper.toLowerCase()];
  if (!format) fail(`paper ${paper}: expected a4 or letter`);
  let url;
  if (/^https?:\/\//.test(html) || html.startsWith("file:")) url = html;
  else if (existsSync(html)) url = pathToFileURL(resolve(html)).href;
  else fail(`${html}: no such file`);
  jobs.push({ url, out: resolve(out), format });
}

const { browser, close } = await launchBrowser();
try {
  const context = await browser.newContext({ colorScheme: "light" });
  const page = await context.newPage();
  for (const job of jobs) {
    await page.goto(job.url, { waitUntil: "load" });
    await page.emulateMedia({ media: "print" });
    await settle(page);
    await page.pdf({ path: job.out, format: job.format, preferCSSPageSize: false, printBackground: false });
    process.stderr.write(`printed ${job.url} -> ${job.out} (${job.format})\n`);
  }
  await context.close();
} finally {
  await close();
}
