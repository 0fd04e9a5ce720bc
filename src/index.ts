import { createApp } from "./app";
import type { Env } from "./env";

export { JobRunner } from "./services/job-runner";
export { GoToSimulator } from "./simulator/simulator";
export { GoToGateway } from "./sync/gateway";
export { GoToRateBudget } from "./sync/rate-budget";
export { WebinarSync } from "./sync/webinar-sync";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
