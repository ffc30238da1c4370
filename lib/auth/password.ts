import bcrypt from "bcryptjs";

const ROUNDS = 10;
let dummyHash: Promise<string> | undefined;

export function hashPassword(plain: string): Promise<string> {
  return bcrypt.hash(plain, ROUNDS);
}

export async function verifyPassword(plain: string, hash: string | null | undefined): Promise<boolean> {
  // Compare against a throwaway hash when the user has none, so timing does not reveal which emails exist.
  dummyHash ??= bcrypt.hash("no-such-user", ROUNDS);
  return bcrypt.compare(plain, hash ?? (await dummyHash));
}
