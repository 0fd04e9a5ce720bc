// The development Worker (wrangler.dev.toml) is the production Worker (wrangler.toml) plus the
// GoToWebinar simulator, and nothing else: checked by `npm run lint`, so a binding, a migration or
// a setting added to one file and not the other fails here instead of in a deployment. The
// differences allowed: the entry, the GOTO_SIMULATOR binding, the GOTO_MODE var, and production's
// migration that deletes GoToSimulator.
import { isDeepStrictEqual } from "node:util";
import { experimental_readRawConfig } from "wrangler";

const SIMULATOR = "GoToSimulator";
const read = (config) => structuredClone(experimental_readRawConfig({ config }).rawConfig);
const prod = read("wrangler.toml");
const dev = read("wrangler.dev.toml");

const failures = [];
if (prod.main !== "src/index.ts") failures.push(`wrangler.toml: main is ${prod.main}, not src/index.ts`);
if (dev.main !== "src/dev/index.ts") failures.push(`wrangler.dev.toml: main is ${dev.main}, not src/dev/index.ts`);
const prodBindings = prod.durable_objects?.bindings ?? [];
if (prodBindings.some((b) => b.class_name === SIMULATOR)) failures.push(`wrangler.toml binds ${SIMULATOR}`);
if (prod.vars && "GOTO_MODE" in prod.vars) failures.push("wrangler.toml sets GOTO_MODE (production is always live)");
const devBindings = dev.durable_objects?.bindings ?? [];
if (!devBindings.some((b) => b.name === "GOTO_SIMULATOR" && b.class_name === SIMULATOR))
  failures.push(`wrangler.dev.toml does not bind GOTO_SIMULATOR to ${SIMULATOR}`);

// Everything else must be the same.
for (const config of [prod, dev]) delete config.main;
if (dev.durable_objects) dev.durable_objects.bindings = devBindings.filter((b) => b.class_name !== SIMULATOR);
if (dev.vars) {
  delete dev.vars.GOTO_MODE;
  if (Object.keys(dev.vars).length === 0) delete dev.vars;
}
prod.migrations = (prod.migrations ?? []).filter((m) => !(m.deleted_classes ?? []).includes(SIMULATOR));
for (const key of new Set([...Object.keys(prod), ...Object.keys(dev)])) {
  if (!isDeepStrictEqual(prod[key], dev[key])) {
    failures.push(
      `"${key}" differs: wrangler.toml ${JSON.stringify(prod[key])}, wrangler.dev.toml ${JSON.stringify(dev[key])}`,
    );
  }
}

if (failures.length > 0) {
  console.error(
    `wrangler.dev.toml is not wrangler.toml plus the simulator:\n${failures.map((f) => `  ${f}`).join("\n")}`,
  );
  process.exit(1);
}
console.log("Worker configs: wrangler.dev.toml is wrangler.toml plus the simulator.");
