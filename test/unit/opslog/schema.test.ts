import { Pool } from 'pg';
import { applyMigrations, listMigrations } from '../../sandbox/opsLogMigrations';
import { LOCAL_DATABASE_URL, quoteIdent, SupabaseEmulator } from '../../sandbox/supabase';

/**
 * The ops log schema on a real PostgreSQL: applied from scratch and again on top of itself, the views answering
 * with figures worked out by hand for seeded rows, the audit tables append-only, retention purging only logs.
 */

jest.setTimeout(60_000);

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

describe('ops log migrations', () => {
	let emulator: SupabaseEmulator;
	const q = <R extends Record<string, unknown> = Record<string, any>>(sql: string, params: unknown[] = []) => emulator.query<R>(sql, params);

	beforeAll(async () => {
		// Default schema: the shipped migrations.
		emulator = new SupabaseEmulator({ databaseUrl: LOCAL_DATABASE_URL });
		await emulator.start();
	});
	afterAll(async () => {
		await emulator?.stop();
	});
	beforeEach(async () => {
		await q('truncate integration_logs, api_metrics, workflow_execution_logs restart identity');
	});

	it('are versioned files applied in order, and record their versions', async () => {
		const versions = listMigrations().map((m) => m.version);
		expect(versions).toEqual(['0001_ops_log_tables', '0002_ops_log_views', '0003_ops_log_retention']);
		const rows = await q<{ version: string }>('select version from ops_log_schema_versions order by version');
		expect(rows.map((r) => r.version)).toEqual(versions);
	});

	it('apply again on top of themselves without error and keep the data', async () => {
		await q(`insert into integration_logs (service, level, message) values ('notion', 'error', 'kept')`);
		const pool = new Pool({ connectionString: LOCAL_DATABASE_URL, max: 1, options: `-c search_path=${emulator.schema}` });
		try {
			const client = await pool.connect();
			try {
				client.on('notice', () => undefined);
				await applyMigrations((sql) => client.query(sql));
				await applyMigrations((sql) => client.query(sql));
			} finally {
				client.release();
			}
		} finally {
			await pool.end();
		}
		expect(await q('select message from integration_logs')).toEqual([{ message: 'kept' }]);
		const tables = await q<{ table_name: string }>(
			`select table_name from information_schema.tables where table_schema = $1 order by table_name`,
			[emulator.schema],
		);
		expect(tables.map((t) => t.table_name)).toEqual([
			'api_metrics',
			'change_approvals',
			'config_change_audit',
			'integration_health',
			'integration_logs',
			'ops_log_schema_versions',
			'recent_errors',
			'stale_integrations',
			'workflow_execution_logs',
			'workflow_performance',
		]);
	});

	it('apply from scratch into an empty schema', async () => {
		const schema = `${emulator.schema}_fresh`;
		const pool = new Pool({ connectionString: LOCAL_DATABASE_URL, max: 1 });
		const client = await pool.connect();
		try {
			client.on('notice', () => undefined);
			await client.query(`create schema ${quoteIdent(schema)}`);
			await client.query(`set search_path = ${quoteIdent(schema)}`);
			expect(await applyMigrations((sql) => client.query(sql))).toHaveLength(3);
			const { rows } = await client.query('select count(*)::int as n from ops_log_schema_versions');
			expect(rows[0].n).toBe(3);
		} finally {
			await client.query(`drop schema if exists ${quoteIdent(schema)} cascade`);
			client.release();
			await pool.end();
		}
	});

	describe('views, with hand-checked figures', () => {
		beforeEach(async () => {
			// api_metrics: notion 10 calls in the last 24 h, durations 100..1000 ms, 2 failed, one with 3 retries and
			// rate limited; an old notion success 3 days ago. unifi: 4 calls, all ok, 200 ms each, the last 30 hours
			// ago (stale). hubspot: 2 calls 2 hours ago, both failed (never succeeded).
			for (let i = 1; i <= 10; i++) {
				await q(
					`insert into api_metrics (created_at, service, operation, method, status, ok, duration_ms, retries, rate_limited)
					 values (now() - make_interval(mins => $1), 'notion', 'queryDataSource', 'POST', $2, $3, $4, $5, $6)`,
					[i * 10, i <= 2 ? 500 : 200, i > 2, i * 100, i === 1 ? 3 : 0, i === 1],
				);
			}
			await q(`insert into api_metrics (created_at, service, operation, method, status, ok, duration_ms) values (now() - interval '3 days', 'notion', 'queryDataSource', 'POST', 200, true, 5000)`);
			for (let i = 0; i < 4; i++) {
				await q(`insert into api_metrics (created_at, service, operation, method, status, ok, duration_ms) values (now() - interval '30 hours' - make_interval(mins => $1), 'unifi', 'getSites', 'GET', 200, true, 200)`, [i]);
			}
			await q(`insert into api_metrics (created_at, service, operation, method, status, ok, duration_ms) values (now() - interval '2 hours', 'hubspot', 'batchUpsert', 'POST', 503, false, 50), (now() - interval '2 hours', 'hubspot', 'batchUpsert', 'POST', 0, false, 70)`);

			// Logs: 2 errors in the last day, one 2 days old, one warning.
			await q(`insert into integration_logs (created_at, service, operation, level, message) values
				(now() - interval '1 hour', 'notion', 'upsert', 'error', 'validation_error on Status'),
				(now() - interval '5 hours', 'ninjaone', 'getDevices', 'error', 'token refused'),
				(now() - interval '2 days', 'notion', 'upsert', 'error', 'old error'),
				(now() - interval '1 hour', 'unifi', 'getSites', 'warning', 'slow answer')`);

			// Runs of "Daily Health Sync": 60 s, 120 s (partial), 30 s (failed, 1 hour ago); one of 40 days ago.
			const run = (id: string, pipeline: string, startedAgo: string, seconds: number, status: string, created: number, failed: number, error: string | null) =>
				q(
					`insert into workflow_execution_logs (workflow_name, execution_id, pipeline, status, started_at, finished_at, items_read, items_created, items_updated, items_unchanged, items_failed, error_message)
					 values ($1, $2, $1, $3, now() - $4::interval, now() - $4::interval + make_interval(secs => $5), 98, $6, 0, 98 - $6 - $7, $7, $8)`,
					[pipeline, id, status, startedAgo, seconds, created, failed, error],
				);
			await run('e1', 'Daily Health Sync', '3 days', 60, 'success', 98, 0, null);
			await run('e2', 'Daily Health Sync', '2 days', 120, 'partial', 5, 2, null);
			await run('e3', 'Daily Health Sync', '1 hour', 30, 'failed', 0, 98, 'Notion answered 503');
			await run('e4', 'Daily Health Sync', '40 days', 10, 'success', 1, 0, null);
			await run('e5', 'Customer Status Sync', '4 hours', 15, 'success', 0, 0, null);
			// A failure the Error Workflow logged: it knows when the run ended, not when it started.
			await q(`insert into workflow_execution_logs (workflow_name, execution_id, pipeline, status, finished_at, error_message) values ('Daily Health Sync', 'e6', 'Daily Health Sync', 'failed', now() - interval '2 hours', 'UniFi answered 401')`);
		});

		it('integration_health: calls, error rate, p95 latency and last success per service', async () => {
			const rows = await q('select * from integration_health');
			const byService = Object.fromEntries(rows.map((r) => [r.service, r]));
			expect(Object.keys(byService)).toEqual(['hubspot', 'notion', 'unifi']);
			// notion: 10 calls in 24 h, 2 failed -> 0.2; durations 100..1000: avg 550, p95 = 900 + 0.55 * 100 = 955.
			expect(byService.notion).toMatchObject({
				calls_24h: '10',
				failed_calls_24h: '2',
				error_rate_24h: '0.2000',
				avg_latency_ms_24h: '550',
				p95_latency_ms_24h: '955',
				retries_24h: '3',
				rate_limited_calls_24h: '1',
			});
			// Last success: the 3rd call, 30 minutes ago; last failure: the 1st, 10 minutes ago.
			const ageMinutes = (t: Date) => Math.round((Date.now() - new Date(t).getTime()) / 60_000);
			expect(ageMinutes(byService.notion.last_success_at)).toBe(30);
			expect(ageMinutes(byService.notion.last_failure_at)).toBe(10);
			// unifi: nothing in the window (its calls are 30 h old), last success 30 h ago.
			expect(byService.unifi).toMatchObject({ calls_24h: '0', failed_calls_24h: '0', error_rate_24h: null, p95_latency_ms_24h: null });
			expect(ageMinutes(byService.unifi.last_success_at)).toBe(30 * 60);
			// hubspot: 2 calls, both failed; p95 of 50 and 70 = 50 + 0.95 * 20 = 69.
			expect(byService.hubspot).toMatchObject({ calls_24h: '2', failed_calls_24h: '2', error_rate_24h: '1.0000', p95_latency_ms_24h: '69', last_success_at: null });
		});

		it('stale_integrations: no success for 24 hours, or never', async () => {
			const rows = await q('select service, last_success_at is null as never, hours_since_success from stale_integrations');
			expect(rows).toEqual([
				{ service: 'hubspot', never: true, hours_since_success: null },
				{ service: 'unifi', never: false, hours_since_success: '30.0' },
			]);
			const within48 = await q('select service from stale_integrations_older_than(48)');
			expect(within48.map((r) => r.service)).toEqual(['hubspot']);
		});

		it('recent_errors: integration errors and failed runs of the last 24 hours, newest first', async () => {
			const rows = await q('select source, service, operation, message from recent_errors');
			// The failed run finished 59.5 minutes ago (started 1 hour ago, ran 30 s), just after the Notion error.
			expect(rows).toEqual([
				{ source: 'workflow', service: 'n8n', operation: 'Daily Health Sync', message: 'Notion answered 503' },
				{ source: 'integration', service: 'notion', operation: 'upsert', message: 'validation_error on Status' },
				{ source: 'workflow', service: 'n8n', operation: 'Daily Health Sync', message: 'UniFi answered 401' },
				{ source: 'integration', service: 'ninjaone', operation: 'getDevices', message: 'token refused' },
			]);
		});

		it('workflow_performance: runs of the last 30 days per pipeline', async () => {
			const rows = await q('select * from workflow_performance');
			expect(rows.map((r) => r.pipeline)).toEqual(['Customer Status Sync', 'Daily Health Sync']);
			const daily = rows[1];
			// e1..e3 and e6 (e4 is 40 days old): durations 60, 120, 30 s and e6 unknown -> avg 70,000 ms;
			// p95 = 60 + 0.9 * 60 = 114 s; 1 success of 4 runs.
			expect(daily).toMatchObject({
				runs_30d: '4',
				succeeded_30d: '1',
				partial_30d: '1',
				failed_30d: '2',
				success_rate_30d: '0.2500',
				avg_duration_ms: '70000',
				p95_duration_ms: '114000',
				items_read_30d: '294',
				items_created_30d: '103',
				items_failed_30d: '100',
				// unchanged = read - created - failed: e1 98-98-0 = 0, e2 98-5-2 = 91, e3 98-0-98 = 0.
				items_unchanged_30d: '91',
				last_status: 'failed',
			});
		});
	});

	describe('constraints', () => {
		const approval = (fields: Record<string, unknown>) => {
			const row = { change_hash: HASH_A, maker: 'maker@msp.example', decision: 'needs_approval', ...fields };
			const cols = Object.keys(row);
			return q(`insert into change_approvals (${cols.join(', ')}) values (${cols.map((_c, i) => `$${i + 1}`).join(', ')}) returning id`, Object.values(row));
		};

		it('change_approvals is append-only: no update, delete or truncate', async () => {
			const [row] = await approval({});
			await expect(q('update change_approvals set decision = $1 where id = $2', ['approved', row.id])).rejects.toThrow(/append-only: UPDATE/);
			await expect(q('delete from change_approvals where id = $1', [row.id])).rejects.toThrow(/append-only: DELETE/);
			await expect(q('truncate change_approvals')).rejects.toThrow(/append-only: TRUNCATE/);
			await q(`insert into config_change_audit (change_hash, site_id, change_type, action, actor) values ($1, 'site-1', 'vlan', 'applied', 'bot')`, [HASH_B]);
			await expect(q(`update config_change_audit set action = 'failed'`)).rejects.toThrow(/append-only/);
			await expect(q('delete from config_change_audit')).rejects.toThrow(/append-only/);
		});

		it('an approval needs a checker other than the maker', async () => {
			await expect(approval({ decision: 'approved' })).rejects.toThrow(/change_approvals_approved_by_other/);
			await expect(approval({ decision: 'approved', checker: ' Maker@MSP.example ' })).rejects.toThrow(/change_approvals_approved_by_other/);
			await expect(approval({ decision: 'approved', checker: 'checker@msp.example' })).resolves.toHaveLength(1);
		});

		it('one decision per approval request, and well-formed hashes and decisions', async () => {
			await approval({ decision: 'approved', checker: 'checker@msp.example', request_id: 'req-1' });
			await expect(approval({ decision: 'rejected', checker: 'other@msp.example', request_id: 'req-1' })).rejects.toThrow(/change_approvals_one_decision_per_request/);
			await expect(approval({ change_hash: 'not-a-hash' })).rejects.toThrow(/check constraint/);
			await expect(approval({ decision: 'maybe' })).rejects.toThrow(/check constraint/);
			await expect(approval({ risk: 'EXTREME' })).rejects.toThrow(/check constraint/);
		});

		it('a run summary is recorded once per execution and cannot finish before it started', async () => {
			const insert = (id: string, finishedOffset: string) =>
				q(`insert into workflow_execution_logs (workflow_name, execution_id, pipeline, status, started_at, finished_at) values ('W', $1, 'W', 'success', now(), now() + $2::interval)`, [id, finishedOffset]);
			await insert('x1', '5 seconds');
			await expect(insert('x1', '5 seconds')).rejects.toThrow(/workflow_execution_logs_execution_key/);
			await expect(insert('x2', '-1 second')).rejects.toThrow(/workflow_execution_logs_finished_after_start/);
			expect(await q(`select duration_ms from workflow_execution_logs where execution_id = 'x1'`)).toEqual([{ duration_ms: '5000' }]);
		});
	});

	describe('retention', () => {
		it('purge_ops_logs removes logs older than keep_days and never touches the audit tables', async () => {
			await q(`insert into integration_logs (created_at, service, level, message) values (now() - interval '91 days', 'notion', 'error', 'old'), (now() - interval '89 days', 'notion', 'error', 'recent')`);
			await q(`insert into api_metrics (created_at, service, operation, status, ok, duration_ms) values (now() - interval '100 days', 'notion', 'op', 200, true, 1), (now() - interval '95 days', 'notion', 'op', 200, true, 1), (now(), 'notion', 'op', 200, true, 1)`);
			await q(`insert into workflow_execution_logs (workflow_name, execution_id, pipeline, status, started_at, finished_at) values ('W', 'old', 'W', 'success', now() - interval '92 days', now() - interval '92 days')`);
			await q(`insert into change_approvals (created_at, change_hash, maker, decision) values (now() - interval '400 days', $1, 'm', 'rejected')`, [HASH_A]);
			const audit = Number((await q('select count(*) as n from change_approvals'))[0].n);

			const purged = await q('select * from purge_ops_logs(90)');
			expect(purged).toEqual([
				{ table_name: 'integration_logs', deleted: '1' },
				{ table_name: 'api_metrics', deleted: '2' },
				{ table_name: 'workflow_execution_logs', deleted: '1' },
			]);
			expect(await q('select message from integration_logs')).toEqual([{ message: 'recent' }]);
			expect(Number((await q('select count(*) as n from change_approvals'))[0].n)).toBe(audit);
			expect(await q('select * from purge_ops_logs(90)')).toEqual([
				{ table_name: 'integration_logs', deleted: '0' },
				{ table_name: 'api_metrics', deleted: '0' },
				{ table_name: 'workflow_execution_logs', deleted: '0' },
			]);
			await expect(q('select * from purge_ops_logs(0)')).rejects.toThrow(/keep_days must be at least 1/);
		});
	});
});
