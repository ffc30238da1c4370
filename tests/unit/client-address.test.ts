import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { IncomingMessage } from "node:http";
import {
  CLIENT_ADDRESS_HEADER,
  normalizeAddress,
  resolveClientAddress,
  stampClientAddress,
  TrustedProxies,
} from "@/lib/http/client-address";
import { parseServerEnv } from "@/lib/env";

const none = new TrustedProxies([]);
const lb = new TrustedProxies(["10.0.0.0/8", "127.0.0.1", "fd00::/8"]);

describe("client address", () => {
  it("normalises what sockets and proxies write", () => {
    expect(normalizeAddress("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(normalizeAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("192.0.2.1:5678")).toBe("192.0.2.1");
    expect(normalizeAddress(" 192.0.2.1 ")).toBe("192.0.2.1");
    for (const junk of ["", "unknown", "evil.example", "1.2.3", "999.1.1.1", "<script>", "\u0000"])
      expect(normalizeAddress(junk)).toBe("");
  });

  it("with no trusted proxies, the TCP peer is the client whatever X-Forwarded-For says", () => {
    expect(resolveClientAddress("192.0.2.1", "203.0.113.7", none)).toBe("192.0.2.1");
    expect(resolveClientAddress("127.0.0.1", "203.0.113.7", none)).toBe("127.0.0.1");
    expect(resolveClientAddress(undefined, "203.0.113.7", none)).toBe("unknown");
  });

  it("behind trusted proxies, the right-most untrusted hop is the client", () => {
    expect(resolveClientAddress("10.1.2.3", "203.0.113.7", lb)).toBe("203.0.113.7");
    expect(resolveClientAddress("10.1.2.3", "198.51.100.1, 203.0.113.7, 10.9.9.9", lb)).toBe("203.0.113.7");
    expect(resolveClientAddress("::ffff:127.0.0.1", "203.0.113.7", lb)).toBe("203.0.113.7");
    expect(resolveClientAddress("fd00::1", "2001:db8::5", lb)).toBe("2001:db8::5");
    // Nothing forwarded, or only our own hops: the left-most of ours.
    expect(resolveClientAddress("10.1.2.3", undefined, lb)).toBe("10.1.2.3");
    expect(resolveClientAddress("10.1.2.3", "10.5.5.5", lb)).toBe("10.5.5.5");
    // Garbage the client wrote to the left of our hops stops the walk at our last hop.
    expect(resolveClientAddress("10.1.2.3", "not-an-ip, 10.5.5.5", lb)).toBe("10.5.5.5");
  });

  it("a client outside the trusted ranges can never choose its address (property)", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string())), (peer, hops) => {
        fc.pre(!lb.has(peer));
        expect(resolveClientAddress(peer, hops.join(", "), lb)).toBe(peer);
      }),
      { numRuns: 300 },
    );
  });

  it("TRUSTED_PROXIES is a list of addresses or CIDR ranges, default none", () => {
    expect(parseServerEnv({}).trustedProxies).toEqual([]);
    expect(parseServerEnv({ TRUSTED_PROXIES: "10.0.0.0/8, 127.0.0.1 ::1 fd00::/8" }).trustedProxies).toEqual([
      "10.0.0.0/8",
      "127.0.0.1",
      "::1",
      "fd00::/8",
    ]);
    for (const bad of ["10.0.0.0/33", "localhost", "10.0.0.0/8/1", "*", "1.2.3.4/x"])
      expect(() => parseServerEnv({ TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES must list IP addresses/);
  });
});

describe("stampClientAddress on a Node request", () => {
  const request = (peer: string, rawHeaders: string[]) => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]!.toLowerCase()] = rawHeaders[i + 1]!;
    return { socket: { remoteAddress: peer }, rawHeaders, headers } as unknown as IncomingMessage;
  };

  it("stamps the peer and keeps the other headers when nothing is forged", () => {
    const req = request("::ffff:10.0.0.7", ["Host", "x", "Authorization", "Bearer k"]);
    stampClientAddress(req, new TrustedProxies([]));
    expect(req.rawHeaders).toEqual(["Host", "x", "Authorization", "Bearer k", CLIENT_ADDRESS_HEADER, "10.0.0.7"]);
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe("10.0.0.7");
  });

  it("drops forwarding headers and a forged stamp from an untrusted peer", () => {
    const req = request("10.0.0.7", [
      "Host",
      "x",
      "X-Forwarded-For",
      "1.2.3.4",
      "X-AgentBill-Client-Address",
      "1.2.3.4",
      "Forwarded",
      "for=1.2.3.4",
    ]);
    stampClientAddress(req, new TrustedProxies([]));
    expect(req.rawHeaders).toEqual(["Host", "x", CLIENT_ADDRESS_HEADER, "10.0.0.7"]);
    expect(req.headers["x-forwarded-for"]).toBeUndefined();
    expect(req.headers.forwarded).toBeUndefined();
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe("10.0.0.7");
  });

  it("every forwarding header is dropped whatever its case, on every request of a kept-alive connection", () => {
    // One socket, several requests: the peer is normalised once per connection, the headers per request.
    const socket = { remoteAddress: "::ffff:192.0.2.9" };
    const names = [
      "x-forwarded-for",
      "X-FORWARDED-HOST",
      "X-Forwarded-Proto",
      "x-Forwarded-Port",
      "FORWARDED",
      "X-Real-IP",
    ];
    for (const name of names) {
      const req = {
        socket,
        rawHeaders: ["Host", "x", name, "https"],
        headers: { host: "x" },
      } as unknown as IncomingMessage;
      stampClientAddress(req, new TrustedProxies([]));
      expect(req.rawHeaders).toEqual(["Host", "x", CLIENT_ADDRESS_HEADER, "192.0.2.9"]);
    }
    // A socket that lost its address (destroyed) is "unknown", and is not remembered as such.
    const gone = { remoteAddress: undefined as string | undefined };
    const first = { socket: gone, rawHeaders: [], headers: {} } as unknown as IncomingMessage;
    stampClientAddress(first, none);
    expect(first.headers[CLIENT_ADDRESS_HEADER]).toBe("unknown");
    gone.remoteAddress = "192.0.2.10";
    const second = { socket: gone, rawHeaders: [], headers: {} } as unknown as IncomingMessage;
    stampClientAddress(second, none);
    expect(second.headers[CLIENT_ADDRESS_HEADER]).toBe("192.0.2.10");
  });

  it("believes X-Forwarded-For from a trusted proxy, keeps it, and still replaces a forged stamp", () => {
    const req = request("10.0.0.1", ["X-Forwarded-For", "9.9.9.9", "x-agentbill-client-address", "1.1.1.1"]);
    stampClientAddress(req, new TrustedProxies(["10.0.0.0/8"]));
    expect(req.rawHeaders).toEqual(["X-Forwarded-For", "9.9.9.9", CLIENT_ADDRESS_HEADER, "9.9.9.9"]);
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe("9.9.9.9");
  });
});
