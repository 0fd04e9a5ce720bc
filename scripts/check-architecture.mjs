// Architecture rules that a type check cannot see, checked over src/ by `npm run lint`. Each rule
// in RULES names the modules allowed to do something and a pattern that finds it; a match anywhere
// else fails with the rule's reason. Each rule in IMPORT_RULES names which modules may not import
// which, and the imports allowed all the same. Add a rule to keep another seam in one place.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { root } from "./lib.mjs";

const RECORDER = "src/db/queries/activities.ts";

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
];

const ROUTES = "src/routes/";

const IMPORT_RULES = [
  {
    name: "no route imports another route",
    why:
      "Routes are leaves that src/app.tsx mounts; what two routes share lives outside src/routes/ " +
      "(a service, a query, a domain rule, a view, the API's schemas).",
    from: (path) => path.startsWith(ROUTES),
    to: (path) => path.startsWith(ROUTES),
    // A router that mounts a router of its own area, and nothing else from it.
    allowed: [
      // One openapi.json covers the whole API, so the report routes are mounted inside /api/v1.
      ["src/routes/api/v1.ts", "src/routes/api/reports.ts"],
      // The sync engine's dev surface sits behind the simulator's mode guard at /sim/sync.
      ["src/routes/simulator.tsx", "src/routes/sync-dev.ts"],
    ],
  },
];

/** The relative modules a file imports (static, re-exported and dynamic), as written. */
function importSpecifiers(text) {
  const found = [];
  const pattern =
    /\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|\bimport\s*["']([^"']+)["']/g;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier?.startsWith(".")) found.push({ specifier, index: match.index });
  }
  return found;
}

/** A relative import's file, as the bundler resolves it (with or without an extension, or an index). */
function resolveImport(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [
    base,
    ...[".ts", ".tsx", ".js", ".mjs"].flatMap((ext) => [base + ext, join(base, `index${ext}`)]),
  ];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile()) ?? base;
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
  for (const rule of IMPORT_RULES) {
    if (!rule.from(path)) continue;
    for (const { specifier, index } of importSpecifiers(text)) {
      const target = relative(root, resolveImport(file, specifier)).split("\\").join("/");
      if (!rule.to(target) || rule.allowed.some(([a, b]) => a === path && b === target)) continue;
      const line = text.slice(0, index).split("\n").length;
      failures.push(`${path}:${line}: ${rule.name}: imports ${target}. ${rule.why}`);
    }
  }
  for (const rule of RULES) {
    if (rule.allowed.includes(path)) continue;
    for (const pattern of rule.patterns) {
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
console.log(`Architecture check: ${RULES.length + IMPORT_RULES.length} rules hold.`);
