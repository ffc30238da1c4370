import { randomBytes } from "node:crypto";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/connect";

/**
 * Integration tests run on the real PostgreSQL server when DATABASE_URL is set (CI), and on
 * in-memory PGlite otherwise. On a server, this run migrates one template database; each test
 * file then gets its own copy (CREATE DATABASE … TEMPLATE), and every database of the run is
 * dropped at the end.
 */
declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string | null;
    pgTemplate: string | null;
    pgRunPrefix: string | null;
  }
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  const adminUrl = process.env.DATABASE_URL?.trim() || null;
  if (!adminUrl) {
    project.provide("pgAdminUrl", null);
    project.provide("pgTemplate", null);
    project.provide("pgRunPrefix", null);
    return;
  }
  const prefix = `agentbill_t_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const template = `${prefix}_tmpl`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${template}"`);
  const db = await openDatabase({ url: withDatabase(adminUrl, template), max: 1 });
  await db.migrate();
  await db.close();
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", template);
  project.provide("pgRunPrefix", prefix);

  return async () => {
    const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${prefix + "%"}`;
    for (const { datname } of rows) {
      await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    }
    await admin.end({ timeout: 5 });
  };
}
