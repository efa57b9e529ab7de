/** The SQL dialects, side by side in one module (src/store/dialect.ts). */
export { sqliteDialect, type Dialect } from "../../store/dialect.js";
