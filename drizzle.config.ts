import { defineConfig } from "drizzle-kit";

// Only used by `drizzle-kit generate`, which diffs db/schema against drizzle/ and needs no database.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./drizzle",
  casing: "snake_case",
});
