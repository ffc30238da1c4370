import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { AppError } from "@/lib/errors";

/**
 * Server-side request forgery: an endpoint may not point at this machine or a private network
 * (loopback, RFC 1918, link-local and cloud metadata, unique-local IPv6, CGNAT, multicast…),
 * checked on the name's every address when registered and again before each delivery (a name
 * can change what it resolves to). OUTBOUND_WEBHOOKS_ALLOW_PRIVATE=1 lifts it (development, tests).
 */
const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const)
  blocked.addSubnet(net, bits, "ipv6");

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1]!, "ipv4");
    return blocked.check(address, "ipv6");
  }
  return blocked.check(address, "ipv4");
}

/** The URL if it may be called; an AppError saying why not otherwise. */
export async function assertDeliverableUrl(raw: string, opts: { allowPrivate: boolean }): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError("bad_request", "Enter an absolute URL like https://platform.example.com/hooks/agentbill.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new AppError("bad_request", "Use an http:// or https:// URL.");
  if (url.username || url.password) throw new AppError("bad_request", "Leave credentials out of the URL.");
  if (opts.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw new AppError("bad_request", `${host} does not resolve to an address.`);
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress))
    throw new AppError(
      "bad_request",
      `${host} points at a private or loopback address; endpoints must be reachable on the public internet.`,
    );
  return url;
}
