// Import rules over src/, checked by `npm run lint` (`depcruise src`). Type-only imports count too:
// a cycle of types is still a cycle to read through, and a type import of the simulator still ties
// production code to it.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No import cycles in src/: a module and what it imports form a tree that can be read from the leaves.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "no-entry-imports",
      severity: "error",
      comment:
        "Nothing imports a Worker entry (src/index.ts, src/dev/index.ts); bindings are the ambient Env of worker-configuration.d.ts.",
      from: {},
      to: { path: "^src/(dev/)?index\\.ts$" },
    },
    {
      name: "production-imports-no-simulator",
      severity: "error",
      comment:
        "The GoToWebinar simulator (src/simulator/) and the development entry's code (src/dev/) are for local runs and tests only: production modules never import them.",
      from: { pathNot: "^src/(simulator|dev)/" },
      to: { path: "^src/(simulator|dev)/" },
    },
    {
      name: "production-entry-reaches-no-simulator",
      severity: "error",
      comment:
        "Nothing reachable from the production entry (src/index.ts) is simulator or development code, so the deployed bundle holds none.",
      from: { path: "^src/index\\.ts$" },
      to: { path: "^src/(simulator|dev)/", reachable: true },
    },
    {
      name: "no-route-imports-a-route",
      severity: "error",
      comment:
        "Routes are leaves that src/app.tsx mounts: what two routes share lives outside src/routes/ (a service, a query, a domain rule, a view, the API's schemas).",
      from: { path: "^src/routes/", pathNot: "^src/routes/api/v1\\.ts$" },
      to: { path: "^src/routes/" },
    },
    {
      name: "api-v1-mounts-only-its-areas",
      severity: "error",
      comment:
        "The one router that mounts others: /api/v1 mounts the report, list, engagement and attribution routes, so one openapi.json covers the whole API. It imports no other route.",
      from: { path: "^src/routes/api/v1\\.ts$" },
      to: { path: "^src/routes/", pathNot: "^src/routes/api/(reports|lists|engagement|attribution)\\.ts$" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "Every relative import resolves to a file.",
      from: {},
      to: { couldNotResolve: true, pathNot: "^(cloudflare:|node:)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
  },
};
