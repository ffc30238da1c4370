import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const stripeOnlyInLibStripe = {
  name: "stripe",
  message: "Only lib/stripe imports the stripe SDK. Use the billing service instead.",
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
      "no-restricted-imports": ["error", { paths: [stripeOnlyInLibStripe] }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/env.ts." },
      ],
    },
  },
  {
    files: ["app/**", "lib/**", "db/**"],
    rules: { "no-restricted-imports": ["error", { paths: [stripeOnlyInLibStripe], patterns: [demoApart] }] },
  },
  {
    files: ["components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [stripeOnlyInLibStripe],
          patterns: [
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
    files: ["lib/stripe/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [demoApart] }] },
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
