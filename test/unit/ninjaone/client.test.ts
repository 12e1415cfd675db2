import { AuthenticationError, ConfigError, ValidationError } from '../../../lib/errors';
import { resetRateLimiters } from '../../../lib/http';
import {
	clearNinjaTokenCache,
	NinjaOneClient,
	resolveNinjaBaseUrl,
	simplifyAlert,
	simplifyDevice,
	simplifyDeviceHealth,
	simplifyOrganization,
	withOrganizations,
	type NinjaOneOptions,
} from '../../../lib/ninjaone';
import { startSandbox, type Sandbox } from '../../sandbox';

const fastSleep = () => Promise.resolve();

describe('NinjaOne client against the emulator', () => {
	let sandbox: Sandbox;
	const emu = () => sandbox.ninjaone!;
	const client = (options: Partial<NinjaOneOptions> = {}) =>
		new NinjaOneClient({
			clientId: sandbox.credentials.ninjaClientId,
			clientSecret: sandbox.credentials.ninjaClientSecret,
			region: 'custom',
			baseUrl: sandbox.urls.ninjaone,
			sleep: fastSleep,
			...options,
		});
	const totalDevices = () => sandbox.world.ninjaOrganizations.reduce((n, o) => n + o.devices.length, 0);

	beforeAll(async () => {
		sandbox = await startSandbox({ services: ['ninjaone'], emulator: { ninjaone: { tokenLifetimeSec: 2 } as never } });
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

	it('resolves regions and custom base URLs', () => {
		expect(resolveNinjaBaseUrl('us')).toBe('https://app.ninjarmm.com');
		expect(resolveNinjaBaseUrl('us2')).toBe('https://us2.ninjarmm.com');
		expect(resolveNinjaBaseUrl('eu')).toBe('https://eu.ninjarmm.com');
		expect(resolveNinjaBaseUrl('ca')).toBe('https://ca.ninjarmm.com');
		expect(resolveNinjaBaseUrl('oc')).toBe('https://oc.ninjarmm.com');
		expect(resolveNinjaBaseUrl('custom', 'https://x.example.com/v2/')).toBe('https://x.example.com');
		expect(() => resolveNinjaBaseUrl('custom', '')).toThrow(ConfigError);
	});

	it('fetches a token on first use, shares it between concurrent calls and reuses it', async () => {
		const c = client();
		expect(emu().tokensIssued).toBe(0);
		await Promise.all([c.listOrganizations({ limit: 1 }), c.listOrganizations({ limit: 2 }), c.getDevice(emu()['devices'][0].id)]);
		expect(emu().tokensIssued).toBe(1);
		// Another client object with the same credential uses the process cache.
		await client().listOrganizations({ limit: 1 });
		expect(emu().tokensIssued).toBe(1);
		const form = emu().requestLog.filter((r) => r.route === 'POST /ws/oauth/token');
		expect(form).toHaveLength(1);
	});

	it('refreshes the token shortly before it expires (short lifetime)', async () => {
		const c = client();
		await c.listOrganizations({ limit: 1 });
		expect(emu().tokensIssued).toBe(1);
		// Lifetime 2 s: the margin is min(60 s, half the lifetime) = 1 s, so after 1.1 s a new token is fetched.
		await new Promise((r) => setTimeout(r, 1100));
		await c.listOrganizations({ limit: 1 });
		expect(emu().tokensIssued).toBe(2);
		expect(emu().statusCounters.get(401) ?? 0).toBe(0);
	});

	it('refreshes once on 401 (revoked token) and then succeeds', async () => {
		const c = client();
		await c.listOrganizations({ limit: 1 });
		emu().tokens.clear();
		const orgs = await c.listOrganizations({ limit: 3 });
		expect(orgs).toHaveLength(3);
		expect(emu().tokensIssued).toBe(2);
		expect(emu().statusCounters.get(401)).toBe(1);
	});

	it('reports bad client credentials clearly without the secret', async () => {
		const secret = 'definitely-wrong-secret-77';
		const error = await client({ clientSecret: secret }).listOrganizations().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AuthenticationError);
		const message = (error as Error).message;
		expect(message).toMatch(/NinjaOne POST \/ws\/oauth\/token returned 401: invalid_client: Bad client credentials/);
		expect(message).toMatch(/Administration > Apps > API/);
		expect(message).not.toContain(secret);
		expect(JSON.stringify((error as AuthenticationError).toJSON())).not.toContain(secret);
	});

	it('never shows the client id or secret when the token endpoint echoes them back', async () => {
		const { ninjaClientId: id, ninjaClientSecret: secret } = sandbox.credentials;
		emu().scriptFaults([{ status: 401, body: { error: 'invalid_client', error_description: `client ${id} secret ${secret} (${encodeURIComponent(id)})` } }], /oauth\/token/);
		const error = await client().listOrganizations({ limit: 1 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AuthenticationError);
		for (const shown of [(error as Error).message, JSON.stringify((error as AuthenticationError).toJSON())]) {
			expect(shown).toContain('[REDACTED]');
			expect(shown).not.toContain(id);
			expect(shown).not.toContain(secret);
		}
	});

	it('never shows the access token or client secret in errors', async () => {
		const c = client();
		await c.listOrganizations({ limit: 1 });
		const token = [...emu().tokens.keys()][0];
		const secret = sandbox.credentials.ninjaClientSecret;
		emu().scriptFaults([{ status: 400, body: { resultCode: 'FAILURE', errorMessage: `bad request for token ${token} and ${secret}` } }], /organizations/);
		const error = await c.listOrganizations().catch((e: unknown) => e);
		expect((error as Error).message).toContain('[REDACTED]');
		expect((error as Error).message).not.toContain(token);
		expect((error as Error).message).not.toContain(secret);
	});

	it('pages organizations by keyset (after = last id) and stops on a short page', async () => {
		const orgs = await client({ pageSize: 10 }).listOrganizations();
		expect(orgs).toHaveLength(sandbox.world.ninjaOrganizations.length);
		expect(orgs).toHaveLength(98);
		expect(emu().count('GET /v2/organizations')).toBe(10);
		const record = simplifyOrganization(orgs[0]);
		expect(record).toMatchObject({ kind: 'ninjaone.organization', organizationId: orgs[0].id, name: orgs[0].name });
		const withField = orgs.find((o) => typeof (o.fields as Record<string, unknown> | undefined)?.unifiSiteId === 'string');
		if (withField) expect(simplifyOrganization(withField).unifiSiteId).toBe((withField.fields as Record<string, string>).unifiSiteId);
	});

	it('honours Limit on devices without reading further pages', async () => {
		const devices = await client({ pageSize: 10 }).listDevices({ limit: 25 });
		expect(devices).toHaveLength(25);
		expect(emu().count('GET /v2/devices')).toBe(3);
		expect(new Set(devices.map((d) => d.id)).size).toBe(25);
		const all = await client({ pageSize: 200 }).listDevices();
		expect(all).toHaveLength(totalDevices());
	});

	it('filters devices with df and reads detailed devices', async () => {
		const org = sandbox.world.ninjaOrganizations[3];
		const devices = await client().listDevices({ df: `org = ${org.id}`, detailed: true });
		expect(devices).toHaveLength(org.devices.length);
		expect(devices.every((d) => d.organizationId === org.id)).toBe(true);
		expect(emu().count('GET /v2/devices-detailed')).toBe(1);
		const record = simplifyDevice(devices[0]);
		expect(record.kind).toBe('ninjaone.device');
		expect(record.lastContact).toMatch(/^\d{4}-\d{2}-\d{2}T/);
	});

	it('follows the device-health cursor by name, stops at Limit, and joins organizations', async () => {
		const c = client({ queryPageSize: 100 });
		const rows = await c.listDeviceHealth();
		expect(rows).toHaveLength(totalDevices());
		const pages = Math.ceil(totalDevices() / 100) + (totalDevices() % 100 === 0 ? 1 : 0);
		expect(emu().count('GET /v2/queries/device-health')).toBe(pages);
		const cursorRequests = emu().requestLog.filter((r) => r.route === 'GET /v2/queries/device-health');
		expect(cursorRequests.length).toBeGreaterThan(1);
		emu().clearLog();
		const limited = await c.listDeviceHealth({ limit: 150 });
		expect(limited).toHaveLength(150);
		expect(emu().count('GET /v2/queries/device-health')).toBe(2);
		expect(limited.some((r) => typeof r.organizationId === 'number')).toBe(false);
		let loads = 0;
		const joined = await withOrganizations(limited, async () => {
			loads++;
			return new Map((await c.listDevices()).map((d) => [d.id, d.organizationId]));
		});
		expect(loads).toBe(1);
		expect(joined.every((j) => typeof j.organizationId === 'number')).toBe(true);
		const record = simplifyDeviceHealth(joined[0].row, joined[0].organizationId);
		expect(record).toMatchObject({ kind: 'ninjaone.deviceHealth', organizationId: joined[0].organizationId });
	});

	it('asks the device-health query for one health status at a time and merges the answers', async () => {
		const devices = sandbox.world.ninjaOrganizations.flatMap((o) => o.devices);
		const wanted = devices.filter((d) => d.health.healthStatus === 'UNHEALTHY' || d.health.healthStatus === 'NEEDS_ATTENTION');
		expect(wanted.length).toBeGreaterThan(0);
		for (const health of ['UNHEALTHY, NEEDS_ATTENTION', ['UNHEALTHY', 'NEEDS_ATTENTION']]) {
			emu().clearLog();
			const rows = await client({ queryPageSize: 10_000 }).listDeviceHealth({ health });
			expect(rows.map((r) => r.deviceId).sort((a, b) => a - b)).toEqual(wanted.map((d) => d.id).sort((a, b) => a - b));
			expect(emu().requestLog.filter((r) => r.route === 'GET /v2/queries/device-health').map((r) => r.status)).toEqual([200, 200]);
		}
		// Limit counts across the statuses: the second status is not asked for once the first fills it.
		emu().clearLog();
		const unhealthy = devices.filter((d) => d.health.healthStatus === 'UNHEALTHY').length;
		const limited = await client({ queryPageSize: 10_000 }).listDeviceHealth({ health: ['UNHEALTHY', 'NEEDS_ATTENTION'], limit: unhealthy });
		expect(limited).toHaveLength(unhealthy);
		expect(limited.every((r) => r.healthStatus === 'UNHEALTHY')).toBe(true);
		expect(emu().count('GET /v2/queries/device-health')).toBe(1);
	});

	it('reads alerts and trims to Limit', async () => {
		const all = await client().listAlerts();
		expect(all.length).toBeGreaterThan(0);
		const some = await client().listAlerts({ limit: 2 });
		expect(some).toHaveLength(Math.min(2, all.length));
		const record = simplifyAlert(all[0]);
		expect(record.kind).toBe('ninjaone.alert');
		expect(record.organizationId).not.toBeNull();
	});

	it('retries 429 from a tiny emulator rate limit', async () => {
		emu().setRateLimit('default', { kind: 'window', limit: 3, windowMs: 500 });
		const orgs = await new NinjaOneClient({
			clientId: sandbox.credentials.ninjaClientId,
			clientSecret: sandbox.credentials.ninjaClientSecret,
			region: 'custom',
			baseUrl: sandbox.urls.ninjaone,
			pageSize: 20,
		}).listOrganizations();
		expect(orgs).toHaveLength(98);
		expect(emu().statusCounters.get(429) ?? 0).toBeGreaterThanOrEqual(1);
	}, 20_000);

	it('rejects malformed payloads naming the field and what was expected', async () => {
		emu().malformNext('GET /v2/queries/device-health');
		const error = await client().listDeviceHealth().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).field).toBe('results[0].healthStatus');
		expect((error as ValidationError).message).toMatch(/results\[0\]\.healthStatus: expected 'UNKNOWN' \| 'HEALTHY' \| 'NEEDS_ATTENTION' \| 'UNHEALTHY', received 42/);
		emu().malformNext('GET /v2/devices');
		await expect(client().listDevices()).rejects.toMatchObject({ field: '[0].id', expected: 'number' });
		emu().malformNext('GET /v2/alerts');
		await expect(client().listAlerts()).rejects.toMatchObject({ field: '[0].deviceId', expected: 'number' });
	});
});
