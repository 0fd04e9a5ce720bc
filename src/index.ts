// The production entry (wrangler.toml): the app and its Durable Objects, reaching GoTo itself.
// The GoToWebinar simulator is in the development entry only (src/dev/index.ts).
import { createApp } from "./app";

export { JobRunner } from "./services/job-runner";
export { GoToGateway } from "./sync/gateway";
export { GoToRateBudget } from "./sync/rate-budget";
export { WebinarSync } from "./sync/webinar-sync";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
