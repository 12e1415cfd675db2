import { NodeApiError } from 'n8n-workflow';
import { resetRateLimiters } from '../../../lib/http';
import { NinjaOneDevices } from '../../../nodes/NinjaOneDevices/NinjaOneDevices.node';
import { NotionSync } from '../../../nodes/NotionSync/NotionSync.node';
import { opsLogCredential } from '../../../nodes/shared/opsLog';
import { UnifiSites } from '../../../nodes/UnifiSites/UnifiSites.node';
import { startSandbox, type Sandbox } from '../../sandbox';
import { LOCAL_DATABASE_URL } from '../../sandbox/supabase';
import { fakeExecute, runNode } from '../unifi/fakeExecute';

/**
 * "Log to Supabase" on the service nodes: the run's API calls and errors land in the ops log, and a log that
 * cannot be written never changes what the node returns or throws.
 */

jest.setTimeout(60_000);

describe('ops log on the service nodes', () => {
	let sandbox: Sandbox;
	const unifi = new UnifiSites();
	const supabase = () => ({ host: sandbox.urls.supabase, serviceRole: sandbox.credentials.supabaseServiceKey });
	const creds = (extra: Record<string, Record<string, unknown>> = {}) => ({
		mspUnifiSiteManagerApi: { apiKey: sandbox.credentials.unifiApiKey, baseUrl: sandbox.urls.unifi },
		supabaseApi: supabase(),
		...extra,
	});
	const sites = { resource: 'site', operation: 'getAll', returnAll: true, simplify: true };
	const db = <R extends Record<string, unknown> = Record<string, any>>(sql: string) => sandbox.supabase!.query<R>(sql);

	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['unifi', 'supabase'], supabase: { databaseUrl: LOCAL_DATABASE_URL } });
	});
	afterAll(async () => {
		await sandbox?.stop();
	});
	beforeEach(async () => {
		sandbox.unifi!.reset();
		resetRateLimiters();
		await db('truncate integration_logs, api_metrics restart identity');
	});

	it('every service node offers it, with n8n\'s Supabase credential shown only when it is on', () => {
		for (const node of [new UnifiSites(), new NinjaOneDevices(), new NotionSync()]) {
			const d = node.description;
			expect(d.credentials).toContainEqual(opsLogCredential);
			expect(d.properties.find((p) => p.name === 'opsLog')).toMatchObject({ type: 'boolean', default: false });
		}
	});

	it('off (the default): no Supabase credential is read and nothing is written', async () => {
		const { ctx, credentialCalls } = fakeExecute({ params: sites, credentials: creds() });
		const [out] = await unifi.execute!.call(ctx);
		expect(out).toHaveLength(98);
		expect(credentialCalls).toEqual(['mspUnifiSiteManagerApi']);
		expect(sandbox.supabase!.count()).toBe(0);
	});

	it('on: one api_metrics row per call of the run, with the workflow, execution and node', async () => {
		const { ctx } = fakeExecute({ params: { ...sites, opsLog: true }, credentials: creds(), executionId: 'exec-42', workflow: { id: 'wf7', name: 'Daily Health Sync' } });
		const [out] = await unifi.execute!.call(ctx);
		expect(out).toHaveLength(98);
		expect(out.some((o) => 'opsLogError' in o.json)).toBe(false);
		const calls = sandbox.unifi!.count();
		expect(calls).toBeGreaterThan(0);
		const rows = await db('select service, operation, method, status, ok, workflow_id, execution_id, node_name from api_metrics');
		expect(rows).toHaveLength(calls);
		expect(rows[0]).toEqual({ service: 'unifi', operation: 'listSites', method: 'GET', status: 200, ok: true, workflow_id: 'wf7', execution_id: 'exec-42', node_name: 'Node Under Test' });
		expect(await db('select count(*)::int as n from integration_logs')).toEqual([{ n: 0 }]);
	});

	it('on, with an item failing under Continue On Fail: the error is logged with its item, once', async () => {
		const badKey = { mspUnifiSiteManagerApi: { apiKey: 'wrong-unifi-key-123', baseUrl: sandbox.urls.unifi } };
		const out = await runNode(unifi, { params: { ...sites, opsLog: true }, credentials: creds(badKey), continueOnFail: true, items: 2 });
		expect(out.map((o) => typeof o.json.error)).toEqual(['string', 'string']);
		const logged = await db('select service, level, message, context from integration_logs order by id');
		expect(logged).toHaveLength(2);
		expect(logged[0]).toMatchObject({ service: 'unifi', level: 'error', context: expect.objectContaining({ itemIndex: 0, httpStatus: 401, kind: 'authentication' }) });
		expect(logged[1].context.itemIndex).toBe(1);
		expect(JSON.stringify(logged)).not.toContain('wrong-unifi-key-123');
		// The failed calls are metrics too.
		expect(await db('select ok, status from api_metrics limit 1')).toEqual([{ ok: false, status: 401 }]);
	});

	it('on, with the node failing: the same error is thrown and logged once', async () => {
		const badKey = { mspUnifiSiteManagerApi: { apiKey: 'wrong-unifi-key-123', baseUrl: sandbox.urls.unifi } };
		const error = await runNode(unifi, { params: { ...sites, opsLog: true }, credentials: creds(badKey) }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toMatch(/UniFi/);
		expect(await db('select service, context from integration_logs')).toEqual([{ service: 'unifi', context: expect.objectContaining({ kind: 'authentication', httpStatus: 401 }) }]);
	});

	it('a log that cannot be written does not fail the node: the items carry opsLogError, the data is the same', async () => {
		const plain = await runNode(unifi, { params: sites, credentials: creds() });
		const downSupabase = { supabaseApi: { host: 'http://127.0.0.1:9', serviceRole: sandbox.credentials.supabaseServiceKey } };
		const out = await runNode(unifi, { params: { ...sites, opsLog: true }, credentials: creds(downSupabase) });
		expect(out).toHaveLength(98);
		expect(out.every((o) => /^Supabase ops log: writing .* failed/.test(String(o.json.opsLogError)))).toBe(true);
		expect(out.map(({ json: { opsLogError: _e, ...rest } }) => rest)).toEqual(plain.map((o) => o.json));

		const noCredential = await runNode(unifi, { params: { ...sites, opsLog: true }, credentials: { mspUnifiSiteManagerApi: creds().mspUnifiSiteManagerApi } });
		expect(noCredential).toHaveLength(98);
		expect(String(noCredential[0].json.opsLogError)).toMatch(/supabaseApi/);

		const badUrl = await runNode(unifi, { params: { ...sites, opsLog: true }, credentials: creds({ supabaseApi: { host: 'not a url', serviceRole: 'x'.repeat(20) } }) });
		expect(String(badUrl[0].json.opsLogError)).toMatch(/Host "not a url" is not a URL/);
	});

	it('a log that cannot be written does not change the node\'s own error either', async () => {
		const badKey = { mspUnifiSiteManagerApi: { apiKey: 'wrong-unifi-key-123', baseUrl: sandbox.urls.unifi } };
		const downSupabase = { supabaseApi: { host: 'http://127.0.0.1:9', serviceRole: sandbox.credentials.supabaseServiceKey } };
		const plain = await runNode(unifi, { params: sites, credentials: creds(badKey) }).catch((e: unknown) => e);
		const logged = await runNode(unifi, { params: { ...sites, opsLog: true }, credentials: creds({ ...badKey, ...downSupabase }) }).catch((e: unknown) => e);
		expect(logged).toBeInstanceOf(NodeApiError);
		expect((logged as Error).message).toBe((plain as Error).message);
	});
});
