-- Commit a usage reservation in one round trip: POST /api/v1/reservations/{id}/commit.
-- One statement, so no transaction stays open between the app and the database: the
-- reservation's row and the organization's counter and daily rows are locked only while this
-- call runs. (Before, the commit was a transaction of ten round trips that held the counter row
-- from its upsert until COMMIT came back from the app, and every commit of the organization
-- queued behind the slowest event-loop turn.)
--
-- Closes the reservation (active, unexpired, amount >= quantity) and records `p_quantity` as one
-- usage event keyed `reservation:<id>`, folded into usage_counters and usage_daily with the
-- rules of ingest for executions (lib/usage/ingest-sql.ts, foldAggregates: the period's and
-- the day's sums), under the organization's usage lock held shared as every ingest holds it.
-- An event already stored under that key with other content raises SQLSTATE AB409 (the
-- caller answers 409 idempotency_conflict) and nothing is written.
-- Answers the reservation as it is after the call (no row: no such reservation in this
-- organization); `committed` says whether this call committed it, and `counter_value` is the
-- period's counter after the fold (for usage alerts).
CREATE OR REPLACE FUNCTION commit_reservation(
  p_org uuid,
  p_id uuid,
  p_quantity bigint,
  p_now timestamptz,
  p_period_start timestamptz,
  p_period_end timestamptz
) RETURNS TABLE (
  id uuid,
  metric usage_metric,
  amount bigint,
  status reservation_status,
  allowed boolean,
  overage bigint,
  limit_value bigint,
  used_before bigint,
  expires_at timestamptz,
  committed_quantity bigint,
  committed boolean,
  counter_value bigint
) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_metric usage_metric;
  v_key text := 'reservation:' || p_id::text;
  v_event bigint;
  v_value bigint;
  v_committed boolean := false;
BEGIN
  UPDATE usage_reservations r
    SET status = 'committed', committed_quantity = p_quantity, finished_at = p_now
    WHERE r.id = p_id AND r.organization_id = p_org AND r.status = 'active'
      AND r.expires_at > p_now AND r.amount >= p_quantity
    RETURNING r.metric INTO v_metric;
  IF FOUND THEN
    v_committed := true;
    IF p_quantity > 0 THEN
      PERFORM pg_advisory_xact_lock_shared(72731, hashtext(p_org::text));
      INSERT INTO usage_events (organization_id, metric, quantity, occurred_at, idempotency_key)
        VALUES (p_org, v_metric, p_quantity, p_now, v_key)
        ON CONFLICT (organization_id, idempotency_key) DO NOTHING
        RETURNING usage_events.id INTO v_event;
      IF v_event IS NULL THEN
        -- The key was used by an event of its own (POST /usage/events): the same content is a replay.
        IF NOT EXISTS (SELECT 1 FROM usage_events e WHERE e.organization_id = p_org AND e.idempotency_key = v_key
            AND e.metric = v_metric AND e.quantity = p_quantity AND e.occurred_at = p_now) THEN
          RAISE EXCEPTION 'idempotency_key % was already used for another usage event', v_key USING ERRCODE = 'AB409';
        END IF;
      ELSE
        INSERT INTO usage_counters AS uc (organization_id, metric, period_start, period_end, value, updated_at)
          VALUES (p_org, v_metric, p_period_start, p_period_end, p_quantity, now())
          ON CONFLICT (organization_id, metric, period_start) DO UPDATE
            SET value = uc.value + excluded.value, updated_at = now()
          RETURNING uc.value INTO v_value;
        INSERT INTO usage_daily AS ud (organization_id, metric, day, value, last_value, last_at, event_count)
          VALUES (p_org, v_metric, (p_now AT TIME ZONE 'UTC')::date, p_quantity, NULL, NULL, 1)
          ON CONFLICT (organization_id, metric, day) DO UPDATE
            SET value = ud.value + excluded.value, last_value = NULL, last_at = NULL,
              event_count = ud.event_count + 1;
      END IF;
    END IF;
  END IF;
  RETURN QUERY SELECT r.id, r.metric, r.amount, r.status, r.allowed, r.overage, r.limit_value, r.used_before,
      r.expires_at, r.committed_quantity, v_committed, v_value
    FROM usage_reservations r WHERE r.id = p_id AND r.organization_id = p_org;
END
$$;
