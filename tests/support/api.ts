import { apiApp } from "@/lib/api";

/** A real Request through the platform API's Hono app (lib/api), as the custom server hands it over. */
export async function callApi(req: Request): Promise<Response> {
  return apiApp().fetch(req);
}
