import { join } from "node:path";
import { packageRoot } from "../package-root.js";

/** Each backend's migrations, side by side: `migrations/sqlite/`, `migrations/postgres/`. */
export function migrationsDir(backend: "sqlite" | "postgres" = "sqlite"): string {
  return join(packageRoot(), "migrations", backend);
}
