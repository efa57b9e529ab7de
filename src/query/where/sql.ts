/** The SQL building blocks, shared by the whole query layer (src/store/sql.ts). */
export { bind, join, param, raw, sql, type Bound } from "../../store/sql.js";
