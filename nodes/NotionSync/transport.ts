import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { createNotionTransport, type NotionTransport } from '../../lib/notion';
import { runMetrics } from '../shared/opsLog';

/** The Notion transport for this node's credential (one rate limiter per token in the process). */
export async function getNotionTransport(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<NotionTransport> {
	const credentials = await ctx.getCredentials<{
		token: string;
		baseUrl?: string;
		notionVersion?: string;
		requestsPerSecond?: number;
		burst?: number;
	}>('mspNotionApi');
	return createNotionTransport({
		token: credentials.token,
		baseUrl: credentials.baseUrl,
		notionVersion: credentials.notionVersion,
		requestsPerSecond: credentials.requestsPerSecond,
		burst: credentials.burst,
		metrics: runMetrics(ctx),
	});
}
