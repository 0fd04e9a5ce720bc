// npm run bench: runs every test/bench/*.bench.ts, prints one Markdown table of figures and ratios
// (each ratio is against a baseline measured in the same run), and writes the same as JSON to
// test/bench/results/latest.json. Pass names to run some only: npm run bench -- foundation
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./lib.mjs";

const dir = join(root, "test", "bench");
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const results = [];
for (const file of files) {
  console.error(`running ${file}…`);
  // Each benchmark runs in its own process so one cannot warm or load another.
  const child = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(join(dir, file))}); process.stdout.write("\\n@@RESULT@@" + JSON.stringify(await m.run()));`,
    ],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const marker = child.stdout.lastIndexOf("@@RESULT@@");
  if (child.status !== 0 || marker < 0) {
    console.error(child.stdout);
    console.error(`${file} failed`);
    process.exit(1);
  }
  for (const r of JSON.parse(child.stdout.slice(marker + 10)))
    results.push({ bench: file.replace(".bench.ts", ""), ...r });
}

const fmt = (n) => (Number.isFinite(n) ? (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2)) : "n/a");
// The result's name comes first (the ids, P1, P1b, P2..., lead the names that have one);
// the file it came from is the last column.
const lines = [
  "| benchmark | figure | baseline (same run) | ratio | target | note | file |",
  "|---|---|---|---|---|---|---|",
];
for (const r of results) {
  const ratio = r.baseline ? fmt(r.figure / r.baseline.figure) : "";
  const base = r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.figure)}` : "";
  lines.push(
    `| ${r.name} | ${fmt(r.figure)} ${r.unit} | ${base} | ${ratio} | ${r.target ?? ""} | ${r.note ?? ""} | ${r.bench} |`,
  );
}
console.log(lines.join("\n"));
mkdirSync(join(dir, "results"), { recursive: true });
writeFileSync(
  join(dir, "results", "latest.json"),
  JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2),
);
