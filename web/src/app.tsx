import type { ServerInfo } from "./api.js";
import { Link } from "./components/Link.js";
import { useApi } from "./fetch.js";
import { useConnected } from "./live.js";
import { GroupPage } from "./pages/GroupPage.js";
import { Home } from "./pages/Home.js";
import { RunPage } from "./pages/RunPage.js";
import { useUrl } from "./route.js";

/** The views, by path: `/`, `/runs/<id>`, `/groups/<id>`. */
function View({ path }: { path: string }) {
  const m = /^\/(runs|groups)\/([^/]+)$/u.exec(path);
  if (m) {
    const id = decodeURIComponent(m[2]!);
    return m[1] === "runs" ? <RunPage key={id} id={id} /> : <GroupPage key={id} id={id} />;
  }
  if (path === "/" || path === "") return <Home />;
  return <p class="error">nothing at {path}</p>;
}

export function App() {
  const url = useUrl();
  const info = useApi<ServerInfo>("/api/info").data;
  const connected = useConnected();
  return (
    <>
      <nav class="top">
        <Link href="/">catalog</Link>
        <span class="where" title={info ? `index ${info.dbPath}` : ""}>
          {info?.runsDir ?? ""}
        </span>
        {connected !== null && (
          <span class={connected ? "live on" : "live off"} title={connected ? "follows the index as it changes" : "not connected to the server"} data-testid="live">
            {connected ? "live" : "offline"}
          </span>
        )}
        {info && <span class="who">writes as {info.author}</span>}
      </nav>
      <main>
        <View path={url.pathname} />
      </main>
    </>
  );
}
