-- n8n-nodes-msp-ops ops log, migration 0002: views for the questions an operator asks.
-- Idempotent. security_invoker: a view answers with the rights of whoever queries it, so row level security on
-- the tables still applies (PostgreSQL 15+, as on Supabase).

-- Errors of the last 24 hours, newest first: integration errors and failed pipeline runs in one list.
create or replace view recent_errors with (security_invoker = true) as
select l.created_at, 'integration'::text as source, l.service, l.operation, l.message,
	l.workflow_name, l.execution_id, l.node_name, l.context
from integration_logs l
where l.level = 'error' and l.created_at > now() - interval '24 hours'
union all
select w.finished_at, 'workflow'::text, 'n8n'::text, w.pipeline, coalesce(w.error_message, 'run failed'),
	w.workflow_name, w.execution_id, null::text, w.context
from workflow_execution_logs w
where w.status = 'failed' and w.finished_at > now() - interval '24 hours'
order by 1 desc;

-- Per service: calls of the last 24 hours, their error rate and latency, and when it last worked or failed.
create or replace view integration_health with (security_invoker = true) as
with services as (
	select distinct service from api_metrics
),
window_calls as (
	select service,
		count(*) as calls,
		count(*) filter (where not ok) as failed_calls,
		sum(retries) as retries,
		count(*) filter (where rate_limited) as rate_limited_calls,
		round(avg(duration_ms)) as avg_latency_ms,
		percentile_cont(0.95) within group (order by duration_ms) as p95_latency_ms
	from api_metrics
	where created_at > now() - interval '24 hours'
	group by service
),
last_seen as (
	select service,
		max(created_at) filter (where ok) as last_success_at,
		max(created_at) filter (where not ok) as last_failure_at
	from api_metrics
	group by service
)
select s.service,
	coalesce(w.calls, 0)::bigint as calls_24h,
	coalesce(w.failed_calls, 0)::bigint as failed_calls_24h,
	case when coalesce(w.calls, 0) = 0 then null else round(w.failed_calls::numeric / w.calls, 4) end as error_rate_24h,
	w.avg_latency_ms::bigint as avg_latency_ms_24h,
	round(w.p95_latency_ms::numeric)::bigint as p95_latency_ms_24h,
	coalesce(w.retries, 0)::bigint as retries_24h,
	coalesce(w.rate_limited_calls, 0)::bigint as rate_limited_calls_24h,
	l.last_success_at,
	l.last_failure_at
from services s
left join window_calls w on w.service = s.service
left join last_seen l on l.service = s.service
order by s.service;

-- Per pipeline: runs that finished in the last 30 days, how they ended, how long they took (where the start is
-- known) and what they changed.
create or replace view workflow_performance with (security_invoker = true) as
select pipeline,
	count(*) as runs_30d,
	count(*) filter (where status = 'success') as succeeded_30d,
	count(*) filter (where status = 'partial') as partial_30d,
	count(*) filter (where status = 'failed') as failed_30d,
	round(count(*) filter (where status = 'success')::numeric / count(*), 4) as success_rate_30d,
	round(avg(duration_ms))::bigint as avg_duration_ms,
	round((percentile_cont(0.95) within group (order by duration_ms))::numeric)::bigint as p95_duration_ms,
	sum(items_read)::bigint as items_read_30d,
	sum(items_created)::bigint as items_created_30d,
	sum(items_updated)::bigint as items_updated_30d,
	sum(items_unchanged)::bigint as items_unchanged_30d,
	sum(items_failed)::bigint as items_failed_30d,
	max(finished_at) as last_run_at,
	(array_agg(status order by finished_at desc))[1] as last_status
from workflow_execution_logs
where finished_at > now() - interval '30 days'
group by pipeline
order by pipeline;

-- Services whose last successful call is older than `max_age_hours` (or that never succeeded).
create or replace function stale_integrations_older_than(max_age_hours integer)
returns table (service text, last_success_at timestamptz, last_call_at timestamptz, hours_since_success numeric)
language sql stable set search_path from current as $$
	select m.service,
		max(m.created_at) filter (where m.ok),
		max(m.created_at),
		round((extract(epoch from (now() - max(m.created_at) filter (where m.ok))) / 3600)::numeric, 1)
	from api_metrics m
	group by m.service
	having max(m.created_at) filter (where m.ok) is null
		or max(m.created_at) filter (where m.ok) < now() - make_interval(hours => max_age_hours)
	order by 1;
$$;

-- The same question with the default threshold of 24 hours, as a view the Data API and dashboards can read.
create or replace view stale_integrations with (security_invoker = true) as
select * from stale_integrations_older_than(24);

insert into ops_log_schema_versions (version) values ('0002_ops_log_views') on conflict (version) do nothing;
