-- 1,000,000 synthetic routing records for timing 'triage report --source postgres' (docs/deploy.md, 'The report in SQL').
-- Run against a database where Triage created its schema, version 3 or later (table 'routing': triage migrate-log on an empty log, or one serve):
--   psql "$TRIAGE_DATABASE_URL" -f bench/postgres_report/make_rows.sql
--   time triage report --source postgres --json > db.json
--   psql "$TRIAGE_DATABASE_URL" -Atc "COPY (SELECT line FROM routing ORDER BY seq) TO STDOUT" > routing.jsonl
--   time triage report --source file --log routing.jsonl --json > file.json && cmp db.json file.json
-- 1M synthetic records over the last ~5.8 days, written like Triage's own rows (columns + JSON line).
DO $$ DECLARE d date; BEGIN
  FOR d IN SELECT generate_series((now() AT TIME ZONE 'UTC')::date - 7, (now() AT TIME ZONE 'UTC')::date + 1, interval '1 day')::date LOOP
    EXECUTE format('CREATE TABLE IF NOT EXISTS routing_p%s PARTITION OF routing FOR VALUES FROM (%L) TO (%L)', to_char(d, 'YYYYMMDD'), d, d + 1);
  END LOOP; END $$;
INSERT INTO routing (id, ts, endpoint, client_model, backend, rule, status, failed, stream, latency_ms, ttft_ms,
                     prompt_tokens, completion_tokens, cost_usd, shadow_backend, shadow_cost_usd, line,
                     fit, complexity, fallback, replica)
SELECT id, ts, '/v1/chat/completions', 'auto', backend, rule, status, status >= 400, stream, latency, ttft, pt, ct, cost,
       CASE WHEN g % 20 = 0 THEN 'remote' END, CASE WHEN g % 20 = 0 THEN 0.0004 END,
       jsonb_strip_nulls(jsonb_build_object('id', id, 'ts', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'endpoint', '/v1/chat/completions', 'client_model', 'auto', 'backend', backend, 'rule', rule, 'reason', 'bench',
         'status', status, 'stream', stream, 'latency_ms', latency, 'ttft_ms', ttft, 'cost_usd', cost,
         'usage', CASE WHEN pt IS NOT NULL THEN jsonb_build_object('prompt_tokens', pt, 'completion_tokens', ct, 'total_tokens', pt + ct, 'source', 'upstream') END,
         'scores', CASE WHEN g % 2 = 0 THEN jsonb_build_object('fit', fit, 'complexity', 0.3, 'decided_by', 'none', 'micros', 40) END,
         'shadow', CASE WHEN g % 20 = 0 THEN jsonb_build_object('backend', 'remote', 'status', 200, 'latency_ms', 90, 'cost_usd', 0.0004) END,
         'attempts', CASE WHEN g % 50 = 7 THEN jsonb_build_array(jsonb_build_object('backend', 'local', 'outcome', 'error', 'latency_ms', 3),
                                                                 jsonb_build_object('backend', 'remote', 'outcome', 'ok', 'latency_ms', 90)) END,
         'replica', (ARRAY['r1','r2'])[1 + g % 2],
         'messages', jsonb_build_array(jsonb_build_object('role', 'user', 'content', 'card balance refund question number ' || g))))::text,
       CASE WHEN g % 2 = 0 THEN fit END, CASE WHEN g % 2 = 0 THEN 0.3 END, g % 50 = 7, (ARRAY['r1','r2'])[1 + g % 2]
FROM (SELECT g, 'tr-bench-' || g AS id,
             date_trunc('milliseconds', now() - make_interval(secs => g * 0.5)) AS ts,
             (ARRAY['local','local','remote','mini'])[1 + g % 4] AS backend,
             CASE WHEN g % 3 = 0 THEN NULL ELSE (ARRAY['routine','hard'])[1 + g % 2] END AS rule,
             CASE WHEN g % 33 = 0 THEN 502 ELSE 200 END AS status,
             g % 3 = 0 AS stream,
             round((20 + (g * 7919 % 2000) * 0.731)::numeric, 3)::float8 AS latency,
             CASE WHEN g % 3 = 0 THEN round((5 + (g * 104729 % 300) * 0.17)::numeric, 3)::float8 END AS ttft,
             CASE WHEN g % 50 = 0 THEN NULL ELSE 50 + g % 400 END AS pt,
             CASE WHEN g % 50 = 0 THEN NULL ELSE 20 + g % 300 END AS ct,
             CASE WHEN g % 4 = 2 THEN round((0.0001 + (g % 997) * 0.0000013)::numeric, 9)::float8 END AS cost,
             ((g * 2654435761::bigint) % 1000000) / 1000000.0 AS fit
      FROM generate_series(1::bigint, 1000000::bigint) g) s;
ANALYZE routing;
