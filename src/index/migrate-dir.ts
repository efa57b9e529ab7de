import { join } from "node:path";
import { packageRoot } from "../package-root.js";

export function migrationsDir(): string {
  return join(packageRoot(), "migrations");
}
