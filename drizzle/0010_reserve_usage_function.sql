-- Grant (or deny) a usage reservation in one round trip: POST /api/v1/reservations.
-- The organization's lock for this metric is held only inside this call, and every statement
-- after it takes a fresh snapshot (READ COMMITTED, PL/pgSQL), so it sees each grant committed
-- before it: concurrent grants from any number of app instances never exceed a hard limit.
-- A reservation already stored under the key is answered as a replay (replay = true).
CREATE OR REPLACE FUNCTION reserve_usage(
  p_org uuid,
  p_metric usage_metric,
  p_amount bigint,
  p_key text,
  p_ttl_seconds integer,
  p_limit bigint,
  p_overage_priced boolean,
  p_period_start timestamptz
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
  replay boolean
) LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid;
  v_used bigint;
  v_held bigint;
  v_allowed boolean;
  v_overage bigint := 0;
  v_replay boolean := true;
BEGIN
  SELECT r.id INTO v_id FROM usage_reservations r WHERE r.organization_id = p_org AND r.idempotency_key = p_key;
  IF NOT FOUND THEN
    PERFORM pg_advisory_xact_lock(72733, hashtext(p_org::text || '/' || p_metric::text));
    SELECT r.id INTO v_id FROM usage_reservations r WHERE r.organization_id = p_org AND r.idempotency_key = p_key;
  END IF;
  IF v_id IS NULL THEN
    v_replay := false;
    SELECT coalesce(sum(r.amount), 0)::bigint INTO v_held FROM usage_reservations r
      WHERE r.organization_id = p_org AND r.metric = p_metric AND r.status = 'active' AND r.expires_at > now();
    SELECT coalesce(max(c.value), 0)::bigint INTO v_used FROM usage_counters c
      WHERE c.organization_id = p_org AND c.metric = p_metric AND c.period_start = p_period_start;
    v_allowed := p_limit IS NULL OR v_used + v_held + p_amount <= p_limit OR p_overage_priced;
    IF v_allowed AND p_limit IS NOT NULL THEN
      v_overage := greatest(0, least(p_amount, v_used + v_held + p_amount - p_limit));
    END IF;
    INSERT INTO usage_reservations AS r (organization_id, metric, amount, idempotency_key, status, allowed, overage,
        limit_value, used_before, expires_at, finished_at)
      VALUES (p_org, p_metric, p_amount, p_key,
        (CASE WHEN v_allowed THEN 'active' ELSE 'denied' END)::reservation_status, v_allowed, v_overage,
        p_limit, v_used + v_held, now() + make_interval(secs => p_ttl_seconds),
        CASE WHEN v_allowed THEN NULL ELSE now() END)
      RETURNING r.id INTO v_id;
  END IF;
  RETURN QUERY SELECT r.id, r.metric, r.amount, r.status, r.allowed, r.overage, r.limit_value, r.used_before,
      r.expires_at, r.committed_quantity, v_replay
    FROM usage_reservations r WHERE r.id = v_id;
END
$$;
