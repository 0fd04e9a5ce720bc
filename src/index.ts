import { createApp } from "./app";

export { GoToSimulator } from "./simulator/simulator";
export { GoToGateway } from "./sync/gateway";
export { GoToRateBudget } from "./sync/rate-budget";
export { WebinarSync } from "./sync/webinar-sync";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
