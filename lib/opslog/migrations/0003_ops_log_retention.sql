-- n8n-nodes-msp-ops ops log, migration 0003: retention.
-- Idempotent. Run `select * from purge_ops_logs(90);` on a schedule (pg_cron, or an n8n Schedule Trigger with the
-- Supabase or Postgres node) to keep 90 days of logs. The audit tables (change_approvals, config_change_audit) are
-- never purged: they are append-only by design.

create or replace function purge_ops_logs(keep_days integer default 90)
returns table (table_name text, deleted bigint)
language plpgsql volatile set search_path from current as $$
declare
	cutoff timestamptz;
	n bigint;
begin
	if keep_days is null or keep_days < 1 then
		raise exception 'purge_ops_logs: keep_days must be at least 1 (got %)', keep_days
			using errcode = 'invalid_parameter_value';
	end if;
	cutoff := now() - make_interval(days => keep_days);

	delete from integration_logs where created_at < cutoff;
	get diagnostics n = row_count;
	table_name := 'integration_logs'; deleted := n; return next;

	delete from api_metrics where created_at < cutoff;
	get diagnostics n = row_count;
	table_name := 'api_metrics'; deleted := n; return next;

	delete from workflow_execution_logs where finished_at < cutoff;
	get diagnostics n = row_count;
	table_name := 'workflow_execution_logs'; deleted := n; return next;
end;
$$;

-- Supabase grants EXECUTE on new functions to anon and authenticated; the purge is for the service role only.
do $$
begin
	if exists (select 1 from pg_roles where rolname = 'anon') then
		execute 'revoke execute on function purge_ops_logs(integer) from public, anon, authenticated';
		execute 'revoke execute on function stale_integrations_older_than(integer) from public, anon, authenticated';
	end if;
end;
$$;

insert into ops_log_schema_versions (version) values ('0003_ops_log_retention') on conflict (version) do nothing;
