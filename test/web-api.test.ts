/**
 * `catalog serve`'s JSON API without a browser: a real server on a random port over real files
 * and a real index. Listings must be what `catalog query --format json` prints, details what
 * `catalog show --format json` prints, writes what the CLI's write commands write.
 */
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readAttrLog } from "../src/disk/attr-log.js";
import { writeCorpus } from "../src/fixtures/corpus.js";
import { writeExamples } from "../src/fixtures/examples.js";
import type { GroupJson, ListingPage, MembersPage, RunJson } from "../src/web/api-types.js";
import { osUser } from "../src/write/author.js";
import { BIN, cli, cliAsync, cliJson, workspace } from "./helpers.js";
import { AUTHOR, getJson, request, serve, write, type Served } from "./web-helpers.js";

let served: Served | undefined;
afterEach(async () => {
  await served?.server.close();
  served = undefined;
});

async function examples(): Promise<Served> {
  served = await serve((dir) => void writeExamples(dir));
  return served;
}

const loc = (s: Served) => ["--runs-dir", s.ws.runsDir, "--db", s.ws.dbPath, "--no-refresh"];

describe("listings", () => {
  it("a page of runs is `catalog query --format json`, numbered and counted", async () => {
    const s = await examples();
    const page = await getJson<ListingPage<RunJson>>(s.url, "/api/runs?limit=10");
    expect(page.rows).toEqual(cliJson(s.ws, ["query", "-n", "10", "--no-refresh"]));
    const all = cliJson<RunJson>(s.ws, ["query", "--no-refresh"]);
    expect(page).toMatchObject({ offset: 0, limit: 10, total: all.length, totalIsLowerBound: false, columns: null, cells: null });
    const second = await getJson<ListingPage<RunJson>>(s.url, "/api/runs?limit=10&offset=10");
    expect(second.rows.map((r) => r.id)).toEqual(all.slice(10, 20).map((r) => r.id));
  });

  it("every listing filter of the CLI, by the same names", async () => {
    const s = await examples();
    const same = async (api: string, args: string[]) => {
      const page = await getJson<ListingPage<RunJson | GroupJson>>(s.url, api);
      const expected = cliJson<{ id: string }>(s.ws, [...args, "--no-refresh"]);
      expect(expected.length).toBeGreaterThan(0);
      expect(page.rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    };
    await same("/api/groups?tag=color%3Dgreen", ["query", "-g", "--tag", "color=green"]);
    await same("/api/runs?where=metrics.loss%20%3C%200.3&sort=-metrics.loss", ["query", "--where", "metrics.loss < 0.3", "--sort", "-metrics.loss"]);
    await same("/api/runs?status=error&status=terminated", ["query", "--status", "error", "--status", "terminated"]);
    await same("/api/runs?op=eval", ["query", "--op", "eval"]);
    await same("/api/runs?deleted=1", ["query", "--deleted"]);
    await same("/api/runs?label=lr", ["query", "--label", "lr"]);
    await same("/api/runs?since=2024-06-20&until=2024-06-20", ["query", "--since", "2024-06-20", "--until", "2024-06-20"]);
    const group = cliJson<GroupJson>(s.ws, ["query", "-g", "--tag", "color=green", "--label", "lr sweep", "--no-refresh"])[0]!;
    await same(`/api/runs?in-group=${group.id}`, ["query", "--in-group", group.id]);
    await same("/api/groups?where=members%20%3E%3D%203&sort=name", ["query", "-g", "--where", "members >= 3", "--sort", "name"]);
  });

  it("columns as --columns takes them, cells beside each row", async () => {
    const s = await examples();
    const page = await getJson<ListingPage<RunJson>>(s.url, "/api/runs?where=metrics.loss%20%3E%200&columns=name,config.lr,metrics.loss");
    expect(page.columns?.map((c) => c.name)).toEqual(["name", "config.lr", "metrics.loss"]);
    const csv = cli(["query", "--where", "metrics.loss > 0", "--columns", "name,config.lr,metrics.loss", "--format", "json", ...loc(s)]);
    const records = JSON.parse(csv.stdout) as Record<string, unknown>[];
    expect(page.cells).toEqual(records.map((r) => [r["name"], r["config.lr"], r["metrics.loss"]]));
    expect(page.rows.map((r) => r.name)).toEqual(records.map((r) => r["name"]));
  });

  it("a group's members with columns=auto: the config that varied, every metric", async () => {
    const s = await examples();
    const sweep = cliJson<GroupJson>(s.ws, ["query", "-g", "--label", "lr sweep", "--no-refresh"])[0]!;
    const page = await getJson<MembersPage>(s.url, `/api/groups/${sweep.id}/members?columns=auto`);
    expect(page.group).toEqual(JSON.parse(cli(["show", sweep.id, "-g", "--format", "json", ...loc(s)]).stdout));
    expect(new Set(page.rows.map((r) => r.id))).toEqual(new Set(sweep.members));
    expect(page.columns?.map((c) => c.name)).toEqual(["config.lr", "metrics.acc", "metrics.loss"]);
    const lr = page.cells!.map((c) => c[0]);
    expect(new Set(lr)).toEqual(new Set([0.01, 0.001, 0.0001]));
  });

  it("paging a larger corpus: pages follow one another, an unfiltered total is exact, a filtered one is counted", async () => {
    served = await serve((dir) => void writeCorpus(dir, { n: 400, seed: 7 }));
    const s = served;
    const all = cliJson<RunJson>(s.ws, ["query", "--no-refresh"]).map((r) => r.id);
    const seen: string[] = [];
    for (let offset = 0; offset < all.length; offset += 100) {
      const page = await getJson<ListingPage<RunJson>>(s.url, `/api/runs?limit=100&offset=${offset}`);
      expect(page.total).toBe(all.length);
      seen.push(...page.rows.map((r) => r.id));
    }
    expect(seen).toEqual(all);
    const green = cliJson<RunJson>(s.ws, ["query", "--tag", "color=green", "--no-refresh"]);
    const page = await getJson<ListingPage<RunJson>>(s.url, "/api/runs?tag=color%3Dgreen&limit=5");
    expect(page).toMatchObject({ total: green.length, totalIsLowerBound: false });
    expect(page.rows.map((r) => r.id)).toEqual(green.slice(0, 5).map((r) => r.id));
    const past = await getJson<ListingPage<RunJson>>(s.url, `/api/runs?limit=5&offset=${all.length + 10}`);
    expect(past).toMatchObject({ rows: [], total: all.length });
  });

  it("pages deep in a listing (ids found first) are the same rows as the whole listing's, in every order", async () => {
    served = await serve((dir) => void writeCorpus(dir, { n: 1400, seed: 5 }));
    const s = served;
    for (const [query, args] of [
      ["", []],
      ["&sort=-metrics.loss&where=metrics.loss%20%3E%200.1", ["--sort", "-metrics.loss", "--where", "metrics.loss > 0.1"]],
      ["&sort=name&tag=color%3Dgreen", ["--sort", "name", "--tag", "color=green"]],
      ["&sort=config.optimizer", ["--sort", "config.optimizer"]],
    ] as const) {
      const all = cliJson<RunJson>(s.ws, ["query", ...args, "--no-refresh"]).map((r) => r.id);
      const from = all.length > 1100 ? 990 : Math.max(0, all.length - 60);
      for (const offset of [from, from + 30, all.length - 7]) {
        const page = await getJson<ListingPage<RunJson>>(s.url, `/api/runs?limit=40&offset=${offset}${query}`);
        expect([query, offset, page.rows.map((r) => r.id)]).toEqual([query, offset, all.slice(offset, offset + 40)]);
      }
    }
    // a filtered total is counted up to 1000 rows past the page, then "more than"
    const matching = cliJson<RunJson>(s.ws, ["query", "--where", "timestamp > 0", "--no-refresh"]).length;
    expect(matching).toBeGreaterThan(1050);
    expect(await getJson(s.url, "/api/runs?where=timestamp%20%3E%200&limit=50")).toMatchObject({ total: 1050, totalIsLowerBound: true });
    expect(await getJson(s.url, "/api/runs?where=timestamp%20%3E%200&limit=50&offset=500")).toMatchObject({ total: matching, totalIsLowerBound: false });
  });
});

describe("details", () => {
  it("/api/runs/:id is `catalog show --format json`; a unique prefix finds it; an unknown id is a 404", async () => {
    const s = await examples();
    const id = cliJson<RunJson>(s.ws, ["query", "-n", "3", "--no-refresh"])[2]!.id;
    const shown = JSON.parse(cli(["show", id, "--format", "json", ...loc(s)]).stdout) as RunJson;
    expect(await getJson(s.url, `/api/runs/${id}`)).toEqual(shown);
    expect(await getJson(s.url, `/api/runs/${id.slice(0, 12)}`)).toEqual(shown);
    const missing = await request(`${s.url}api/runs/ffffffff-0000`);
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ error: { message: "no run ffffffff-0000" } });
  });

  it("/api/groups/:id is `catalog show -g --format json`", async () => {
    const s = await examples();
    const g = cliJson<GroupJson>(s.ws, ["query", "-g", "--no-refresh"])[0]!;
    expect(await getJson(s.url, `/api/groups/${g.id}`)).toEqual(JSON.parse(cli(["show", g.id, "-g", "--format", "json", ...loc(s)]).stdout));
    expect((await request(`${s.url}api/groups/nope`)).status).toBe(404);
  });
});

describe("refusals", () => {
  it("a --where syntax error names the parameter, the text, the column and the reason", async () => {
    const s = await examples();
    const a = await request(`${s.url}api/runs?where=${encodeURIComponent("metrics.loss < 0.3 and started >= 2024-02-30")}`);
    expect(a.status).toBe(400);
    const cliErr = cli(["query", "--where", "metrics.loss < 0.3 and started >= 2024-02-30", ...loc(s)]).stderr.split("\n");
    const caret = cliErr[2]!;
    expect(a.json()).toEqual({
      error: {
        message: expect.stringMatching(/^where: impossible date 2024-02-30/u),
        param: "where",
        expression: "metrics.loss < 0.3 and started >= 2024-02-30",
        column: caret.indexOf("^"),
        reason: caret.slice(caret.indexOf("^") + 2),
      },
    });
    const cols = await request(`${s.url}api/runs?columns=name,,metrics.loss`);
    expect(cols.status).toBe(400);
    expect(cols.json()).toMatchObject({ error: { param: "columns", column: 5 } });
  });

  it("unknown parameters, bad values and options that do not go together are 400s", async () => {
    const s = await examples();
    for (const q of ["colour=green", "status=done", "limit=0", "limit=5000", "offset=-1", "sort=bogus", "since=2024-13-45", "deleted=maybe", "tag=", "in-group=zzz", "archive=none"]) {
      const a = await request(`${s.url}api/runs?${q}`);
      expect([q, a.status]).toEqual([q, 400]);
      expect(a.json<{ error: { message: string } }>().error.message.length).toBeGreaterThan(0);
    }
    expect((await request(`${s.url}api/groups?in-group=x`)).status).toBe(400);
    expect((await request(`${s.url}api/nothing`)).status).toBe(404);
    expect((await request(`${s.url}api/runs`, { method: "DELETE" })).status).toBe(405);
  });

  it("a Host that is not this server is refused (DNS rebinding); localhost and 127.0.0.1 are this server", async () => {
    const s = await examples();
    const port = s.server.port;
    for (const host of ["evil.example:80", `evil.example:${port}`, "127.0.0.1:1", `localhost.evil.example:${port}`, `127.0.0.1.evil.example:${port}`]) {
      const a = await request(`${s.url}api/runs`, { headers: { Host: host } });
      expect([host, a.status]).toEqual([host, 421]);
    }
    const page = await request(s.url, { headers: { Host: `evil.example:${port}` } });
    expect(page.status).toBe(421);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) expect((await request(`${s.url}api/runs`, { headers: { Host: host } })).status).toBe(200);
  });

  it("writes need a JSON body and this server's Origin; nothing is written otherwise", async () => {
    const s = await examples();
    const run = cliJson<RunJson>(s.ws, ["query", "-n", "1", "--no-refresh"])[0]!;
    const before = readdirSync(s.ws.runsDir).sort();
    const origin = new URL(s.url).origin;
    const body = JSON.stringify({ members: [run.id], label: "x" });
    const tries: [Record<string, string>, number][] = [
      [{ "Content-Type": "application/json" }, 403],
      [{ "Content-Type": "application/json", Origin: "http://evil.example" }, 403],
      [{ "Content-Type": "application/json", Origin: "null" }, 403],
      [{ "Content-Type": "application/json", Origin: origin, "Sec-Fetch-Site": "cross-site" }, 403],
      [{ "Content-Type": "text/plain", Origin: origin }, 415],
      [{ "Content-Type": "application/x-www-form-urlencoded", Origin: origin }, 415],
      [{ Origin: origin }, 415],
    ];
    for (const [headers, status] of tries) {
      const a = await request(`${s.url}api/groups`, { method: "POST", headers, body });
      expect([headers, a.status]).toEqual([headers, status]);
    }
    expect((await write(s.url, "POST", "/api/groups", "{not json")).status).toBe(400);
    expect((await write(s.url, "POST", "/api/groups", { members: ["nope"] })).status).toBe(400);
    expect((await write(s.url, "POST", "/api/groups", { members: [run.id], extra: 1 })).status).toBe(400);
    expect((await write(s.url, "PATCH", `/api/runs/${run.id}`, {})).status).toBe(400);
    expect((await write(s.url, "PATCH", "/api/runs/nope", { label: "x" })).status).toBe(404);
    expect((await write(s.url, "POST", `/api/runs/${run.id}/comments`, { msg: " " })).status).toBe(400);
    expect(readdirSync(s.ws.runsDir).sort()).toEqual(before);
  });
});

describe("writes, as the CLI writes them", () => {
  it("a group of selected runs: a <gid>.group dir with its id and one entry, listed by `catalog query -g`", async () => {
    const s = await examples();
    const runs = cliJson<RunJson>(s.ws, ["query", "-n", "3", "--no-refresh"]);
    const a = await write(s.url, "POST", "/api/groups", { members: runs.map((r) => r.id), label: "from the page", tags: ["color=green", "web"] });
    expect(a.status).toBe(201);
    const g = a.json<GroupJson>();
    expect(g).toMatchObject({ type: "group", label: "from the page", tags: ["color=green", "web"] });
    const dir = join(s.ws.runsDir, `${g.id}.group`);
    expect(readFileSync(join(dir, "id"), "utf8")).toBe(g.id);
    const log = readAttrLog(dir);
    expect(log.issues).toEqual([]);
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ author: AUTHOR, delete: [] });
    expect(log.entries[0]!.set).toEqual({ label: "from the page", "tag:color=green": "", "tag:web": "", ...Object.fromEntries(runs.map((r) => [`run:${r.id}`, ""])) });
    expect(statSync(join(dir, log.names[0]!)).mode & 0o777).toBe(0o444);
    const listed = cliJson<GroupJson>(s.ws, ["query", "-g", "--tag", "web", "--no-refresh"]);
    expect(listed).toEqual([g]);
    expect(new Set(g.members)).toEqual(new Set(runs.map((r) => r.id)));
  });

  it("tags, a label and a comment on a run and on a group", async () => {
    const s = await examples();
    const run = cliJson<RunJson>(s.ws, ["query", "-n", "1", "--no-refresh"])[0]!;
    const p = await write(s.url, "PATCH", `/api/runs/${run.id}`, { label: "best so far", addTags: ["reviewed"] });
    expect(p.status).toBe(200);
    expect(p.json<RunJson>()).toMatchObject({ id: run.id, label: "best so far", tags: [...run.tags, "reviewed"].sort() });
    const c = await write(s.url, "POST", `/api/runs/${run.id}/comments`, { msg: "diverged after epoch 3" });
    expect(c.status).toBe(201);
    const shown = JSON.parse(cli(["show", run.id, "--format", "json", ...loc(s)]).stdout) as RunJson;
    expect(shown).toEqual(c.json());
    expect(shown.comments.at(-1)).toMatchObject({ author: AUTHOR, msg: "diverged after epoch 3" });
    const log = readAttrLog(join(s.ws.runsDir, `${run.id}.user`));
    expect(log.entries.slice(-3).map((e) => [e.author, e.set, e.delete])).toEqual([
      [AUTHOR, { "tag:reviewed": "" }, []],
      [AUTHOR, { label: "best so far" }, []],
      [AUTHOR, { [`comment:${shown.comments.at(-1)!.id}`]: { msg: "diverged after epoch 3", timestamp: Date.parse(shown.comments.at(-1)!.timestamp!) } }, []],
    ]);
    const cleared = await write(s.url, "PATCH", `/api/runs/${run.id}`, { label: null, removeTags: ["reviewed"] });
    expect(cleared.json<RunJson>()).toMatchObject({ tags: run.tags });
    expect(cleared.json<RunJson>().label).not.toBe("best so far");

    const g = cliJson<GroupJson>(s.ws, ["query", "-g", "--no-refresh"])[0]!;
    const gp = await write(s.url, "PATCH", `/api/groups/${g.id}`, { addTags: ["color=blue"], label: "relabelled" });
    expect(gp.json<GroupJson>()).toMatchObject({ label: "relabelled", tags: [...g.tags, "color=blue"].sort() });
    expect(cliJson<GroupJson>(s.ws, ["query", "-g", "--tag", "color=blue", "--no-refresh"]).map((x) => x.id)).toEqual([g.id]);
    await write(s.url, "POST", `/api/groups/${g.id}/comments`, { msg: "a group note" });
    expect((await getJson<GroupJson>(s.url, `/api/groups/${g.id}`)).comments.map((x) => x.msg)).toContain("a group note");
  });
});

describe("the event stream", () => {
  it("sends an index event when another process changes the index", async () => {
    const s = await examples();
    const received = new Promise<string>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error("no index event")), 30_000);
      void import("node:http").then(({ get }) => {
        get(`${s.url}api/events`, (res) => {
          expect(res.headers["content-type"]).toMatch(/^text\/event-stream/u);
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => {
            text += d;
            if (text.includes("event: hello") && !text.includes("tagging")) {
              text += "tagging";
              void cliAsync(["tag", "1", "--add", "from-cli", "-y", "--runs-dir", s.ws.runsDir, "--db", s.ws.dbPath]);
            }
            if (text.includes("event: index")) {
              clearTimeout(deadline);
              res.destroy();
              resolve(text);
            }
          });
        });
      });
    });
    expect(await received).toMatch(/event: index\ndata: \{"version":\d+\}/u);
  });
});

describe("the page's files", () => {
  it("index.html for the page's paths, hashed assets, no way out of dist/web, headers that keep it to itself", async () => {
    const s = await examples();
    for (const path of ["/", "/groups/abc", "/runs/abc?where=x"]) {
      const a = await request(new URL(path, s.url).href);
      expect(a.status).toBe(200);
      expect(a.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(a.text).toContain('<div id="app">');
      expect(a.headers["content-security-policy"]).toContain("default-src 'self'");
      expect(a.headers["x-frame-options"]).toBe("DENY");
    }
    const script = /src="(\/assets\/[^"]+\.js)"/u.exec((await request(s.url)).text)![1]!;
    const js = await request(new URL(script, s.url).href);
    expect([js.status, js.headers["content-type"], js.headers["cache-control"]]).toEqual([200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"]);
    expect(js.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z]/u);
    for (const path of ["/assets/..%2f..%2fpackage.json", "/assets/..%2findex.html", "/assets/nope.js"]) expect((await request(new URL(path, s.url).href)).status).toBe(404);
    expect((await request(s.url, { method: "POST" })).status).toBe(405);
  });
});

describe("catalog serve, the command", () => {
  it("indexes, prints its URL, serves until SIGTERM and exits 0; a port in use or out of range, an address not here, is an error", async () => {
    const ws = workspace();
    writeExamples(ws.runsDir);
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--host", "127.0.0.1", "--runs-dir", ws.runsDir, "--db", ws.dbPath], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CATALOG_HOST: "lab-box" },
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^serving .* at (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)$/mu.exec(out);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`catalog serve exited ${code}`)));
    });
    const info = await getJson<{ runsDir: string; dbPath: string; author: string }>(url, "/api/info");
    expect(info).toMatchObject({ runsDir: ws.runsDir, dbPath: ws.dbPath, author: osUser() });
    // serve's --host is where it listens; the runs dir's host name comes from CATALOG_HOST
    expect((await getJson<ListingPage<RunJson>>(url, "/api/runs?limit=1")).rows[0]!.source.host).toBe("lab-box");
    expect((await getJson<ListingPage<GroupJson>>(url, "/api/groups?tag=color%3Dgreen")).rows.map((g) => g.id)).toEqual(
      cliJson<GroupJson>(ws, ["query", "-g", "--tag", "color=green", "--no-refresh"]).map((g) => g.id),
    );
    const port = new URL(url).port;
    const busy = await cliAsync(["serve", "--port", port, "--no-refresh", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect([busy.status, busy.stderr]).toEqual([1, `catalog: port ${port} on 127.0.0.1 is in use; pass another --port (0 picks a free one)\n`]);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const out = cli(["serve", "--port", "70000", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect([out.status, out.stderr]).toEqual([2, "catalog: --port 70000 is not a TCP port (0 to 65535)\n"]);
    const elsewhere = cli(["serve", "--port", "0", "--host", "192.0.2.1", "--no-refresh", "--runs-dir", ws.runsDir, "--db", ws.dbPath]);
    expect([elsewhere.status, elsewhere.stderr]).toEqual([1, "catalog: cannot listen on 192.0.2.1: no such address on this machine; pass another --host\n"]);
  });
});
