import { createHash, randomBytes } from "node:crypto";

/** Secrets sent by email (invitations, resets, verification): 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What is stored instead of the token: its SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
