import type { IncomingMessage, ServerResponse } from "node:http";
import type { Core, RequestInfo } from "./core/core";
import { StripeApiError, authError, idempotencyMismatch, internalError, unknownRoute } from "./core/errors";
import { applyExpand } from "./core/expand";
import { newRequestId } from "./core/ids";
import { Params } from "./core/params";
import { render } from "./core/render";
import { DEFAULT_API_VERSION } from "./core/wire";
import { canonicalForm, parseForm, type FormObject } from "./http/form";
import { IdempotencyStore, type SavedResponse } from "./http/idempotency";
import { invoiceHtml, invoicePdf, receiptHtml } from "./http/pages";
import type { Router } from "./http/router";

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** False for responses Stripe does not store for idempotent replay (validation errors). */
  replayable?: boolean;
}

const MAX_BODY_BYTES = 1_000_000;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) reject(new Error("request body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Bearer (what the SDK sends) or Basic with the key as user name (what curl -u sends). */
function apiKeyOf(req: IncomingMessage): string | undefined {
  const auth = header(req, "authorization");
  if (!auth) return undefined;
  const [scheme, value = ""] = auth.split(" ", 2);
  if (scheme?.toLowerCase() === "bearer") return value.trim();
  if (scheme?.toLowerCase() === "basic") return Buffer.from(value, "base64").toString("utf8").split(":")[0];
  return undefined;
}

function checkApiKey(key: string | undefined): void {
  if (!key) {
    throw authError(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  if (!/^(sk|rk)_test_[A-Za-z0-9_]+$/.test(key)) {
    throw authError(
      `Invalid API Key provided: ${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`,
    );
  }
}

export class RequestHandler {
  private readonly idempotency = new IdempotencyStore();

  constructor(
    private readonly core: Core,
    private readonly router: Router,
    private readonly log: (msg: string) => void,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.route(req);
    } catch (err) {
      this.log(`internal error: ${(err as Error).stack ?? String(err)}`);
      reply = this.errorReply(internalError(), newRequestId(), DEFAULT_API_VERSION);
    }
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }

  private async route(req: IncomingMessage): Promise<Reply> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://emulator.local");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path.startsWith("/v1/") || path.startsWith("/_emulator/")) return this.api(req, method, path, url);
    return this.page(method, path);
  }

  private page(method: string, path: string): Reply {
    const html = (status: number, body: string): Reply => ({
      status,
      headers: { "Content-Type": "text/html; charset=utf-8" },
      body,
    });
    if (method !== "GET") return html(405, "Method not allowed");
    if (path === "/" || path === "/health") {
      return {
        status: 200,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ok: true, service: "stripe-emulator", api_version: DEFAULT_API_VERSION }),
      };
    }
    const m = /^\/(invoices|receipts)\/([A-Za-z0-9_]+)(\/pdf)?$/.exec(path);
    const id = m?.[2] ?? "";
    if (m?.[1] === "invoices") {
      const inv = this.core.store.get("invoices", id);
      if (!inv || inv.status === "draft") return html(404, "Invoice not found");
      if (m[3]) return { status: 200, headers: { "Content-Type": "application/pdf" }, body: invoicePdf(inv) };
      return html(200, invoiceHtml(inv));
    }
    if (m?.[1] === "receipts" && !m[3]) {
      const charge = this.core.store.get("charges", id);
      return charge ? html(200, receiptHtml(charge)) : html(404, "Receipt not found");
    }
    return html(404, "Not found");
  }

  private async api(req: IncomingMessage, method: string, path: string, url: URL): Promise<Reply> {
    const requestId = newRequestId();
    const apiVersion = header(req, "stripe-version") ?? DEFAULT_API_VERSION;
    const idempotencyKey = header(req, "idempotency-key") ?? null;
    try {
      const apiKey = apiKeyOf(req);
      checkApiKey(apiKey);
      const body = await readBody(req);
      const params: FormObject = { ...parseForm(url.search.slice(1)), ...parseForm(body) };
      const info: RequestInfo = { requestId, idempotencyKey, apiVersion };
      if (!idempotencyKey || (method !== "POST" && method !== "DELETE")) {
        return this.execute(method, path, params, info);
      }
      const scope = `${apiKey}:${idempotencyKey}`;
      const fingerprint = `${method} ${path} ${canonicalForm(params)}`;
      return await this.idempotency.withLock(scope, async () => {
        const saved = this.idempotency.get(scope);
        if (saved) {
          if (saved.fingerprint !== fingerprint) throw idempotencyMismatch(idempotencyKey);
          return {
            status: saved.status,
            headers: { ...saved.headers, "Idempotent-Replayed": "true" },
            body: saved.body,
          };
        }
        const reply = this.execute(method, path, params, info);
        if (reply.status < 500 && reply.replayable !== false) {
          const toSave: SavedResponse = {
            fingerprint,
            status: reply.status,
            headers: reply.headers,
            body: String(reply.body),
          };
          this.idempotency.set(scope, toSave);
        }
        return reply;
      });
    } catch (err) {
      if (err instanceof StripeApiError) return this.errorReply(err, requestId, apiVersion, idempotencyKey);
      throw err;
    }
  }

  private execute(method: string, path: string, form: FormObject, info: RequestInfo): Reply {
    const headers = (extra: Record<string, string> = {}) =>
      this.headers(info.requestId ?? "", info.apiVersion, info.idempotencyKey, extra);
    try {
      const match = this.router.match(method, path);
      if (!match) throw unknownRoute(method, path);
      const params = new Params(form);
      const result = this.core.transaction(info, method !== "GET", () => {
        const value = match.handler({ core: this.core, method, path, params, ids: match.ids });
        // Handlers return live stored objects: answer (and expand) a rendered copy.
        return applyExpand(this.core, render(this.core.store, value), params.expand());
      });
      return { status: 200, headers: headers(), body: JSON.stringify(result, null, 2) };
    } catch (err) {
      if (err instanceof StripeApiError)
        return this.errorReply(err, info.requestId ?? "", info.apiVersion, info.idempotencyKey);
      this.log(`internal error on ${method} ${path}: ${(err as Error).stack ?? String(err)}`);
      return this.errorReply(internalError(), info.requestId ?? "", info.apiVersion, info.idempotencyKey);
    }
  }

  private headers(
    requestId: string,
    apiVersion: string,
    idempotencyKey: string | null,
    extra: Record<string, string> = {},
  ) {
    return {
      "Content-Type": "application/json",
      "Cache-Control": "no-cache, no-store",
      "Request-Id": requestId,
      "Stripe-Version": apiVersion,
      ...(idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {}),
      ...extra,
    };
  }

  private errorReply(
    err: StripeApiError,
    requestId: string,
    apiVersion: string,
    idempotencyKey: string | null = null,
  ): Reply {
    const extra: Record<string, string> = {};
    if (err.status >= 500) extra["Stripe-Should-Retry"] = "true";
    const body = { error: { ...err.body, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } };
    return {
      status: err.status,
      headers: this.headers(requestId, apiVersion, idempotencyKey, extra),
      body: JSON.stringify(body, null, 2),
      replayable: err.replayable,
    };
  }
}
