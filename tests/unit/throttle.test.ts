import { describe, expect, it } from "vitest";
import { clearSignInFailures, recordSignInFailure, signInBlockedFor } from "@/lib/auth/throttle";

describe("sign-in throttling", () => {
  it("blocks after eight failures in fifteen minutes, per key, and lifts after the window", () => {
    const keys = ["email:a@x.test", "ip:1.2.3.4"];
    const t0 = 1_000_000;
    for (let i = 0; i < 7; i++) recordSignInFailure(keys, t0 + i);
    expect(signInBlockedFor(keys, t0 + 10)).toBe(0);
    recordSignInFailure(keys, t0 + 20);
    expect(signInBlockedFor(keys, t0 + 30)).toBe(15);
    expect(signInBlockedFor(["email:other@x.test"], t0 + 30)).toBe(0);
    expect(signInBlockedFor(["ip:1.2.3.4"], t0 + 30)).toBe(15);
    expect(signInBlockedFor(keys, t0 + 15 * 60_000 + 100)).toBe(0);
  });

  it("clears an email's failures after a successful sign-in", () => {
    const keys = ["email:b@x.test"];
    for (let i = 0; i < 8; i++) recordSignInFailure(keys, 5_000 + i);
    expect(signInBlockedFor(keys, 5_100)).toBeGreaterThan(0);
    clearSignInFailures(keys);
    expect(signInBlockedFor(keys, 5_100)).toBe(0);
  });
});
