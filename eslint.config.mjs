import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const stripeOnlyInLibStripe = {
  name: "stripe",
  message: "Only lib/stripe imports the stripe SDK. Use the billing service instead.",
};

// A domain of lib/ is reached from outside only through its index.ts (or, for server-only parts of a
// domain whose index client components use, its server.ts). Inside a domain, files import each other
// relatively. Tests may reach into a domain. lib/auth, lib/http and lib/stripe still have several
// entry points (see docs/ARCHITECTURE.md).
const DOMAINS = [
  "accounts",
  "admin",
  "api",
  "audit",
  "billing",
  "flags",
  "input",
  "invoices",
  "jobs",
  "mail",
  "money",
  "orgs",
  "plans",
  "usage",
  "webhooks",
];
const throughIndex = {
  // db/connect.ts runs the plan catalog sync after every migration: it loads that one module, not the domain.
  group: [...DOMAINS.map((d) => `@/lib/${d}/*`), "!@/lib/*/server", "!@/lib/plans/sync"],
  message:
    "Import the domain's index (@/lib/<domain>) or its server face (@/lib/<domain>/server); add the name there if it is missing.",
};
// lib/ is below app/ and components/: it never imports them.
const libNeverImportsUi = {
  group: ["@/app", "@/app/*", "@/components", "@/components/*"],
  message: "lib/ never imports app/ or components/: move the shared part into lib/.",
};
/** The demo (demo/) stands apart: the product reaches it only through lib/server/demo.ts's dynamic import. */
const demoApart = {
  regex: "^(@/|(\\.\\./)+)demo(/.*)?$",
  message: "app/, lib/, db/ and components/ never import demo/: load it with loadDemo() (lib/server/demo.ts).",
};

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "dist/**",
      ".next-*/**",
      ".data-*/**",
      "test-results-*/**",
      "tests/artifacts/**",
      "node_modules/**",
      ".data/**",
      "drizzle/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
    ],
  },
  {
    rules: {
      // A leading underscore marks a parameter a signature needs but the body doesn't use.
      "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_" }],
      "no-restricted-imports": ["error", { paths: [stripeOnlyInLibStripe], patterns: [throughIndex] }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/env.ts." },
      ],
    },
  },
  {
    files: ["app/**", "db/**"],
    rules: {
      "no-restricted-imports": ["error", { paths: [stripeOnlyInLibStripe], patterns: [throughIndex, demoApart] }],
    },
  },
  {
    files: ["components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [stripeOnlyInLibStripe],
          patterns: [
            throughIndex,
            {
              group: ["@/db", "@/db/*", "../db/*", "../../db/*"],
              message: "components/ never touches the database: take data as props.",
            },
            { group: ["@/lib/stripe", "@/lib/stripe/*"], message: "components/ never imports lib/stripe." },
            demoApart,
            {
              group: ["@/lib/*/server", "@/lib/auth", "@/lib/auth/*"],
              message: "components/ never imports server-only services.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [stripeOnlyInLibStripe], patterns: [throughIndex, libNeverImportsUi, demoApart] },
      ],
    },
  },
  {
    // The one home of the stripe SDK.
    files: ["lib/stripe/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [throughIndex, libNeverImportsUi, demoApart] }] },
  },
  {
    // Tests may reach into a domain to test one module.
    files: ["tests/**"],
    rules: { "no-restricted-imports": ["error", { paths: [stripeOnlyInLibStripe] }] },
  },
  {
    // Workspace packages are reached by name; nothing climbs into another package by a relative path.
    rules: { "import/no-relative-packages": "error" },
  },
  {
    // packages/* never import the app: no "@/…" alias, no app folder by name. (Climbing out by a
    // relative path is import/no-relative-packages above.) The emulator may use the stripe SDK's types.
    files: ["packages/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/*", "@/**", "**/lib/**", "**/app/**", "**/components/**", "**/db/**", "**/demo/**"],
              message: "A package never imports the app: take what it needs as a parameter.",
            },
          ],
        },
      ],
    },
  },
  {
    // The one reader of process.env, plus tooling that runs outside the app.
    files: [
      "lib/env.ts",
      "scripts/**",
      "tests/**",
      "bench/**",
      "*.config.*",
      "playwright.config.ts",
      "vitest.config.ts",
    ],
    rules: { "no-restricted-properties": "off" },
  },
];

export default config;
