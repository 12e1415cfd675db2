import { NodeApiError, NodeOperationError, type ICredentialTestFunctions, type ILoadOptionsFunctions } from 'n8n-workflow';
import { resetRateLimiters } from '../../../lib/http';
import { clearNinjaTokenCache } from '../../../lib/ninjaone';
import { NinjaOneDevices } from '../../../nodes/NinjaOneDevices/NinjaOneDevices.node';
import { startSandbox, type Sandbox } from '../../sandbox';
import { itFailsPerItemOnConfigErrors, rl, runNode } from '../unifi/fakeExecute';

describe('NinjaOne Devices node (fake IExecuteFunctions, sandbox)', () => {
	let sandbox: Sandbox;
	const node = new NinjaOneDevices();
	const emu = () => sandbox.ninjaone!;
	const credential = (overrides: Record<string, string> = {}): Record<string, string> => ({
		region: 'custom',
		baseUrl: sandbox.urls.ninjaone as string,
		clientId: sandbox.credentials.ninjaClientId,
		clientSecret: sandbox.credentials.ninjaClientSecret,
		scopes: 'monitoring',
		...overrides,
	});
	const creds = (overrides: Record<string, string> = {}) => ({ mspNinjaOneApi: credential(overrides) });
	const totalDevices = () => sandbox.world.ninjaOrganizations.reduce((n, o) => n + o.devices.length, 0);

	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['ninjaone'] });
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	beforeEach(() => {
		emu().reset();
		emu().tokens.clear();
		emu().tokensIssued = 0;
		clearNinjaTokenCache();
		resetRateLimiters();
	});

	it('describes the node with the credential test and list searches', () => {
		const d = node.description;
		expect(d.name).toBe('ninjaOneDevices');
		expect(d.usableAsTool).toBe(true);
		expect(d.credentials).toEqual([{ name: 'mspNinjaOneApi', required: true, testedBy: 'ninjaOneApiTest' }, { name: 'supabaseApi', required: true, displayOptions: { hide: { opsLog: [false] } } }]);
		expect(Object.keys(node.methods.listSearch)).toEqual(['searchDevices', 'searchOrganizations']);
	});

	it('credential test: OK for the sandbox client, a clear error without the secret otherwise', async () => {
		const ctx = {} as ICredentialTestFunctions;
		const ok = await node.methods.credentialTest.ninjaOneApiTest.call(ctx, { id: '1', name: 'n', type: 'mspNinjaOneApi', data: credential() });
		expect(ok.status).toBe('OK');
		const bad = await node.methods.credentialTest.ninjaOneApiTest.call(ctx, { id: '1', name: 'n', type: 'mspNinjaOneApi', data: credential({ clientSecret: 'bad-secret-000111' }) });
		expect(bad.status).toBe('Error');
		expect(bad.message).toMatch(/invalid_client/);
		expect(bad.message).not.toContain('bad-secret-000111');
	});

	it('Organization > Get Many returns all 98 organizations with one token', async () => {
		const out = await runNode(node, { params: { resource: 'organization', operation: 'getAll', returnAll: true, simplify: true, unifiSiteIdField: 'unifiSiteId' }, credentials: creds() });
		expect(out).toHaveLength(98);
		expect(out.every((o) => o.json.kind === 'ninjaone.organization')).toBe(true);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(emu().tokensIssued).toBe(1);
	});

	it('Device > Get Many with an organization and a device filter, detailed or not, Limit honoured', async () => {
		const org = sandbox.world.ninjaOrganizations.find((o) => o.devices.length >= 3)!;
		const out = await runNode(node, {
			params: { resource: 'device', operation: 'getAll', organization: rl(String(org.id)), df: '', detailed: false, returnAll: true, simplify: true },
			credentials: creds(),
		});
		expect(out).toHaveLength(org.devices.length);
		expect(out.every((o) => o.json.kind === 'ninjaone.device' && o.json.organizationId === org.id)).toBe(true);
		const servers = await runNode(node, {
			params: { resource: 'device', operation: 'getAll', organization: rl(''), df: 'class in (WINDOWS_SERVER)', detailed: true, returnAll: false, limit: 5, simplify: false },
			credentials: creds(),
		});
		expect(servers.length).toBeLessThanOrEqual(5);
		expect(servers.every((o) => o.json.nodeClass === 'WINDOWS_SERVER' && typeof o.json.os === 'object')).toBe(true);
		const all = await runNode(node, { params: { resource: 'device', operation: 'getAll', organization: rl(''), df: '', detailed: false, returnAll: true, simplify: true }, credentials: creds() });
		expect(all).toHaveLength(totalDevices());
	});

	it('Device > Get reads one device by ID and rejects a non-numeric ID', async () => {
		const device = sandbox.world.ninjaOrganizations[0].devices[0];
		const out = await runNode(node, { params: { resource: 'device', operation: 'get', device: rl(String(device.id), 'id'), simplify: true }, credentials: creds() });
		expect(out[0].json).toMatchObject({ kind: 'ninjaone.device', deviceId: device.id, organizationId: device.organizationId });
		await expect(runNode(node, { params: { resource: 'device', operation: 'get', device: rl('abc', 'id'), simplify: true }, credentials: creds() })).rejects.toThrow(/expected a numeric ID/);
	});

	it('Device Health > Get Many carries organizationId on every row, joining the device list once per execution', async () => {
		const out = await runNode(node, {
			params: [
				{ resource: 'deviceHealth', operation: 'getAll', organization: rl(''), df: '', health: [], returnAll: true, simplify: true },
				{ resource: 'deviceHealth', operation: 'getAll', organization: rl(''), df: '', health: ['UNHEALTHY'], returnAll: true, simplify: false },
			],
			credentials: creds(),
		});
		const first = out.filter((o) => (o.pairedItem as { item: number }).item === 0);
		const second = out.filter((o) => (o.pairedItem as { item: number }).item === 1);
		expect(first).toHaveLength(totalDevices());
		expect(first.every((o) => o.json.kind === 'ninjaone.deviceHealth' && typeof o.json.organizationId === 'number')).toBe(true);
		expect(second.length).toBeGreaterThan(0);
		expect(second.every((o) => o.json.healthStatus === 'UNHEALTHY' && typeof o.json.organizationId === 'number')).toBe(true);
		// Both items share one device-list join (same filter) in this execution.
		expect(emu().count('GET /v2/devices')).toBe(1);
		const byId = new Map(sandbox.world.ninjaOrganizations.flatMap((o) => o.devices.map((d) => [d.id, o.id] as const)));
		expect(first.every((o) => byId.get(o.json.deviceId as number) === o.json.organizationId)).toBe(true);
	});

	it('Device Health > Get Many with several health statuses asks for each one and returns them all', async () => {
		const out = await runNode(node, {
			params: { resource: 'deviceHealth', operation: 'getAll', organization: rl(''), df: '', health: ['UNHEALTHY', 'NEEDS_ATTENTION'], returnAll: true, simplify: true },
			credentials: creds(),
		});
		const devices = sandbox.world.ninjaOrganizations.flatMap((o) => o.devices);
		const wanted = devices.filter((d) => ['UNHEALTHY', 'NEEDS_ATTENTION'].includes(d.health.healthStatus));
		expect(out.map((o) => o.json.deviceId).sort()).toEqual(wanted.map((d) => d.id).sort());
		expect(new Set(out.map((o) => o.json.healthStatus))).toEqual(new Set(['UNHEALTHY', 'NEEDS_ATTENTION']));
	});

	it('Device Health > Get Many with Limit stops reading the cursor early', async () => {
		const out = await runNode(node, {
			params: { resource: 'deviceHealth', operation: 'getAll', organization: rl(''), df: '', health: [], returnAll: false, limit: 7, simplify: true },
			credentials: creds(),
		});
		expect(out).toHaveLength(7);
		expect(emu().count('GET /v2/queries/device-health')).toBe(1);
		expect(emu().requestLog.find((r) => r.route === 'GET /v2/queries/device-health')).toBeDefined();
	});

	it('Alert > Get Many returns alerts with organization', async () => {
		const out = await runNode(node, { params: { resource: 'alert', operation: 'getAll', organization: rl(''), df: '', sourceType: '', returnAll: false, limit: 3, simplify: true }, credentials: creds() });
		expect(out.length).toBeGreaterThan(0);
		expect(out.length).toBeLessThanOrEqual(3);
		expect(out.every((o) => o.json.kind === 'ninjaone.alert' && typeof o.json.organizationId === 'number')).toBe(true);
	});

	it('a revoked token is refreshed once inside a run', async () => {
		await runNode(node, { params: { resource: 'organization', operation: 'getAll', returnAll: false, limit: 1, simplify: true, unifiSiteIdField: 'unifiSiteId' }, credentials: creds() });
		emu().tokens.clear();
		const out = await runNode(node, { params: { resource: 'organization', operation: 'getAll', returnAll: false, limit: 2, simplify: true, unifiSiteIdField: 'unifiSiteId' }, credentials: creds() });
		expect(out).toHaveLength(2);
		expect(emu().tokensIssued).toBe(2);
	});

	it('429 is retried inside the node', async () => {
		emu().scriptFaults([{ status: 429, headers: { 'Retry-After': '0' } }], /organizations/);
		const out = await runNode(node, { params: { resource: 'organization', operation: 'getAll', returnAll: true, simplify: true, unifiSiteIdField: 'unifiSiteId' }, credentials: creds() });
		expect(out).toHaveLength(98);
		expect(emu().statusCounters.get(429)).toBe(1);
	});

	it('bad credentials: NodeApiError (no secret) or error items with continueOnFail', async () => {
		const params = { resource: 'organization', operation: 'getAll', returnAll: true, simplify: true, unifiSiteIdField: 'unifiSiteId' };
		const error = await runNode(node, { params, credentials: creds({ clientSecret: 'wrong-secret-for-node' }) }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as Error).message).toMatch(/invalid_client/);
		expect(JSON.stringify(error)).not.toContain('wrong-secret-for-node');
		const out = await runNode(node, { params, credentials: creds({ clientSecret: 'wrong-secret-for-node' }), items: 2, continueOnFail: true });
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(String(out[0].json.error)).toMatch(/401/);
	});

	describe('a credential that cannot make a client fails per item, like any other error', () => {
		const operations: Array<Record<string, unknown>> = [
			{ resource: 'organization', operation: 'getAll', returnAll: true, simplify: true, unifiSiteIdField: 'unifiSiteId' },
			{ resource: 'device', operation: 'getAll', organization: rl(''), df: '', detailed: false, returnAll: true, simplify: true },
			{ resource: 'device', operation: 'get', device: rl('1042', 'id'), simplify: true },
			{ resource: 'deviceHealth', operation: 'getAll', organization: rl(''), df: '', health: [], returnAll: true, simplify: true },
			{ resource: 'alert', operation: 'getAll', organization: rl(''), df: '', sourceType: '', returnAll: true, simplify: true },
		];
		const cases = () =>
			operations.flatMap((params) => [
				{ params, credentials: creds({ clientSecret: '' }), message: /needs a client ID and a client secret/ },
				{ params, credentials: creds({ baseUrl: 'ninja.example.com' }), message: /custom base URL "ninja.example.com" must look like/ },
			]);

		itFailsPerItemOnConfigErrors(node, cases, () => emu().count());
	});

	it('a malformed payload fails the node naming the field', async () => {
		emu().malformNext('GET /v2/organizations');
		const error = await runNode(node, { params: { resource: 'organization', operation: 'getAll', returnAll: true, simplify: true, unifiSiteIdField: 'unifiSiteId' }, credentials: creds() }).catch((e: unknown) => e);
		expect((error as Error).message).toMatch(/\[0\]\.id: expected number, received null/);
	});
	it('list searches: organizations by name, devices page by page', async () => {
		const ctx = { getCredentials: async () => credential(), getNode: () => ({ name: 'NinjaOne Devices' }) } as unknown as ILoadOptionsFunctions;
		const org = sandbox.world.ninjaOrganizations[5];
		const orgs = await node.methods.listSearch.searchOrganizations.call(ctx, org.name);
		expect(orgs.results.some((r) => r.value === String(org.id))).toBe(true);
		const first = await node.methods.listSearch.searchDevices.call(ctx);
		expect(first.results).toHaveLength(200);
		expect(first.paginationToken).toBe(first.results[199].value);
		const second = await node.methods.listSearch.searchDevices.call(ctx, undefined, String(first.paginationToken));
		expect(Number(second.results[0].value)).toBeGreaterThan(Number(first.paginationToken));
	});
});
