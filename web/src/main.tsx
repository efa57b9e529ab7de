import { render } from "preact";
import { App } from "./app.js";
import { startLive } from "./live.js";
import "./style.css";

startLive();
render(<App />, document.getElementById("app")!);
