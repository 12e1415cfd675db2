import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { UnifiNetworkClient, UnifiSiteManagerClient } from '../../lib/unifi';
import { runMetrics } from '../shared/opsLog';

/**
 * Builds the lib clients from the node's credentials.
 *
 * Why lib owns HTTP instead of `this.helpers.httpRequestWithAuthentication`: every service in this package (UniFi,
 * NinjaOne, and Notion through its SDK) goes through one ServiceHttpClient, so retries with Retry-After, per-credential
 * token-bucket rate limits shared by all nodes in the process (UniFi's 10,000/min and 100/min early-access buckets),
 * error mapping and secret redaction follow one policy, are unit-tested once, and behave the same inside and outside
 * n8n (benchmarks, sandbox tests). The credentials still declare `authenticate` and `test` so n8n's credential test works.
 */

export interface SiteManagerCredential {
	apiKey: string;
	baseUrl?: string;
}

export interface NetworkCredential {
	consoleUrl: string;
	apiKey: string;
	allowSelfSigned?: boolean;
	pathPrefix?: string;
	/** Which console API the node reads: legacy `/api/s/...` (default) or the official Integration API. */
	api?: 'legacy' | 'integration';
}

export async function getSiteManagerClient(ctx: IExecuteFunctions | ILoadOptionsFunctions, options: { connectorTimeoutMs?: number } = {}): Promise<UnifiSiteManagerClient> {
	const credentials = await ctx.getCredentials<SiteManagerCredential & Record<string, unknown>>('mspUnifiSiteManagerApi');
	return new UnifiSiteManagerClient({
		apiKey: credentials.apiKey,
		baseUrl: credentials.baseUrl,
		metrics: runMetrics(ctx),
		connector: { timeoutMs: options.connectorTimeoutMs },
	});
}

export async function getNetworkClient(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<UnifiNetworkClient> {
	return (await getNetworkConsole(ctx)).client;
}

/** The console client and which of its APIs the credential says to read. */
export async function getNetworkConsole(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<{ client: UnifiNetworkClient; api: 'legacy' | 'integration' }> {
	const credentials = await ctx.getCredentials<NetworkCredential & Record<string, unknown>>('mspUnifiNetworkApi');
	const client = new UnifiNetworkClient({
		consoleUrl: credentials.consoleUrl,
		apiKey: credentials.apiKey,
		allowSelfSigned: credentials.allowSelfSigned === true,
		pathPrefix: credentials.pathPrefix,
		metrics: runMetrics(ctx),
	});
	return { client, api: credentials.api === 'integration' ? 'integration' : 'legacy' };
}
