/**
 * npm run screenshots: the pictures of docs/web.md, taken in headless Chromium (Debian's, as the
 * browser tests use it) from `catalog serve` on a copy of examples/runs: the home page filtered
 * to green groups, the lr sweep group with its chart, a run, and a --where error.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { packageRoot } from "../src/package-root.js";

const ROOT = packageRoot();
const OUT = join(ROOT, "docs", "web");
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const work = mkdtempSync(join(tmpdir(), "catalog-screens-"));
const runsDir = join(work, "runs");
cpSync(join(ROOT, "examples", "runs"), runsDir, { recursive: true });
const server = spawn(process.execPath, [join(ROOT, "bin", "catalog"), "serve", "--port", "0", "--runs-dir", runsDir, "--db", join(work, "catalog.sqlite")], { stdio: ["ignore", "pipe", "ignore"] });
const url = await new Promise<string>((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    const m = /http:\/\/\S+\//u.exec(out);
    if (m) resolve(m[0]);
  });
  server.on("exit", (code) => reject(new Error(`catalog serve exited ${code}`)));
});
const profile = join(work, "profile");
const context = await chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium", headless: true, args: ARGS, viewport: { width: 1200, height: 800 } });
try {
  mkdirSync(OUT, { recursive: true });
  const page = await context.newPage();
  const shot = (name: string) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });

  await page.goto(`${url}?gwhere=${encodeURIComponent("tags contains color=green")}&columns=${encodeURIComponent("config.lr,metrics.loss")}`);
  await page.waitForSelector("[data-testid=runs-table] tbody tr");
  await page.waitForSelector("[data-testid=live]");
  await page.setViewportSize({ width: 1200, height: 1000 });
  await page.screenshot({ path: join(OUT, "runs.png") });

  await page.click("[data-testid=groups-table] >> text=murok-pulab");
  await page.waitForSelector("[data-testid=chart] svg");
  await shot("group");

  await page.click("[data-testid=members-table] [data-testid=open] >> nth=1");
  await page.waitForSelector("[data-testid=run-page]");
  await shot("run");

  await page.goto(`${url}?where=${encodeURIComponent("metrics.loss < 0.3 and started > 2024-06-31")}`);
  await page.waitForSelector("[data-testid=where-error]");
  await page.locator("[data-testid=runs]").screenshot({ path: join(OUT, "where-error.png") });
  process.stdout.write(`wrote ${OUT}/{runs,group,run,where-error}.png\n`);
} finally {
  await context.close();
  server.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
