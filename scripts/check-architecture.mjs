// Architecture rules that a type check cannot see, checked over src/ (or the folder in `scope`) by
// `npm run lint`. Each rule names the modules allowed to do something (by path, or by folder in
// `allowedUnder`) and either patterns that find it or, in `imports`, modules that may not be
// imported at run time; a match anywhere else fails with the rule's reason. Add a rule to RULES to
// keep another seam in one place.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { root } from "./lib.mjs";

const RECORDER = "src/db/queries/activities.ts";
// The recorder's statements for score adjustments known only when the batch runs (automation rules).

const RULES = [
  {
    name: "one activity recorder: inserts",
    why: "Activities are inserted only by the activity recorder (insert once by dedupe key, score once).",
    allowed: [RECORDER],
    patterns: [/INSERT\s+(?:OR\s+\w+\s+)?INTO\s+activities\b/i, /\.insert\(\s*activities\s*\)/],
  },
  {
    name: "one activity recorder: scores",
    why: "A prospect's score is the sum of its activities' points, set only by the activity recorder.",
    allowed: [RECORDER],
    patterns: [/UPDATE\s+prospects\s+SET\s+score\b/i, /\bSET\s+score\s*=/i, /\bscore\s*:\s*sql\b/],
  },
  {
    name: "one activity recorder: changes",
    why: "Activities change only in the recorder, and in a merge (which moves and drops them, recording none).",
    allowed: [RECORDER, "src/db/queries/merge.ts"],
    patterns: [
      /UPDATE\s+activities\b/i,
      /DELETE\s+FROM\s+activities\b/i,
      /\.update\(\s*activities\s*\)/,
      /\.delete\(\s*activities\s*\)/,
    ],
  },
  {
    name: "stubs typed by their class",
    why: "A Durable Object stub is DurableObjectStub<Class> as getByName gives it, never cast to a hand-written interface: a renamed RPC method must fail the type check.",
    allowed: [],
    patterns: [
      /\.getByName\([^()]*(?:\([^()]*\)[^()]*)*\)\s*as\s/,
      /\.get\(\s*[^()]*\.idFrom\w+\([^()]*\)\s*\)\s*as\s/,
    ],
  },
  {
    name: "comments stand alone",
    why: "Source comments explain the code to someone who has only this repository; feature ids (F7, F22) belong in test names and test/README.md.",
    allowed: [],
    patterns: [/\bF\d{1,2}\b/],
  },
  {
    name: "Durable Object SQL in the storage modules",
    why: "A Durable Object's SQL lives in its storage module (sync-storage.ts, engagement-storage.ts, gateway-storage.ts, rate-budget-storage.ts): jobs and RPC methods call its functions.",
    allowed: [
      "src/sync/sync-storage.ts",
      "src/sync/engagement-storage.ts",
      "src/sync/gateway-storage.ts",
      "src/sync/rate-budget-storage.ts",
      "src/lib/do-schema.ts",
    ],
    // The GoTo simulator is a stand-in for GoTo with storage of its own, not one of the app's objects.
    allowedUnder: ["src/simulator/"],
    patterns: [/\bsql\s*\.\s*exec\b/],
  },
  {
    name: "sync reaches D1 through db/queries",
    why: "The sync modules read and write D1 with the functions of src/db/queries/, never with drizzle or the schema directly.",
    scope: "src/sync/",
    allowed: [],
    patterns: [/from\s+"drizzle-orm"/, /from\s+"[^"]*\/db\/schema"/, /\.prepare\(/],
  },
  {
    name: "Durable Objects through their stubs",
    why: "A Durable Object is reached through its stub (env.X.getByName, typed by its class with `import type`); only a Worker entry imports the class module at run time (callers of GoToGateway use sync/gateway-client.ts).",
    allowed: ["src/index.ts"],
    // The development entry's subclasses of the Durable Objects.
    allowedUnder: ["src/dev/"],
    imports: ["src/sync/gateway.ts", "src/sync/webinar-sync.ts"],
  },
];

/** Module specifiers this file imports or re-exports at run time (not `import type` / `export type`). */
function runtimeImports(text) {
  const found = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?"([^"]+)"/gm)) {
    if (!match[1]) found.push({ specifier: match[2], index: match.index });
  }
  return found;
}

/** `specifier` imported from `path` as a path under the project root, or null for a package. */
function resolveImport(path, specifier) {
  if (!specifier.startsWith(".")) return null;
  const resolved = normalize(join(dirname(path), specifier))
    .split("\\")
    .join("/");
  return /\.(ts|tsx|js|mjs)$/.test(resolved) ? resolved : `${resolved}.ts`;
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

const failures = [];
for (const file of sourceFiles(join(root, "src"))) {
  const path = relative(root, file).split("\\").join("/");
  const text = readFileSync(file, "utf8");
  for (const rule of RULES) {
    if (rule.scope && !path.startsWith(rule.scope)) continue;
    if (rule.allowed.includes(path) || (rule.allowedUnder ?? []).some((dir) => path.startsWith(dir))) continue;
    for (const { specifier, index } of rule.imports ? runtimeImports(text) : []) {
      if (!rule.imports.includes(resolveImport(path, specifier))) continue;
      const line = text.slice(0, index).split("\n").length;
      failures.push(`${path}:${line}: ${rule.name}: ${rule.why}`);
    }
    for (const pattern of rule.patterns ?? []) {
      // Over the whole file, so SQL split across lines is found too.
      for (const match of text.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))) {
        const line = text.slice(0, match.index).split("\n").length;
        failures.push(`${path}:${line}: ${rule.name}: ${rule.why}`);
      }
    }
  }
}

if (failures.length > 0) {
  console.error(`Architecture check failed (${failures.length}):\n${failures.map((f) => `  ${f}`).join("\n")}`);
  process.exit(1);
}
console.log(`Architecture check: ${RULES.length} rules hold.`);
