// Copies the pinned htmx from node_modules into public/vendor/, so pages load it from our own
// origin (no CDN) and it always matches the version in package-lock.json.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "public", "vendor");
mkdirSync(target, { recursive: true });
for (const file of ["htmx.min.js", "htmx.min.js.map"]) {
  copyFileSync(join(root, "node_modules", "htmx.org", "dist", file), join(target, file));
}
