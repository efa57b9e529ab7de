/** `/`: the newest groups above the newest runs, each listing with its own filters in the URL. */
import { useState } from "preact/hooks";
import { ApiFailure, groupPath, sendJson, type GroupJson } from "../api.js";
import { ErrorBox } from "../components/FilterBox.js";
import { Listing, useSelection } from "../components/Listing.js";
import { navigate } from "../route.js";

export function Home() {
  const selection = useSelection();
  return (
    <>
      <Listing kind="group" prefix="g" size={10} title="Groups" />
      <Listing
        kind="run"
        prefix=""
        size={50}
        title="Runs"
        selection={selection}
        actions={selection.ids.length > 0 && <NewGroup ids={selection.ids} onCancel={selection.clear} />}
      />
    </>
  );
}

/** Makes a group of the selected runs (as `catalog group create`), then opens it. */
function NewGroup({ ids, onCancel }: { ids: readonly string[]; onCancel: () => void }) {
  const [label, setLabel] = useState("");
  const [tags, setTags] = useState("");
  const [error, setError] = useState<ApiFailure | undefined>();
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    try {
      const tagList = tags.split(/[\s,]+/u).filter((t) => t !== "");
      const g = await sendJson<GroupJson>("POST", "/api/groups", { members: ids, ...(label.trim() ? { label: label.trim() } : {}), tags: tagList });
      onCancel();
      navigate(groupPath(g.id));
    } catch (err) {
      setError(err instanceof ApiFailure ? err : new ApiFailure(0, { message: String(err) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="selection-bar"
      data-testid="new-group"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <strong>{ids.length} selected</strong>
      <input type="text" value={label} placeholder="group label" aria-label="group label" data-testid="group-label" onInput={(e) => setLabel(e.currentTarget.value)} />
      <input type="text" value={tags} placeholder="tags: color=green reviewed" aria-label="group tags" data-testid="group-tags" onInput={(e) => setTags(e.currentTarget.value)} />
      <button type="submit" disabled={busy} data-testid="create-group">
        Create group
      </button>
      <button type="button" class="small" onClick={onCancel}>
        clear selection
      </button>
      {error && <ErrorBox error={error} />}
    </form>
  );
}
