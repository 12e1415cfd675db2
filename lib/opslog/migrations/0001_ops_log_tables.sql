-- n8n-nodes-msp-ops ops log, migration 0001: tables.
-- Idempotent: safe to run again on top of itself. Names are unqualified so the file lands in the schema first on
-- the search_path (public on Supabase). Apply the files in order (0001, 0002, ...).

create table if not exists ops_log_schema_versions (
	version text primary key,
	applied_at timestamptz not null default now()
);

-- One row per notable event of an integration: errors the nodes met, warnings, informational messages.
create table if not exists integration_logs (
	id bigint generated always as identity primary key,
	created_at timestamptz not null default now(),
	service text not null check (service ~ '^[a-z0-9][a-z0-9_.-]{0,39}$'),
	operation text not null default '' check (length(operation) <= 120),
	level text not null check (level in ('debug', 'info', 'warning', 'error')),
	message text not null check (length(message) between 1 and 4000),
	context jsonb not null default '{}'::jsonb check (jsonb_typeof(context) = 'object'),
	workflow_id text,
	workflow_name text,
	execution_id text,
	node_name text
);
create index if not exists integration_logs_created_at_idx on integration_logs (created_at desc);
create index if not exists integration_logs_level_created_at_idx on integration_logs (level, created_at desc);
create index if not exists integration_logs_execution_idx on integration_logs (execution_id);

-- One row per API call (after its last retry), written by the nodes when their Ops Log setting is on.
create table if not exists api_metrics (
	id bigint generated always as identity primary key,
	created_at timestamptz not null default now(),
	service text not null check (service ~ '^[a-z0-9][a-z0-9_.-]{0,39}$'),
	operation text not null check (length(operation) between 1 and 120),
	method text not null default 'GET' check (method ~ '^[A-Z]{3,7}$'),
	status integer not null check (status between 0 and 599),
	ok boolean not null,
	duration_ms integer not null check (duration_ms >= 0),
	retries integer not null default 0 check (retries >= 0),
	rate_limited boolean not null default false,
	workflow_id text,
	execution_id text,
	node_name text
);
create index if not exists api_metrics_service_created_at_idx on api_metrics (service, created_at desc);
create index if not exists api_metrics_created_at_idx on api_metrics (created_at desc);

-- One summary row per pipeline execution: what it read and wrote. A retried write of the same execution's
-- summary conflicts on execution_id instead of counting the run twice.
create table if not exists workflow_execution_logs (
	id bigint generated always as identity primary key,
	created_at timestamptz not null default now(),
	workflow_id text,
	workflow_name text not null check (length(workflow_name) between 1 and 200),
	execution_id text not null,
	pipeline text not null check (length(pipeline) between 1 and 120),
	status text not null check (status in ('success', 'partial', 'failed')),
	-- Unknown for a run that failed before it could say when it started (the Error Workflow only knows the end).
	started_at timestamptz,
	finished_at timestamptz not null,
	duration_ms bigint generated always as ((extract(epoch from (finished_at - started_at)) * 1000)::bigint) stored,
	items_read integer not null default 0 check (items_read >= 0),
	items_created integer not null default 0 check (items_created >= 0),
	items_updated integer not null default 0 check (items_updated >= 0),
	items_unchanged integer not null default 0 check (items_unchanged >= 0),
	items_failed integer not null default 0 check (items_failed >= 0),
	error_message text check (error_message is null or length(error_message) <= 4000),
	context jsonb not null default '{}'::jsonb check (jsonb_typeof(context) = 'object'),
	constraint workflow_execution_logs_finished_after_start check (started_at is null or finished_at >= started_at),
	constraint workflow_execution_logs_execution_key unique (execution_id)
);
create index if not exists workflow_execution_logs_pipeline_idx on workflow_execution_logs (pipeline, finished_at desc);

-- Append-only audit of maker/checker decisions. A decision on an approval request (request_id) is recorded once.
create table if not exists change_approvals (
	id bigint generated always as identity primary key,
	created_at timestamptz not null default now(),
	change_hash text not null check (change_hash ~ '^[0-9a-f]{64}$'),
	maker text not null check (length(btrim(maker)) > 0),
	checker text check (checker is null or length(btrim(checker)) > 0),
	decision text not null check (decision in ('auto_approved', 'needs_approval', 'approved', 'rejected')),
	reason text check (reason is null or length(reason) <= 4000),
	reasons jsonb not null default '[]'::jsonb check (jsonb_typeof(reasons) = 'array'),
	risk text check (risk is null or risk in ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
	change_type text,
	site_count integer check (site_count is null or site_count >= 0),
	request_id text,
	workflow_id text,
	execution_id text,
	-- Four eyes: an approval names a checker who is not the maker.
	constraint change_approvals_approved_by_other check (
		decision <> 'approved' or (checker is not null and lower(btrim(checker)) <> lower(btrim(maker)))
	)
);
create unique index if not exists change_approvals_one_decision_per_request
	on change_approvals (request_id) where request_id is not null and decision in ('approved', 'rejected');
create index if not exists change_approvals_change_hash_idx on change_approvals (change_hash, created_at desc);

-- Append-only audit of configuration changes applied (or attempted) on sites.
create table if not exists config_change_audit (
	id bigint generated always as identity primary key,
	created_at timestamptz not null default now(),
	change_hash text not null check (change_hash ~ '^[0-9a-f]{64}$'),
	site_id text not null check (length(btrim(site_id)) > 0),
	change_type text not null check (length(btrim(change_type)) > 0),
	action text not null check (action in ('requested', 'applied', 'failed', 'rolled_back')),
	actor text not null check (length(btrim(actor)) > 0),
	before_state jsonb,
	after_state jsonb,
	message text check (message is null or length(message) <= 4000),
	workflow_id text,
	execution_id text
);
create index if not exists config_change_audit_site_idx on config_change_audit (site_id, created_at desc);
create index if not exists config_change_audit_change_hash_idx on config_change_audit (change_hash);

-- The audit tables refuse UPDATE, DELETE and TRUNCATE for every role, including the service role.
create or replace function ops_log_refuse_change() returns trigger language plpgsql as $$
begin
	raise exception '% is append-only: % is not allowed', tg_table_name, tg_op
		using errcode = 'insufficient_privilege',
		hint = 'Audit rows are never changed or removed; record a new row instead.';
end;
$$;

drop trigger if exists change_approvals_append_only on change_approvals;
create trigger change_approvals_append_only before update or delete on change_approvals
	for each row execute function ops_log_refuse_change();
drop trigger if exists change_approvals_no_truncate on change_approvals;
create trigger change_approvals_no_truncate before truncate on change_approvals
	for each statement execute function ops_log_refuse_change();
drop trigger if exists config_change_audit_append_only on config_change_audit;
create trigger config_change_audit_append_only before update or delete on config_change_audit
	for each row execute function ops_log_refuse_change();
drop trigger if exists config_change_audit_no_truncate on config_change_audit;
create trigger config_change_audit_no_truncate before truncate on config_change_audit
	for each statement execute function ops_log_refuse_change();

-- On Supabase the public schema is reachable through the Data API with the anon key: row level security with no
-- policy keeps these tables to the service role (which bypasses RLS). Plain PostgreSQL has no such roles.
alter table integration_logs enable row level security;
alter table api_metrics enable row level security;
alter table workflow_execution_logs enable row level security;
alter table change_approvals enable row level security;
alter table config_change_audit enable row level security;
alter table ops_log_schema_versions enable row level security;

insert into ops_log_schema_versions (version) values ('0001_ops_log_tables') on conflict (version) do nothing;
