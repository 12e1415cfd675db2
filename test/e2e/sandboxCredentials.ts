/**
 * n8n credentials (for `n8n import:credentials`) that point every service node at a running sandbox. The ids are
 * the ones the bundled workflows in workflows/ reference, so importing these makes those workflows runnable as is.
 */
import { startSandbox, type Sandbox, type ServiceKey } from '../sandbox';
import { createN8nInstance, type HostVersion, type N8nInstance } from './harness';
import { CHECKERS } from '../sandbox/workspace';

export interface ImportedCredential {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export const WORKFLOW_CREDENTIAL_IDS = {
	unifiSiteManager: 'unifiSmCred00001',
	unifiNetwork: 'unifiNetCred0001',
	ninjaOne: 'ninjaCred0000001',
	notion: 'notionCred000001',
	supabase: 'supabaseCred0001',
	hubspot: 'hubspotCred00001',
	makerChecker: 'gateCred00000001',
} as const;

/**
 * `notionPace`: the Notion credential's `requestsPerSecond` and `burst` instead of Notion's 3 (for a sandbox whose
 * Notion emulator is set to the same pace, where pacing is not what the test is about).
 */
export function sandboxCredentials(sandbox: Sandbox, options: { notionPace?: number } = {}): ImportedCredential[] {
	const out: ImportedCredential[] = [];
	const { urls, credentials } = sandbox;
	if (urls.unifi) {
		out.push({ id: WORKFLOW_CREDENTIAL_IDS.unifiSiteManager, name: 'UniFi Site Manager', type: 'mspUnifiSiteManagerApi', data: { apiKey: credentials.unifiApiKey, baseUrl: urls.unifi } });
	}
	if (urls.unifiNetwork) {
		out.push({
			id: WORKFLOW_CREDENTIAL_IDS.unifiNetwork,
			name: 'UniFi Console',
			type: 'mspUnifiNetworkApi',
			data: { consoleUrl: urls.unifiNetwork, apiKey: credentials.unifiNetworkApiKey, allowSelfSigned: false, pathPrefix: '/proxy/network' },
		});
	}
	if (urls.ninjaone) {
		out.push({
			id: WORKFLOW_CREDENTIAL_IDS.ninjaOne,
			name: 'NinjaOne',
			type: 'mspNinjaOneApi',
			data: { region: 'custom', baseUrl: urls.ninjaone, clientId: credentials.ninjaClientId, clientSecret: credentials.ninjaClientSecret, scopes: 'monitoring' },
		});
	}
	if (urls.notion) {
		out.push({
			id: WORKFLOW_CREDENTIAL_IDS.notion,
			name: 'Notion',
			type: 'mspNotionApi',
			data: { token: credentials.notionToken, baseUrl: urls.notion, notionVersion: '2025-09-03', requestsPerSecond: options.notionPace ?? 3, burst: options.notionPace ?? 3 },
		});
	}
	if (urls.hubspot) {
		out.push({ id: WORKFLOW_CREDENTIAL_IDS.hubspot, name: 'HubSpot', type: 'mspHubSpotApi', data: { accessToken: credentials.hubspotToken, baseUrl: urls.hubspot, tier: 'freeStarter' } });
	}
	if (urls.supabase) {
		// n8n's own Supabase credential type: the built-in Supabase node and the package's ops log both use it.
		out.push({ id: WORKFLOW_CREDENTIAL_IDS.supabase, name: 'Supabase', type: 'supabaseApi', data: { host: urls.supabase, serviceRole: credentials.supabaseServiceKey } });
	}
	// Not a service: the gate's own secret and checkers, for the pipelines that need approvals.
	out.push({ id: WORKFLOW_CREDENTIAL_IDS.makerChecker, name: 'Maker/Checker Gate', type: 'mspMakerCheckerApi', data: { signingSecret: credentials.gateSigningSecret, checkers: CHECKERS.join('\n') } });
	return out;
}

/**
 * For a `describe` block: before all tests, start the sandbox with `services`, a fresh n8n instance on `version`
 * with the package installed, and import the sandbox credentials; after all, stop both. The returned object's
 * fields are set once beforeAll has run.
 */
export function useSandboxedN8n(version: HostVersion, services: ServiceKey[]): { n8n: N8nInstance; sandbox: Sandbox } {
	const ctx = {} as { n8n: N8nInstance; sandbox: Sandbox };
	beforeAll(async () => {
		ctx.sandbox = await startSandbox({ services });
		ctx.n8n = await createN8nInstance(version);
		await ctx.n8n.importCredentials(sandboxCredentials(ctx.sandbox));
	}, 15 * 60_000);
	afterAll(async () => {
		await ctx.n8n?.stop();
		await ctx.sandbox?.stop();
	});
	return ctx;
}
