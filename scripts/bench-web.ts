/**
 * The web page's figures for the bench (`npm run bench -- --only web`): `catalog serve` started as
 * a process on an indexed corpus, its API requests timed from a client on this machine (each the
 * whole request: HTTP, the query, the JSON), and the page's first render in headless Chromium,
 * from navigation to the runs table on screen. Nothing is written: the server answers from the
 * index and the corpus is only read.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { stat, type Stat } from "./bench-util.js";

export interface WebResult {
  /** one row per API request: label → time */
  api: { label: string; stat: Stat }[];
  /** navigation → the groups and runs tables drawn, a fresh profile, as the client waits for it */
  firstRenderCold: number;
  /** the same with the page's files cached (a reload) */
  firstRenderWarm: Stat;
  /** the page's own clock: navigation start → both tables drawn (performance marks), cold */
  firstRenderInPageCold: number;
  /** the same, warm */
  firstRenderInPage: Stat;
  /** the number of runs the first page says it lists */
  totalShown: string;
}

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** `catalog serve --port 0 --no-refresh` until it prints its URL. */
async function startServe(bin: string, runsDir: string, db: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--no-refresh", "--runs-dir", runsDir, "--db", db], { stdio: ["ignore", "pipe", "pipe"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/\S+\//u.exec(out);
      if (m) resolve(m[0]);
    });
    child.on("exit", (code) => reject(new Error(`catalog serve exited ${code} before serving`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function timeGet(url: string): Promise<number> {
  const t = process.hrtime.bigint();
  const res = await fetch(url);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 200)}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** The requests a user's page makes, in the order a visit makes them. */
function requests(db: string, n: number): { label: string; path: string }[] {
  const conn = new Database(db, { readonly: true });
  try {
    const gid = conn.prepare("SELECT group_id FROM group_members GROUP BY group_id ORDER BY count(*) DESC, group_id LIMIT 1").pluck().get() as string;
    const rid = conn.prepare("SELECT id FROM runs ORDER BY timestamp LIMIT 1 OFFSET (SELECT count(*) / 2 FROM runs)").pluck().get() as string;
    const q = (s: string) => encodeURIComponent(s);
    const middle = Math.floor(n / 2 / 50) * 50;
    return [
      { label: "`/api/groups?limit=10` (the home page's groups)", path: "/api/groups?limit=10" },
      { label: "`/api/runs?limit=50` (the home page's runs)", path: "/api/runs?limit=50" },
      { label: "`/api/runs?limit=50&offset=…` (a page in the middle)", path: `/api/runs?limit=50&offset=${middle}` },
      { label: "`/api/runs?where=metrics.loss < 0.2` (50, counted)", path: `/api/runs?limit=50&where=${q("metrics.loss < 0.2")}` },
      { label: "`/api/runs?tag=color=green` (50, counted)", path: `/api/runs?limit=50&tag=${q("color=green")}` },
      { label: "`/api/runs?sort=-metrics.loss` (50)", path: `/api/runs?limit=50&sort=${q("-metrics.loss")}` },
      { label: "`/api/runs?columns=config.lr,metrics.loss` (50)", path: `/api/runs?limit=50&columns=${q("config.lr,metrics.loss")}` },
      { label: "`/api/groups?where=tags contains color=green`", path: `/api/groups?limit=10&where=${q("tags contains color=green")}` },
      { label: "`/api/groups/<id>/members?columns=auto` (the largest group)", path: `/api/groups/${gid}/members?columns=auto` },
      { label: "`/api/runs/<id>` (a run page)", path: `/api/runs/${rid}` },
    ];
  } finally {
    conn.close();
  }
}

/** Times the API and the page on an indexed corpus of `n` runs. */
export async function benchWeb(bin: string, runsDir: string, db: string, n: number): Promise<WebResult> {
  const server = await startServe(bin, runsDir, db);
  try {
    const reps = n >= 100_000 ? 10 : 20;
    const api: WebResult["api"] = [];
    for (const r of requests(db, n)) {
      const url = new URL(r.path, server.url).href;
      await timeGet(url); // the first request opens the connection and warms the cache
      const samples: number[] = [];
      for (let i = 0; i < reps; i++) samples.push(await timeGet(url));
      api.push({ label: r.label, stat: stat(samples) });
    }
    return { api, ...(await firstRender(server.url)) };
  } finally {
    await server.stop();
  }
}

async function firstRender(url: string): Promise<Pick<WebResult, "firstRenderCold" | "firstRenderWarm" | "firstRenderInPageCold" | "firstRenderInPage" | "totalShown">> {
  if (!existsSync(CHROMIUM)) throw new Error(`the web bench needs Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "catalog-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const inPage: number[] = [];
    const load = async (): Promise<number> => {
      const t = process.hrtime.bigint();
      await page.goto(url, { waitUntil: "commit" });
      await page.waitForSelector("[data-testid=runs-table] tbody tr");
      await page.waitForSelector("[data-testid=groups-table] tbody tr");
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      // The functions below run in the page, where `performance` is the page's.
      inPage.push(await page.evaluate(() => Math.max(...["catalog:runs-drawn", "catalog:groups-drawn"].map((n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN))));
      return ms;
    };
    const firstRenderCold = await load();
    const firstRenderInPageCold = inPage.pop()!;
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await load());
    const totalShown = (await page.textContent("[data-testid=runs] [data-testid=pager] .count")) ?? "";
    return { firstRenderCold, firstRenderWarm: stat(warm), firstRenderInPageCold, firstRenderInPage: stat(inPage), totalShown };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
