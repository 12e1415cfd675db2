import { SupabaseOpsLog, apiMetricRows, normaliseProjectUrl, OpsLogConfigError } from '../../../lib/opslog';
import { SANDBOX_CREDENTIALS } from '../../sandbox/credentials';
import { LOCAL_DATABASE_URL, SupabaseEmulator } from '../../sandbox/supabase';
import { PROXY_VARS, startForwardProxy } from '../http/forwardProxy';

/** supabase-js writes through the PostgREST emulator into the shipped schema on a real PostgreSQL. */

const KEY = SANDBOX_CREDENTIALS.supabaseServiceKey;
jest.setTimeout(60_000);

const context = { workflow_id: 'wf1', workflow_name: 'Daily Health Sync', execution_id: 'exec-1', node_name: 'Upsert Site Health' };
const run = (fields: Record<string, unknown> = {}) => ({
	workflow_name: 'Daily Health Sync',
	execution_id: 'exec-1',
	pipeline: 'Daily Health Sync',
	status: 'success',
	started_at: '2026-11-28T06:00:00.000Z',
	finished_at: '2026-11-28T06:00:39.100Z',
	items_read: 98,
	items_created: 98,
	...fields,
});

describe('SupabaseOpsLog', () => {
	let emulator: SupabaseEmulator;
	const writer = (options: Partial<ConstructorParameters<typeof SupabaseOpsLog>[0]> = {}) => new SupabaseOpsLog({ url: emulator.url, serviceKey: KEY, ...options });

	beforeAll(async () => {
		emulator = new SupabaseEmulator({ databaseUrl: LOCAL_DATABASE_URL });
		await emulator.start();
	});
	afterAll(async () => {
		await emulator?.stop();
	});
	beforeEach(async () => {
		await emulator.query('truncate integration_logs, api_metrics, workflow_execution_logs restart identity');
		emulator.clearLog();
	});

	it('writes every table through supabase-js, and the rows land in PostgreSQL', async () => {
		const calls = [
			{ service: 'notion', operation: 'queryDataSource', method: 'POST', status: 200, durationMs: 120.4, retries: 0, rateLimited: 0, ok: true, throttledMs: 0, at: Date.parse('2026-11-28T06:00:01Z') },
			{ service: 'notion', operation: 'createPage', method: 'POST', status: 429, durationMs: 3001, retries: 2, rateLimited: 3, ok: false, throttledMs: 5 },
		];
		const result = await writer().write({
			api_metrics: apiMetricRows(calls, context),
			integration_logs: [{ ...context, service: 'notion', operation: 'upsert', level: 'error', message: 'Notion answered 429', context: { itemIndex: 3 } }],
			workflow_execution_logs: [run()],
			change_approvals: [{ change_hash: 'c'.repeat(64), maker: 'maker@msp.example', decision: 'needs_approval', risk: 'HIGH', site_count: 12 }],
			config_change_audit: [{ change_hash: 'c'.repeat(64), site_id: 'site-1', change_type: 'vlan', action: 'requested', actor: 'maker@msp.example', after_state: { vlan: 30 } }],
		});
		expect(result).toEqual({
			ok: true,
			written: { api_metrics: 2, integration_logs: 1, workflow_execution_logs: 1, change_approvals: 1, config_change_audit: 1 },
			duplicates: {},
			failures: [],
		});
		const metrics = await emulator.query('select service, operation, method, status, ok, duration_ms, retries, rate_limited, execution_id, node_name, created_at from api_metrics order by id');
		expect(metrics).toEqual([
			{ service: 'notion', operation: 'queryDataSource', method: 'POST', status: 200, ok: true, duration_ms: 120, retries: 0, rate_limited: false, execution_id: 'exec-1', node_name: 'Upsert Site Health', created_at: new Date('2026-11-28T06:00:01Z') },
			// 3001 ms in all, 5 of them waiting for the client's own rate limiter.
			expect.objectContaining({ status: 429, ok: false, duration_ms: 2996, retries: 2, rate_limited: true }),
		]);
		expect(await emulator.query('select duration_ms, items_created from workflow_execution_logs')).toEqual([{ duration_ms: '39100', items_created: 98 }]);
		expect(await emulator.query('select context from integration_logs')).toEqual([{ context: { itemIndex: 3 } }]);
		expect(await emulator.query('select after_state from config_change_audit')).toEqual([{ after_state: { vlan: 30 } }]);
		// One insert per table.
		expect(emulator.count('POST /rest/v1/:table')).toBe(5);
	});

	it('batches large writes: 1,201 metric rows in 3 inserts of at most 500', async () => {
		const calls = Array.from({ length: 1201 }, (_, i) => ({ service: 'unifi', operation: 'getSites', method: 'GET', status: 200, durationMs: i, retries: 0, rateLimited: 0, ok: true, throttledMs: 0 }));
		const result = await writer().write({ api_metrics: apiMetricRows(calls, context) });
		expect(result.written).toEqual({ api_metrics: 1201 });
		expect(emulator.count('POST /rest/v1/:table')).toBe(3);
		expect(await emulator.query('select count(*)::int as n from api_metrics')).toEqual([{ n: 1201 }]);
	});

	it('a repeated run summary is a duplicate, not a second run and not a failure', async () => {
		expect((await writer().write({ workflow_execution_logs: [run()] })).written).toEqual({ workflow_execution_logs: 1 });
		const again = await writer().write({ workflow_execution_logs: [run(), run({ execution_id: 'exec-2' })] });
		expect(again).toEqual({ ok: true, written: { workflow_execution_logs: 1 }, duplicates: { workflow_execution_logs: 1 }, failures: [] });
		expect(await emulator.query('select execution_id from workflow_execution_logs order by execution_id')).toEqual([{ execution_id: 'exec-1' }, { execution_id: 'exec-2' }]);
	});

	it('refuses a malformed row before sending it, naming the table, row and field, and writes the others', async () => {
		const result = await writer().write({
			integration_logs: [
				{ service: 'notion', level: 'error', message: 'good' },
				{ service: 'Not A Service!', level: 'error', message: 'bad service' },
				{ service: 'notion', level: 'fatal', message: 'bad level' },
			],
			workflow_execution_logs: [run({ finished_at: '2026-11-28T05:00:00.000Z' })],
			change_approvals: [{ change_hash: 'c'.repeat(64), maker: 'Maker@msp.example', checker: 'maker@MSP.example ', decision: 'approved' }],
		});
		expect(result.ok).toBe(false);
		expect(result.written).toEqual({ integration_logs: 1 });
		expect(result.failures.map((f) => [f.table, f.code, f.message])).toEqual([
			['change_approvals', 'invalid_row', expect.stringMatching(/change_approvals row 0 not written: checker: an approval needs a checker who is not the maker/)],
			['workflow_execution_logs', 'invalid_row', expect.stringMatching(/row 0 not written: finished_at: finished_at must not be before started_at/)],
			['integration_logs', 'invalid_row', expect.stringMatching(/integration_logs row 1 not written: service/)],
			['integration_logs', 'invalid_row', expect.stringMatching(/integration_logs row 2 not written: level/)],
		]);
	});

	it('never writes secrets: registered keys, bearer tokens and secret-named fields are masked', async () => {
		const result = await writer().write({
			integration_logs: [
				{
					service: 'ninjaone',
					level: 'error',
					message: `token refused for client secret ${SANDBOX_CREDENTIALS.ninjaClientSecret}; Authorization: Bearer abcdefghijklmnop; key ${KEY}`,
					context: { clientSecret: 'plain-secret-value', headers: { authorization: 'Bearer zzzzzzzzzzzz' }, jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXZhbHVl' },
				},
			],
		});
		expect(result.ok).toBe(true);
		const [row] = await emulator.query<{ message: string; context: unknown }>('select message, context from integration_logs');
		const text = JSON.stringify(row);
		for (const secret of [KEY, 'abcdefghijklmnop', 'plain-secret-value', 'zzzzzzzzzzzz', 'eyJhbGciOiJIUzI1NiJ9']) expect(text).not.toContain(secret);
		expect(row.message).toContain('[REDACTED]');
	});

	describe('never throws, and says what to do', () => {
		it('when the schema is not applied', async () => {
			const bare = new SupabaseEmulator({ databaseUrl: LOCAL_DATABASE_URL, schemaSql: [] });
			await bare.start();
			try {
				const result = await new SupabaseOpsLog({ url: bare.url, serviceKey: KEY }).write({ integration_logs: [{ service: 'notion', level: 'error', message: 'x' }] });
				expect(result.ok).toBe(false);
				expect(result.failures).toEqual([
					{ table: 'integration_logs', rows: 1, code: '42P01', message: expect.stringMatching(/relation "public.integration_logs" does not exist.*apply the migrations/) },
				]);
			} finally {
				await bare.stop();
			}
		});

		it('when the key is wrong, without echoing it', async () => {
			const wrongKey = 'wrong-service-role-key-value-123';
			const result = await writer({ serviceKey: wrongKey }).write({ api_metrics: apiMetricRows([{ service: 'unifi', operation: 'getSites', method: 'GET', status: 200, durationMs: 1, retries: 0, rateLimited: 0, ok: true, throttledMs: 0 }]) });
			expect(result.ok).toBe(false);
			expect(result.failures[0].message).toMatch(/Invalid API key.*service_role key/);
			expect(JSON.stringify(result)).not.toContain(wrongKey);
		});

		it('when nothing answers at the URL', async () => {
			const result = await new SupabaseOpsLog({ url: 'http://127.0.0.1:9', serviceKey: KEY }).write({ integration_logs: [{ service: 'notion', level: 'info', message: 'x' }] });
			expect(result.ok).toBe(false);
			expect(result.failures[0]).toMatchObject({ table: 'integration_logs', rows: 1 });
			expect(result.failures[0].message).toMatch(/^Supabase ops log: writing integration_logs failed: [^\n]*ECONNREFUSED 127\.0\.0\.1:9\. The workflow's own work is not affected\.$/);
		});

		it('when the server hangs: the request times out', async () => {
			const hanging: typeof fetch = (_input, init) =>
				new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }));
			const started = Date.now();
			const result = await writer({ fetch: hanging, timeoutMs: 300 }).write({ integration_logs: [{ service: 'notion', level: 'info', message: 'x' }] });
			expect(Date.now() - started).toBeLessThan(5_000);
			expect(result.ok).toBe(false);
			expect(result.failures[0].message).toMatch(/timeout|aborted/i);
		});
	});

	it('goes through HTTP_PROXY like every node (NO_PROXY respected)', async () => {
		const saved = Object.fromEntries(PROXY_VARS.map((name) => [name, process.env[name]]));
		const proxy = await startForwardProxy();
		try {
			for (const name of PROXY_VARS) delete process.env[name];
			process.env.HTTP_PROXY = proxy.url;
			const result = await writer({ timeoutMs: 5_000 }).write({ integration_logs: [{ service: 'notion', level: 'info', message: 'through the proxy' }] });
			expect(result).toMatchObject({ ok: true, written: { integration_logs: 1 } });
			expect(proxy.requests).toEqual([expect.stringMatching(new RegExp(`^POST ${emulator.url}/rest/v1/integration_logs\\?columns=`))]);
			process.env.NO_PROXY = '127.0.0.1';
			await writer({ timeoutMs: 5_000 }).write({ integration_logs: [{ service: 'notion', level: 'info', message: 'direct' }] });
			expect(proxy.requests).toHaveLength(1);
			expect(await emulator.query('select message from integration_logs order by id')).toEqual([{ message: 'through the proxy' }, { message: 'direct' }]);
		} finally {
			for (const name of PROXY_VARS) {
				if (saved[name] === undefined) delete process.env[name];
				else process.env[name] = saved[name];
			}
			await proxy.close();
		}
	});

	it('accepts a project URL with /rest/v1 and refuses what is not an http(s) URL', () => {
		expect(normaliseProjectUrl('https://abcd.supabase.co/rest/v1/')).toBe('https://abcd.supabase.co');
		expect(normaliseProjectUrl(' https://abcd.supabase.co/ ')).toBe('https://abcd.supabase.co');
		expect(() => normaliseProjectUrl('abcd.supabase.co')).toThrow(OpsLogConfigError);
		expect(() => normaliseProjectUrl('ftp://abcd.supabase.co')).toThrow(/must start with https:\/\//);
		expect(() => new SupabaseOpsLog({ url: 'https://abcd.supabase.co', serviceKey: ' ' })).toThrow(/no service role key/);
	});
});

describe('SupabaseOpsLog rows that are not objects', () => {
	it('refuses them one by one and writes the others, instead of failing the batch with a TypeError', async () => {
		// Found by the reliability suite (bad-input): a null row crashed write() in scrubRow.
		const sent: unknown[] = [];
		const fakeFetch = (async (_input: unknown, init?: RequestInit) => {
			sent.push(...(JSON.parse(String(init?.body)) as unknown[]));
			return new Response(null, { status: 201 });
		}) as typeof fetch;
		const log = new SupabaseOpsLog({ url: 'https://abcd.supabase.co', serviceKey: KEY, fetch: fakeFetch });
		const rows = [null, 'text', ['a'], { service: 'notion', level: 'info', message: 'kept' }] as unknown as Array<Record<string, unknown>>;
		const result = await log.write({ integration_logs: rows });
		expect(result.ok).toBe(false);
		expect(result.written).toEqual({ integration_logs: 1 });
		expect(result.failures.map((f) => [f.code, f.rows, f.message])).toEqual([
			['invalid_row', 1, 'Supabase ops log: integration_logs row 0 not written: row: expected an object, received null.'],
			['invalid_row', 1, 'Supabase ops log: integration_logs row 1 not written: row: expected an object, received string.'],
			['invalid_row', 1, 'Supabase ops log: integration_logs row 2 not written: row: expected an object, received a list.'],
		]);
		expect(sent).toEqual([expect.objectContaining({ message: 'kept' })]);
	});
});
