// The development entry (wrangler.dev.toml): what `npm start`, `npm run dev`, the tests, the
// benchmarks and the soak run. It is the production Worker (src/index.ts) plus the GoToWebinar
// simulator: the GoToSimulator Durable Object, /sim and /sim/sync, and GOTO_MODE, which can put
// the simulator in GoTo's place. `npm run deploy` deploys src/index.ts, which reaches none of this.
import { createDevApp } from "./app";

export { JobRunner } from "../services/job-runner";
export { GoToSimulator } from "../simulator/simulator";
export { GoToRateBudget } from "../sync/rate-budget";
export { WebinarSync } from "../sync/webinar-sync";
export { GoToGateway } from "./gateway";

const app = createDevApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
