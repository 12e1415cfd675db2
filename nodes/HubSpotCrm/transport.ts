import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { HubSpotClient, type HubSpotTier } from '../../lib/hubspot';
import { runMetrics } from '../shared/opsLog';

/**
 * The lib client from the node's credential. lib/hubspot owns HTTP (see CONTRIBUTING.md, "Why HTTP keeps its own
 * transport"): batch calls of 100, pacing per token from HubSpot's rate-limit headers shared by every node in the
 * process, a separate search bucket, and a daily limit that is reported instead of retried.
 */
export async function getHubSpotClient(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<HubSpotClient> {
	const credentials = await ctx.getCredentials<{ accessToken?: string; baseUrl?: string; tier?: HubSpotTier }>('mspHubSpotApi');
	return new HubSpotClient({
		token: String(credentials.accessToken ?? ''),
		baseUrl: credentials.baseUrl,
		tier: credentials.tier,
		metrics: runMetrics(ctx),
	});
}
