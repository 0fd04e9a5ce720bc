import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Unit and integration tests run inside workerd with the real bindings of the development Worker
 * (wrangler.dev.toml: production's plus the GoToWebinar simulator). Test-only bindings: the D1
 * migrations (applied by test/setup/apply-migrations.ts) and the settings that `.dev.vars` gives a
 * local run.
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.dev.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            GOTO_MODE: "simulator",
            ADMIN_EMAIL: "admin@rollcall.test",
            ADMIN_PASSWORD: "test-admin-password-1",
            SECRETS_KEY: "q83vEjkc8Dx6fdyd8Zz7yXgJx0YwTn1Pnq9xRtBSrRk=",
            GOTO_CLIENT_ID: "rollcall-dev-client",
            GOTO_CLIENT_SECRET: "rollcall-dev-secret",
            PUBLIC_URL: "",
          },
        },
      }),
    ],
    test: {
      include: [
        "test/unit/**/*.test.ts",
        "test/integration/**/*.test.ts",
        "test/unit/**/*.test.tsx",
        "test/integration/**/*.test.tsx",
      ],
      setupFiles: ["./test/setup/apply-migrations.ts"],
      // The app logs one JSON line per request; in test output those are noise, errors are not.
      onConsoleLog: (log: string) => !log.includes('"level":"info"'),
    },
  };
});
