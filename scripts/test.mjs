// npm test: the type check, the unit and integration tests inside workerd, then the browser tests
// in the system Chromium. Each stage prints its own summary; the first failure stops the run.
import { bin, run } from "./lib.mjs";

const stages = [
  ["Type check", bin("tsc"), ["--noEmit", "-p", "."]],
  ["Type check (tests)", bin("tsc"), ["--noEmit", "-p", "test"]],
  ["Type check (browser tests, benchmarks)", bin("tsc"), ["--noEmit", "-p", "test/browser/tsconfig.json"]],
  ["Workers tests (workerd)", bin("vitest"), ["run"]],
  ["Browser tests (Chromium)", process.execPath, ["--test", "--test-concurrency=1", "test/browser/*.test.ts"]],
];

await run(process.execPath, ["scripts/vendor.mjs"]);
for (const [name, command, args] of stages) {
  console.log(`\n== ${name} ==`);
  const started = Date.now();
  try {
    await run(command, args);
  } catch (error) {
    console.error(`\n${name} failed: ${error.message}`);
    process.exit(1);
  }
  console.log(`${name}: ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}
console.log("\nAll tests passed.");
