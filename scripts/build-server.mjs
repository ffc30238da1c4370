// Bundle server.ts (the custom server: Hono for the platform API, Next for the rest) into
// dist/server.cjs, and the jobs thread it starts on PostgreSQL (lib/server/jobs-thread.ts) into
// dist/jobs-thread.cjs beside it. Packages stay external (node_modules at run time); our own code
// (lib/, db/) is bundled. `server-only` is empty here: this bundle is server code only.
// `--outdir <dir>` (tests): another folder inside the repo, so that packages still resolve.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

// Our workspace packages (packages/*) ship TypeScript entries: bundle them like lib/, keep the rest external.
const workspace = new Map(
  readdirSync("packages", { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join("packages", d.name);
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      const entry = typeof pkg.exports === "string" ? pkg.exports : (pkg.exports?.["."] ?? pkg.main ?? "index.ts");
      return [pkg.name, resolve(dir, entry)];
    }),
);

const at = process.argv.indexOf("--outdir");
const outdir = at === -1 ? "dist" : process.argv[at + 1];

await build({
  entryPoints: [
    { in: "server.ts", out: "server" },
    { in: "lib/server/jobs-thread.ts", out: "jobs-thread" },
  ],
  outdir,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  tsconfig: "tsconfig.json",
  sourcemap: "linked",
  logLevel: "warning",
  plugins: [
    {
      name: "workspace-packages",
      setup(b) {
        b.onResolve({ filter: /^@agentbill\// }, (args) => {
          const path = workspace.get(args.path);
          return path ? { path } : undefined;
        });
      },
    },
    {
      name: "server-only",
      setup(b) {
        b.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "empty" }));
        b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "", loader: "js" }));
      },
    },
  ],
});
