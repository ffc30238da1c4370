import type { HandlerContext } from "../types";
import { mirrorInvoice } from "./invoice-events";

export async function handle(ctx: HandlerContext): Promise<void> {
  await mirrorInvoice(ctx);
}
