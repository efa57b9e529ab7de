// The functions given to page.$eval and waitForFunction run in the page: they use the DOM's types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The page in a real headless Chromium (Debian's, driven by playwright-core) against a real
 * `catalog serve` on a random port, real files and a real index. Screenshots are kept in
 * test-artifacts/.
 */
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readAttrLog } from "../src/disk/attr-log.js";
import { writeCorpus } from "../src/fixtures/corpus.js";
import { writeExamples } from "../src/fixtures/examples.js";
import type { GroupJson, RunJson } from "../src/web/api-types.js";
import { artifact, launchChromium, watchErrors, type Browser } from "./browser.js";
import { cli, cliAsync, cliJson } from "./helpers.js";
import { AUTHOR, serve, write, type Served } from "./web-helpers.js";

let browser: Browser;
let served: Served | undefined;
let page: Page;
let errors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await page?.close();
  await served?.server.close();
  served = undefined;
  expect(errors).toEqual([]);
});

async function open(fill: (runsDir: string) => void, path = "/"): Promise<Served> {
  served = await serve(fill);
  page = await browser.context.newPage();
  errors = watchErrors(page);
  await page.goto(new URL(path, served.url).href);
  return served;
}

const examples = (dir: string) => void writeExamples(dir);
const cells = (table: string, column: number) => page.$$eval(`[data-testid=${table}] tbody tr`, (rows, i) => rows.map((r) => r.children[i]!.textContent ?? ""), column);
/** Names in a listing table (the name column follows the checkbox and the number on runs). */
const names = (table: string) => page.$$eval(`[data-testid=${table}] tbody tr [data-testid=open]`, (links) => links.map((a) => a.textContent ?? ""));
const untilNames = async (table: string, expected: readonly string[]) => {
  await page.waitForFunction(
    ([t, want]) => JSON.stringify([...document.querySelectorAll(`[data-testid=${t}] tbody tr [data-testid=open]`)].map((a) => a.textContent)) === want,
    [table, JSON.stringify(expected)] as const,
  );
};

describe("the page in Chromium", () => {
  it("opens on the newest groups above the newest runs, with the CLI's columns and status colours", async () => {
    const s = await open(examples);
    await page.waitForSelector("[data-testid=runs-table] tbody tr");
    const groups = cliJson<GroupJson>(s.ws, ["query", "-g", "--no-refresh"]);
    const runs = cliJson<RunJson>(s.ws, ["query", "--no-refresh"]);
    await untilNames("groups-table", groups.slice(0, 10).map((g) => g.name ?? g.id));
    expect(await names("runs-table")).toEqual(runs.slice(0, 50).map((r) => r.name ?? r.id));
    const sections = await page.$$eval("section.listing", (s) => s.map((x) => x.getAttribute("data-testid")));
    expect(sections).toEqual(["groups", "runs"]);
    expect(await page.$$eval("[data-testid=runs-table] thead th", (th) => th.map((t) => t.textContent?.replace(/[▲▼]/gu, "").trim()))).toEqual(["", "#", "name", "operation", "started", "status", "label", "tags"]);
    const colour = (status: string) => page.$eval(`[data-testid=runs-table] .status-${status}`, (e) => getComputedStyle(e).color);
    expect(await colour("completed")).toBe("rgb(30, 125, 50)");
    expect(await colour("error")).toBe("rgb(198, 40, 40)");
    expect(await colour("terminated")).toBe("rgb(198, 40, 40)");
    expect(await colour("staged")).toBe("rgb(122, 130, 138)");
    expect(await colour("pending")).toBe("rgb(122, 130, 138)");
    expect(await page.textContent("[data-testid=runs] [data-testid=pager]")).toContain(`1–${runs.length} of ${runs.length} runs`);
    await artifact(page, "home");
  });

  it("filters the groups by color=green with --where, keeps it in the URL, and by a tag chip", async () => {
    const s = await open(examples);
    const green = cliJson<GroupJson>(s.ws, ["query", "-g", "--tag", "color=green", "--no-refresh"]).map((g) => g.name ?? g.id);
    expect(green.length).toBeGreaterThan(1);
    await page.waitForSelector("[data-testid=groups-table] tbody tr");
    await page.fill("[data-testid=groups-where]", "tags contains color=green");
    await page.press("[data-testid=groups-where]", "Enter");
    await untilNames("groups-table", green);
    expect(new URL(page.url()).searchParams.get("gwhere")).toBe("tags contains color=green");
    await page.reload();
    await untilNames("groups-table", green);
    expect(await page.inputValue("[data-testid=groups-where]")).toBe("tags contains color=green");
    await artifact(page, "green-groups");

    await page.goto(s.url);
    await page.waitForSelector("[data-testid=groups-table] tbody tr");
    await page.click("[data-testid=groups-table] [data-testid=tag] >> text=color=green");
    await untilNames("groups-table", green);
    expect(new URL(page.url()).searchParams.getAll("gtag")).toEqual(["color=green"]);
  });

  it("opens a group: its members side by side with the config that varied, and the chart", async () => {
    const s = await open(examples);
    const sweep = cliJson<GroupJson>(s.ws, ["query", "-g", "--label", "lr sweep", "--no-refresh"])[0]!;
    await page.waitForSelector("[data-testid=groups-table] tbody tr");
    await page.click(`[data-testid=groups-table] a[title="${sweep.id}"]`);
    await page.waitForSelector("[data-testid=group-page]");
    expect(new URL(page.url()).pathname).toBe(`/groups/${sweep.id}`);
    expect(await page.textContent("[data-testid=group-name]")).toBe(sweep.name);
    const heads = await page.$$eval("[data-testid=members-table] thead th", (th) => th.map((t) => t.textContent?.replace(/[▲▼]/gu, "").trim()));
    expect(heads.slice(-3)).toEqual(["config.lr", "metrics.acc", "metrics.loss"]);
    const members = cliJson<RunJson>(s.ws, ["query", "--in-group", sweep.id, "--no-refresh"]);
    expect(await names("members-table")).toEqual(members.map((r) => r.name));
    expect(await cells("members-table", heads.length - 3)).toEqual(members.map((r) => String(r.config["lr"])));
    await page.waitForSelector("[data-testid=chart] svg");
    expect(await page.getAttribute("[data-testid=chart]", "data-kind")).toBe("scatter");
    expect(await page.$$eval("[data-testid=chart] svg circle", (c) => c.length)).toBe(members.length);
    expect(await page.inputValue("[data-testid=chart-y]")).toBe("metrics.loss");
    await page.selectOption("[data-testid=chart-y]", "metrics.acc");
    await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=chart] svg text")].some((t) => t.textContent?.includes("metrics.acc")));
    expect(new URL(page.url()).searchParams.get("y")).toBe("metrics.acc");
    await artifact(page, "group");
  });

  it("draws parallel coordinates when several config values are chosen", async () => {
    const s = await open((dir) => void writeCorpus(dir, { n: 60, seed: 3 }));
    const runs = cliJson<RunJson>(s.ws, ["query", "--status", "completed", "-n", "8", "--no-refresh"]);
    const made = await write(s.url, "POST", "/api/groups", { members: runs.map((r) => r.id), label: "a sweep" });
    const gid = made.json<GroupJson>().id;
    await page.goto(new URL(`/groups/${gid}?x=config.lr&x=config.dropout&x=config.optimizer`, s.url).href);
    await page.waitForSelector("[data-testid=chart] svg");
    expect(await page.getAttribute("[data-testid=chart]", "data-kind")).toBe("parallel");
    // one line per member across the three config axes and the metric
    expect(await page.$$eval("[data-testid=chart] svg path[stroke]", (p) => p.filter((x) => (x.getAttribute("d") ?? "").split("L").length === 4).length)).toBe(runs.length);
    const axisNames = await page.$$eval("[data-testid=chart] svg text", (t) => t.map((x) => x.textContent));
    for (const a of ["config.lr", "config.dropout", "config.optimizer", "metrics.loss"]) expect(axisNames).toContain(a);
    await artifact(page, "group-parallel");
  });

  it("makes a group of the runs selected, written as `catalog group create` writes one", async () => {
    const s = await open(examples);
    await page.waitForSelector("[data-testid=runs-table] tbody tr");
    const picked = cliJson<RunJson>(s.ws, ["query", "-n", "4", "--no-refresh"]).slice(1, 4);
    for (const r of picked) await page.check(`[data-testid=runs-table] tr[data-id="${r.id}"] input[type=checkbox]`);
    expect(await page.textContent("[data-testid=new-group] strong")).toBe("3 selected");
    await page.fill("[data-testid=group-label]", "picked in the browser");
    await page.fill("[data-testid=group-tags]", "color=green web");
    await page.click("[data-testid=create-group]");
    await page.waitForSelector("[data-testid=group-page]");
    const gid = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]!);
    expect(await names("members-table")).toEqual(picked.map((r) => r.name));

    const dir = join(s.ws.runsDir, `${gid}.group`);
    expect(readFileSync(join(dir, "id"), "utf8")).toBe(gid);
    const log = readAttrLog(dir);
    expect(log.issues).toEqual([]);
    expect(log.entries.map((e) => [e.author, e.set, e.delete])).toEqual([
      [AUTHOR, { label: "picked in the browser", "tag:color=green": "", "tag:web": "", ...Object.fromEntries(picked.map((r) => [`run:${r.id}`, ""])) }, []],
    ]);
    expect(readdirSync(s.ws.runsDir).filter((n) => n.startsWith(".catalog-") && n.endsWith(".tmp"))).toEqual([]);
    const listed = cliJson<GroupJson>(s.ws, ["query", "-g", "--tag", "web", "--no-refresh"]);
    expect(listed.map((g) => [g.id, g.label, [...g.members].sort()])).toEqual([[gid, "picked in the browser", picked.map((r) => r.id).sort()]]);
    const inGroup = cliJson<RunJson>(s.ws, ["query", "--in-group", gid, "--no-refresh"]);
    expect(inGroup.map((r) => r.id).sort()).toEqual(picked.map((r) => r.id).sort());
  });

  it("tags, labels and comments a run from its page, in Gage's attr log", async () => {
    const s = await open(examples);
    const run = cliJson<RunJson>(s.ws, ["query", "-n", "1", "--no-refresh"])[0]!;
    await page.waitForSelector("[data-testid=runs-table] tbody tr");
    await page.click(`[data-testid=runs-table] a[title="${run.id}"]`);
    await page.waitForSelector("[data-testid=run-page]");
    // where its files are: this one runs dir (a team database lists every copy)
    expect(await page.textContent("[data-testid=run-copies]")).toContain(realpathSync(s.ws.runsDir));
    await page.fill("[data-testid=tag-input]", "reviewed");
    await page.click("[data-testid=add-tag]");
    await page.waitForSelector("[data-testid=run-page] [data-testid=tag] >> text=reviewed");
    await page.click("[data-testid=edit-label]");
    await page.fill("[data-testid=label-input]", "picked from the page");
    await page.click("[data-testid=save-label]");
    await page.waitForSelector("[data-testid=label] >> text=picked from the page");
    await page.fill("[data-testid=comment-input]", "looks converged");
    await page.click("[data-testid=add-comment]");
    await page.waitForSelector("[data-testid=comments] >> text=looks converged");
    await artifact(page, "run");

    const json = JSON.parse(cli(["show", run.id, "--format", "json", "--no-refresh", "--runs-dir", s.ws.runsDir, "--db", s.ws.dbPath]).stdout) as RunJson;
    expect(json.tags).toContain("reviewed");
    expect(json.label).toBe("picked from the page");
    expect(json.comments.map((c) => [c.author, c.msg])).toContainEqual([AUTHOR, "looks converged"]);
    const log = readAttrLog(join(s.ws.runsDir, `${run.id}.user`));
    expect(log.entries.slice(-3).map((e) => Object.keys(e.set))).toEqual([["tag:reviewed"], ["label"], [`comment:${json.comments.find((c) => c.msg === "looks converged")!.id}`]]);
    expect(log.entries.slice(-3).every((e) => e.author === AUTHOR)).toBe(true);
  });

  it("shows a --where syntax error with the caret under the bad spot", async () => {
    await open(examples);
    await page.waitForSelector("[data-testid=runs-table] tbody tr");
    const expr = "metrics.loss < 0.3 and status = completed";
    await page.fill("[data-testid=runs-where]", expr);
    await page.press("[data-testid=runs-where]", "Enter");
    await page.waitForSelector("[data-testid=where-error]");
    const [line, caret] = (await page.textContent("[data-testid=where-error] pre"))!.split("\n");
    expect(line).toBe(expr);
    expect(caret!.indexOf("^")).toBe(expr.indexOf("= completed"));
    expect(caret).toMatch(/\^ .*==/u);
    const font = await page.$eval("[data-testid=where-error] pre", (e) => getComputedStyle(e).fontFamily);
    expect(font).toMatch(/mono/iu);
    await artifact(page, "where-error");
  });

  it("pages and sorts on the server, and follows the index when another process changes it", async () => {
    const s = await open((dir) => void writeCorpus(dir, { n: 260, seed: 11 }));
    const all = cliJson<RunJson>(s.ws, ["query", "--no-refresh"]);
    await untilNames("runs-table", all.slice(0, 50).map((r) => r.name!));
    await page.click("[data-testid=runs] [data-testid=next-page]");
    await untilNames("runs-table", all.slice(50, 100).map((r) => r.name!));
    expect(new URL(page.url()).searchParams.get("page")).toBe("2");
    expect((await cells("runs-table", 1))[0]).toBe("51");
    await page.click("[data-testid=runs-table] [data-testid=sort-name]");
    const byName = cliJson<RunJson>(s.ws, ["query", "--sort", "name", "-n", "50", "--no-refresh"]);
    await untilNames("runs-table", byName.map((r) => r.name!));
    expect(new URL(page.url()).searchParams.get("sort")).toBe("name");
    expect(new URL(page.url()).searchParams.get("page")).toBeNull();
    await page.click("[data-testid=runs-table] [data-testid=sort-name]");
    const byNameDesc = cliJson<RunJson>(s.ws, ["query", "--sort", "-name", "-n", "50", "--no-refresh"]);
    await untilNames("runs-table", byNameDesc.map((r) => r.name!));

    const first = byNameDesc[0]!;
    await page.waitForSelector("[data-testid=live] >> text=live");
    const tagged = await cliAsync(["tag", first.id, "--add", "seen-live", "--runs-dir", s.ws.runsDir, "--db", s.ws.dbPath]);
    expect(tagged.status).toBe(0);
    await page.waitForSelector(`[data-testid=runs-table] tr[data-id="${first.id}"] [data-testid=tag] >> text=seen-live`);
  });
});
