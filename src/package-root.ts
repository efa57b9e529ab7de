import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root (the dir holding `migrations/`), whether run from `dist/` or from sources. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "migrations"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the catalog package root");
    dir = up;
  }
}
