/**
 * Runs once when a server instance starts: fail fast on bad configuration, then open, migrate
 * and (embedded database only) seed the database, and start the local Stripe emulator when no
 * Stripe key is configured.
 */
export async function register() {
  // eslint-disable-next-line no-restricted-properties -- Next sets NEXT_RUNTIME; this only picks the runtime.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./lib/server/startup");
    await startServer();
  }
}
