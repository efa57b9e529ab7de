/**
 * The JSON the server answers with and the page reads (docs/web.md, "The API"). Runs and groups
 * are exactly what `catalog query --format json` and `catalog show --format json` print.
 */
import type { Cell, Column } from "../query/columns.js";
import type { CommentJson, GroupJson, RunDetailJson, RunJson } from "../query/export.js";

export type { Cell, Column, CommentJson, GroupJson, RunDetailJson, RunJson };

/** One page of a listing; rows are numbered `offset + 1 …` as `catalog query` numbers them. */
export interface ListingPage<R> {
  readonly offset: number;
  readonly limit: number;
  /** rows in all; with `totalIsLowerBound`, counting stopped there ("more than total") */
  readonly total: number;
  readonly totalIsLowerBound: boolean;
  readonly rows: readonly R[];
  /** the `columns` asked for (auto expanded), and each row's cells in that order */
  readonly columns: readonly Column[] | null;
  readonly cells: readonly (readonly Cell[])[] | null;
}

/** A group's active members as a run listing, with the group itself. */
export interface MembersPage extends ListingPage<RunJson> {
  readonly group: GroupJson;
}

export interface ServerInfo {
  readonly runsDir: string;
  /** the database as messages name it (a team database's URL without its password) */
  readonly dbPath: string;
  /** who the page writes as: the OS user of the server */
  readonly author: string;
  readonly version: string;
}

/**
 * What a refused request gets. A `where` or `columns` text that does not parse names the
 * parameter, the text, the 0-based column of the bad spot and the reason.
 */
export interface ApiError {
  readonly error: {
    readonly message: string;
    readonly param?: string;
    readonly expression?: string;
    readonly column?: number;
    readonly reason?: string;
  };
}

/** `POST /api/groups` */
export interface NewGroup {
  readonly members: readonly string[];
  readonly label?: string;
  readonly tags?: readonly string[];
}

/** `PATCH /api/runs/:id` and `/api/groups/:id`: a label to set (null clears it), tags to add and remove. */
export interface AttrChange {
  readonly label?: string | null;
  readonly addTags?: readonly string[];
  readonly removeTags?: readonly string[];
}

/** `POST /api/runs/:id/comments` and `/api/groups/:id/comments` */
export interface NewComment {
  readonly msg: string;
}

/** What the event stream (`GET /api/events`) sends when the index changed. */
export interface IndexChanged {
  readonly version: number;
}
