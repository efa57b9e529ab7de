/** `/runs/<id>`: everything `catalog show` tells about a run, with its tags, label and comments editable. */
import { groupPath, type GroupJson, type RunDetailJson } from "../api.js";
import { Attrs } from "../components/Edit.js";
import { ErrorBox } from "../components/FilterBox.js";
import { Link } from "../components/Link.js";
import { Status } from "../components/Status.js";
import { useApi } from "../fetch.js";
import { ago, localTime, opText, valueText } from "../format.js";

export function RunPage({ id }: { id: string }) {
  const api = `/api/runs/${encodeURIComponent(id)}`;
  const { data: r, error, reload } = useApi<RunDetailJson>(api);
  if (error) return <ErrorBox error={error} />;
  if (!r) return <p class="loading">loading…</p>;
  const when = (iso: string | null) => (iso === null ? "" : `${localTime(iso)} (${ago(iso)})`);
  return (
    <article class="detail" data-testid="run-page">
      <h1>
        run <span data-testid="run-name">{r.name ?? r.id}</span> <Status status={r.status} />
      </h1>
      <dl class="facts">
        <dt>id</dt>
        <dd>
          <code>{r.id}</code>
        </dd>
        <dt>operation</dt>
        <dd>{`${r.op.ns}:${opText({ operation: r.op.name, op: r.op })}`}</dd>
        <dt>status</dt>
        <dd>{r.exit_code === null ? r.status : `${r.status} (exit ${r.exit_code})`}</dd>
        <dt>container</dt>
        <dd>{r.container}</dd>
        <dt>initialized</dt>
        <dd>{when(r.initialized)}</dd>
        <dt>staged</dt>
        <dd>{when(r.staged)}</dd>
        <dt>started</dt>
        <dd>{when(r.started)}</dd>
        <dt>stopped</dt>
        <dd>{when(r.stopped)}</dd>
        <dt>{r.copies.length > 1 ? "copies" : "source"}</dt>
        <dd data-testid="run-copies">
          {/* a team database: the copy shown first (its files are newest), then the others */}
          {r.copies.map((c) => (
            <span class="copy" key={`${c.host ?? ""}\u0000${c.runs_dir ?? ""}`}>
              {c.host === null ? c.runs_dir : `${c.host}:${c.runs_dir}`}
            </span>
          ))}
        </dd>
        <dt>groups</dt>
        <dd data-testid="run-groups">{r.groups.length === 0 ? <em class="none">none</em> : r.groups.map((g) => <GroupName key={g} id={g} />)}</dd>
      </dl>
      <Attrs api={api} label={r.label} tags={r.tags} comments={r.comments} onDone={reload} />
      <div class="sections">
        <Values title="Config" values={r.config} testid="config" />
        <Values title="Metrics" values={r.metrics} testid="metrics" />
        <Values title="Attributes" values={r.attributes} testid="attributes" />
      </div>
    </article>
  );
}

function Values({ title, values, testid }: { title: string; values: Record<string, unknown>; testid: string }) {
  const keys = Object.keys(values).sort();
  return (
    <section>
      <h3>{title}</h3>
      {keys.length === 0 ? (
        <p class="none">none</p>
      ) : (
        <table class="values" data-testid={testid}>
          <tbody>
            {keys.map((k) => (
              <tr key={k}>
                <th>{k}</th>
                <td>{valueText(values[k])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function GroupName({ id }: { id: string }) {
  const { data } = useApi<GroupJson>(`/api/groups/${encodeURIComponent(id)}`);
  return (
    <span class="group-ref">
      <Link href={groupPath(id)} title={id}>
        {data?.name ?? id}
      </Link>
      {data?.label ? ` ${data.label}` : ""}
    </span>
  );
}
