// Architecture rules that a type check cannot see, checked over src/ by `npm run lint`. Each rule
// names the modules allowed to do something and a pattern that finds it; a match anywhere else
// fails with the rule's reason. Add a rule to RULES to keep another seam in one place.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { root } from "./lib.mjs";

const RECORDER = "src/db/queries/activities.ts";
// The recorder's statements for score adjustments known only when the batch runs (automation rules).
const RECORDER_ADJUSTMENTS = "src/db/queries/activity-adjustments.ts";

const RULES = [
  {
    name: "one activity recorder: inserts",
    why: "Activities are inserted only by the activity recorder (insert once by dedupe key, score once).",
    allowed: [RECORDER, RECORDER_ADJUSTMENTS],
    patterns: [/INSERT\s+(?:OR\s+\w+\s+)?INTO\s+activities\b/i, /\.insert\(\s*activities\s*\)/],
  },
  {
    name: "one activity recorder: scores",
    why: "A prospect's score is the sum of its activities' points, set only by the activity recorder.",
    allowed: [RECORDER, RECORDER_ADJUSTMENTS],
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
console.log(`Architecture check: ${RULES.length} rules hold.`);
