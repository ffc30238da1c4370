/** Set by proxy.ts on every request: the path and query the visitor asked for (never the client's own copy). */
export const REQUEST_PATH_HEADER = "x-agentbill-path";
