/**
 * Tags, the label and comments of a run or group, written from the page through the server,
 * which writes them as `catalog tag`, `catalog label` and `catalog comment` do (Gage's attr log).
 */
import { useState } from "preact/hooks";
import { ApiFailure, sendJson, type AttrChange, type CommentJson } from "../api.js";
import { localTime } from "../format.js";
import { ErrorBox } from "./FilterBox.js";
import { Tags } from "./Tags.js";

/** Calls the API and reports a refusal beside the control that made the request. */
function useWrite(path: string, onDone: () => void) {
  const [error, setError] = useState<ApiFailure | undefined>();
  const [busy, setBusy] = useState(false);
  const run = async (method: "POST" | "PATCH", sub: string, body: unknown): Promise<boolean> => {
    setBusy(true);
    try {
      await sendJson(method, `${path}${sub}`, body);
      setError(undefined);
      onDone();
      return true;
    } catch (err) {
      setError(err instanceof ApiFailure ? err : new ApiFailure(0, { message: String(err) }));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

export function Attrs({ api, label, tags, comments, onDone }: { api: string; label: string | null; tags: readonly string[]; comments: readonly CommentJson[]; onDone: () => void }) {
  const w = useWrite(api, onDone);
  const change = (c: AttrChange) => w.run("PATCH", "", c);
  return (
    <div class="attrs">
      <LabelEditor label={label} busy={w.busy} onSave={(l) => change({ label: l })} />
      <TagEditor tags={tags} busy={w.busy} onAdd={(t) => change({ addTags: [t] })} onRemove={(t) => change({ removeTags: [t] })} />
      {w.error && <ErrorBox error={w.error} />}
      <Comments comments={comments} busy={w.busy} onAdd={(msg) => w.run("POST", "/comments", { msg })} />
    </div>
  );
}

function LabelEditor({ label, busy, onSave }: { label: string | null; busy: boolean; onSave: (l: string | null) => Promise<boolean> }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(label ?? "");
  if (!editing) {
    return (
      <div class="field">
        <span class="key">label</span>
        <span data-testid="label">{label ?? <em class="none">none</em>}</span>
        <button type="button" class="small" data-testid="edit-label" onClick={() => (setText(label ?? ""), setEditing(true))}>
          edit
        </button>
      </div>
    );
  }
  return (
    <form
      class="field"
      onSubmit={async (e) => {
        e.preventDefault();
        if (text.trim() !== "" && (await onSave(text))) setEditing(false);
      }}
    >
      <span class="key">label</span>
      <input type="text" value={text} aria-label="label" data-testid="label-input" onInput={(e) => setText(e.currentTarget.value)} />
      <button type="submit" disabled={busy || text.trim() === ""} data-testid="save-label">
        Save
      </button>
      <button type="button" disabled={busy || label === null} onClick={async () => (await onSave(null)) && setEditing(false)}>
        Clear
      </button>
      <button type="button" class="small" onClick={() => setEditing(false)}>
        cancel
      </button>
    </form>
  );
}

function TagEditor({ tags, busy, onAdd, onRemove }: { tags: readonly string[]; busy: boolean; onAdd: (t: string) => Promise<boolean>; onRemove: (t: string) => void }) {
  const [text, setText] = useState("");
  return (
    <form
      class="field"
      onSubmit={async (e) => {
        e.preventDefault();
        if (text.trim() !== "" && (await onAdd(text.trim()))) setText("");
      }}
    >
      <span class="key">tags</span>
      <Tags tags={tags} onRemove={onRemove} />
      <input type="text" value={text} placeholder="add a tag, e.g. color=green" aria-label="new tag" data-testid="tag-input" onInput={(e) => setText(e.currentTarget.value)} />
      <button type="submit" disabled={busy || text.trim() === ""} data-testid="add-tag">
        Add
      </button>
    </form>
  );
}

function Comments({ comments, busy, onAdd }: { comments: readonly CommentJson[]; busy: boolean; onAdd: (msg: string) => Promise<boolean> }) {
  const [text, setText] = useState("");
  return (
    <div class="comments">
      <h3>Comments</h3>
      {comments.length === 0 ? (
        <p class="none">no comments</p>
      ) : (
        <ul data-testid="comments">
          {comments.map((c) => (
            <li key={`${c.id}/${c.author}`}>
              <span class="meta">
                {c.author} · {localTime(c.timestamp)} · <code>{c.id}</code>
              </span>
              <div class="msg">{c.msg}</div>
            </li>
          ))}
        </ul>
      )}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (text.trim() !== "" && (await onAdd(text))) setText("");
        }}
      >
        <textarea value={text} rows={2} placeholder="a comment" aria-label="new comment" data-testid="comment-input" onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit" disabled={busy || text.trim() === ""} data-testid="add-comment">
          Comment
        </button>
      </form>
    </div>
  );
}
