import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes plain numbered SQL files into migrations/, which wrangler applies
// (locally in `npm start`, in the tests, and remotely in `npm run deploy`).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema",
  out: "./migrations",
});
