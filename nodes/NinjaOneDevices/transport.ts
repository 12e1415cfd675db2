import type { ICredentialDataDecryptedObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import type { MetricsRecorder } from '../../lib/http/metrics';
import { NinjaOneClient, type NinjaRegion } from '../../lib/ninjaone';
import { runMetrics } from '../shared/opsLog';

/**
 * Builds the lib client from the node's credential.
 *
 * Why lib owns HTTP instead of `this.helpers.httpRequestWithAuthentication`: every service in this package (UniFi,
 * NinjaOne, and Notion through its SDK) goes through one ServiceHttpClient, so retries with Retry-After,
 * per-credential rate limits shared by all nodes in the process, error mapping and secret redaction follow one
 * policy. For NinjaOne it also owns the headless client-credentials token (cached per credential, refreshed once
 * on 401), which n8n's OAuth2 credential would otherwise require a browser consent step for.
 */
export function ninjaClientFromCredential(data: ICredentialDataDecryptedObject, metrics?: MetricsRecorder): NinjaOneClient {
	return new NinjaOneClient({
		clientId: String(data.clientId ?? ''),
		clientSecret: String(data.clientSecret ?? ''),
		region: (data.region as NinjaRegion | undefined) ?? 'us',
		baseUrl: typeof data.baseUrl === 'string' ? data.baseUrl : undefined,
		scopes: typeof data.scopes === 'string' ? data.scopes : undefined,
		metrics,
	});
}

export async function getNinjaClient(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<NinjaOneClient> {
	return ninjaClientFromCredential(await ctx.getCredentials('mspNinjaOneApi'), runMetrics(ctx));
}
