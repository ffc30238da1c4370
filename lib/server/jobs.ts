import { registerJob } from "@/lib/jobs";
import { appMailTransport, drainOutbox, MAIL_JOB } from "@/lib/mail";
import { queueRenewalNotices, RENEWAL_JOB } from "@/lib/notify/renewals";
import { drainWebhookDeliveries, OUTBOUND_WEBHOOK_JOB } from "@/lib/outbound-webhooks";
import { getStripe } from "@/lib/stripe/client";
import { expireReservations, USAGE_JOB, closeAllEndedPeriods, raiseUsageAlerts, runUsageJob } from "@/lib/usage";
import { WEBHOOK_JOB, drainStripeEvents, webhookDeliveriesInFlight } from "@/lib/webhooks";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The app's scheduled jobs, run by the in-app runner (lib/jobs) started at server start-up.
 * One line per job: `registerJob({ name, everyMs, run })`, where `run` does one pass of work
 * (drain a queue, close what ended) and returns a small summary for the health page.
 */
export function registerAppJobs(): void {
  // Reservations past expires_at already stopped counting; this marks them expired.
  registerJob({
    name: "usage.reservations.expire",
    everyMs: MINUTE,
    run: ({ db, now }) => expireReservations(db, now),
  });
  // Stripe events stored by the receiver; the receiver also kicks it, so this is the safety net.
  // While deliveries are coming in, one loop works and the others give way to the receiver.
  registerJob({
    name: WEBHOOK_JOB,
    everyMs: 10_000,
    lateAfterMs: 5 * MINUTE,
    run: ({ db, signal }) =>
      drainStripeEvents(db, getStripe(), {
        signal,
        budgetMs: 30_000,
        concurrency: 8,
        yieldTo: () => webhookDeliveriesInFlight() > 0,
      }),
  });
  // Roll-ups rebuilt from the raw events over the last 35 days; drift repaired and reported.
  registerJob({
    name: USAGE_JOB,
    everyMs: HOUR,
    run: async ({ db, now }) => {
      const { runId, report } = await runUsageJob(db, {
        from: new Date(now.getTime() - 35 * DAY),
        to: now,
        closePeriods: false,
        alerts: false,
        now,
        trigger: "job",
      });
      return {
        runId,
        organizations: report.organizations,
        repaired: report.counters.repaired,
        drift: report.counters.drift,
      };
    },
  });
  // Usage periods that ended get their final record (usage, limits then in force, cost).
  registerJob({
    name: "usage.period_close",
    everyMs: 10 * MINUTE,
    run: ({ db, now, signal }) => closeAllEndedPeriods(db, { now, signal }),
  });
  // Crossing 80% / 100% of a limit, members and gauges included (ingest sees only counters).
  registerJob({
    name: "usage.alerts",
    everyMs: 10 * MINUTE,
    run: ({ db, now, signal }) => raiseUsageAlerts(db, { now, signal }),
  });
  // The outbox: emails written with the change that caused them, sent after commit (retries, backoff).
  registerJob({
    name: MAIL_JOB,
    everyMs: 5_000,
    lateAfterMs: 5 * MINUTE,
    run: ({ db, signal }) => drainOutbox(db, { transport: appMailTransport(db), signal }),
  });
  // "Renews in 3 days" reminders (once per renewal date).
  registerJob({ name: RENEWAL_JOB, everyMs: HOUR, run: ({ db, now }) => queueRenewalNotices(db, { now }) });
  // Signed webhooks to the platform: fan-out of new events, deliveries due (retries with backoff).
  registerJob({
    name: OUTBOUND_WEBHOOK_JOB,
    everyMs: 5_000,
    lateAfterMs: 5 * MINUTE,
    run: ({ db, signal }) => drainWebhookDeliveries(db, { signal }),
  });
}
