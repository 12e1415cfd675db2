import { SANDBOX_CREDENTIALS } from './credentials';
import { startSandbox, type Sandbox } from '.';
import { LOCAL_DATABASE_URL } from './supabase';

jest.setTimeout(60_000);

/**
 * `startSandbox({credentials})`: every emulator accepts the given values and refuses the defaults they replace, so a
 * test can plant recognisable secrets in every credential (the reliability suite's secrets area does).
 */
describe('startSandbox with its own credentials', () => {
	const given = {
		unifiApiKey: 'given-unifi-key-0001',
		unifiNetworkApiKey: 'given-unifi-network-key-0001',
		ninjaClientId: 'given-ninja-client-0001',
		ninjaClientSecret: 'given-ninja-secret-0001',
		notionToken: 'given-notion-token-0001',
		hubspotToken: 'given-hubspot-token-0001',
		supabaseServiceKey: 'given-supabase-key-0001',
		gateSigningSecret: 'given-gate-signing-secret-0123456789abcdef',
	};
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ credentials: given, supabase: { databaseUrl: LOCAL_DATABASE_URL } });
	});
	afterAll(async () => {
		await sandbox?.stop();
	});

	const status = async (url: string, init: RequestInit = {}) => {
		const res = await fetch(url, init);
		await res.arrayBuffer();
		return res.status;
	};

	it('reports the values in force', () => {
		expect(sandbox.credentials).toEqual(given);
		expect(Object.isFrozen(sandbox.credentials)).toBe(true);
		// The shared defaults are untouched.
		expect(SANDBOX_CREDENTIALS.notionToken).not.toBe(given.notionToken);
	});

	it.each([
		['unifi', (key: string) => [`/v1/sites`, { headers: { 'X-API-Key': key } }], 'unifiApiKey'],
		['unifiNetwork', (key: string) => [`/proxy/network/integration/v1/sites`, { headers: { 'X-API-Key': key } }], 'unifiNetworkApiKey'],
		['notion', (key: string) => [`/v1/users/me`, { headers: { authorization: `Bearer ${key}`, 'Notion-Version': '2025-09-03' } }], 'notionToken'],
		['hubspot', (key: string) => [`/crm/v3/objects/companies?limit=1`, { headers: { authorization: `Bearer ${key}` } }], 'hubspotToken'],
		['supabase', (key: string) => [`/rest/v1/api_metrics?limit=1`, { headers: { apikey: key, authorization: `Bearer ${key}` } }], 'supabaseServiceKey'],
	] as const)('%s accepts the given key and refuses the default', async (service, request, field) => {
		const base = sandbox.urls[service]!;
		const [ok, okInit] = request(given[field]);
		expect(await status(base + ok, okInit as RequestInit)).toBe(200);
		const [bad, badInit] = request(SANDBOX_CREDENTIALS[field]);
		expect(await status(base + bad, badInit as RequestInit)).toBe(401);
	});

	it('NinjaOne issues tokens to the given client only', async () => {
		const token = (id: string, secret: string) =>
			status(`${sandbox.urls.ninjaone}/ws/oauth/token`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret, scope: 'monitoring' }).toString(),
			});
		expect(await token(given.ninjaClientId, given.ninjaClientSecret)).toBe(200);
		expect(await token(SANDBOX_CREDENTIALS.ninjaClientId, SANDBOX_CREDENTIALS.ninjaClientSecret)).toBe(401);
		expect(await token(given.ninjaClientId, SANDBOX_CREDENTIALS.ninjaClientSecret)).toBe(401);
	});

	it('an explicit undefined keeps the default', async () => {
		const partial = await startSandbox({ services: ['notion'], credentials: { notionToken: undefined, hubspotToken: 'only-this-one-0001' } });
		try {
			expect(partial.credentials).toEqual({ ...SANDBOX_CREDENTIALS, hubspotToken: 'only-this-one-0001' });
		} finally {
			await partial.stop();
		}
	});
});
