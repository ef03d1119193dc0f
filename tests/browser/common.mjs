// Shared by the browser scripts: finding Chromium, launching it the way this project's
// machines need (root, no network, no GPU), and a small static file server for a built site.

import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";

import { chromium } from "playwright-core";

const BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

/** The Chromium to drive: $BEDSIDE_CHROMIUM, else the first of BROWSERS on PATH. */
export function findChromium() {
  const given = process.env.BEDSIDE_CHROMIUM;
  if (given) {
    if (!existsSync(given)) fail(`BEDSIDE_CHROMIUM=${given}: no such file`);
    return given;
  }
  for (const name of BROWSERS) {
    try {
      const path = execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
      if (path) return path;
    } catch {
      // not on PATH: try the next name
    }
  }
  fail(`no Chromium or Chrome on PATH (looked for ${BROWSERS.join(", ")}); run scripts/test to install it`);
}

/**
 * Launches one headless Chromium, shared by every page of a run (each check opens a context
 * with the viewport and colour scheme it needs). Playwright gives it a fresh profile folder
 * in the temporary folder and removes it on close.
 */
export async function launchBrowser() {
  const executablePath = findChromium();
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  return {
    browser,
    close: () => browser.close().catch(() => {}),
  };
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".pdf": "application/pdf",
};

/**
 * Serves the folder `root` on 127.0.0.1 at a free port, as a static host would: a folder
 * serves its index.html, a missing file gets 404.html with status 404.
 * Returns { origin, close() }.
 */
export async function serve(root) {
  root = resolve(root);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    let status = 200;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      status = 404;
      file = join(root, "404.html");
      if (!existsSync(file)) {
        res.writeHead(404).end("not found");
        return;
      }
    }
    res.writeHead(status, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/**
 * Waits until the page's web fonts and images are loaded (lazy ones too: the page is
 * scrolled through first) and two frames were drawn.
 */
export async function settle(page) {
  await page.evaluate(async () => {
    const frame = () => new Promise((ok) => requestAnimationFrame(ok));
    const root = document.scrollingElement;
    for (let y = 0; y < root.scrollHeight; y += window.innerHeight) {
      window.scrollTo(0, y);
      await frame();
    }
    window.scrollTo(0, 0);
    const loaded = (img) =>
      new Promise((ok) => {
        if (img.complete) return ok();
        img.addEventListener("load", ok, { once: true });
        img.addEventListener("error", ok, { once: true });
      });
    const timeout = new Promise((ok) => setTimeout(ok, 5000));
    await Promise.race([Promise.all([...document.images].map(loaded)), timeout]);
    await document.fonts.ready;
    await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
  });
}

/** Prints a message to stderr and exits with status 2. */
export function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

// Top-level folders that gen generates or the theme ships: not content pages.
const GENERATED = new Set(["stretches", "routines", "positions", "targets", "handout", "css", "fonts", "illustrations", "images"]);

/**
 * The pages of every kind in the built site `dir`, as [name, path relative to dir]: home,
 * library, a stretch, the routines list, a routine, the handout, the red-flags page (the
 * one the theme's navigation marks with class="nav-red-flags") and the other content pages
 * ("page <slug>"), positions and targets with one term each, and 404.
 */
export function discoverPages(dir) {
  const isFile = (p) => existsSync(p) && statSync(p).isFile();
  const subpages = (folder) =>
    existsSync(join(dir, folder))
      ? readdirSync(join(dir, folder))
          .filter((name) => name !== "page" && isFile(join(dir, folder, name, "index.html")))
          .sort()
      : [];
  const pages = [];
  const add = (name, path) => {
    if (isFile(join(dir, path))) pages.push([name, path]);
  };
  add("home", "index.html");
  add("library", "stretches/index.html");
  const stretch = subpages("stretches")[0];
  if (stretch) add("stretch", `stretches/${stretch}/index.html`);
  add("routines", "routines/index.html");
  const routine = subpages("routines")[0];
  if (routine) add("routine", `routines/${routine}/index.html`);
  if (isFile(join(dir, "handout/index.html"))) add("handout", "handout/index.html");
  else if (routine) add("handout", `routines/${routine}/handout/index.html`);
  const home = isFile(join(dir, "index.html")) ? readFileSync(join(dir, "index.html"), "utf8") : "";
  const flagged =
    /<a\b[^>]*\bhref="([^"]*)"[^>]*\bclass="nav-red-flags"|<a\b[^>]*\bclass="nav-red-flags"[^>]*\bhref="([^"]*)"/.exec(home);
  const redFlags = flagged ? flagged[1] || flagged[2] : null;
  for (const name of readdirSync(dir).sort()) {
    if (GENERATED.has(name) || !isFile(join(dir, name, "index.html"))) continue;
    const path = `${name}/index.html`;
    add(path === redFlags ? "red-flags" : `page ${name}`, path);
  }
  for (const taxonomy of ["positions", "targets"]) {
    add(taxonomy, `${taxonomy}/index.html`);
    const term = subpages(taxonomy)[0];
    if (term) add(`${taxonomy} term`, `${taxonomy}/${term}/index.html`);
  }
  add("404", "404.html");
  return pages;
}
