import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { extractNotionId, listDataSources, notionCall } from '../../../lib/notion';
import { toNodeError } from '../../shared/n8nAdapter';
import { getNotionTransport } from '../transport';

function titleOf(rich: unknown): string {
	return Array.isArray(rich) ? rich.map((t: { plain_text?: string }) => t.plain_text ?? '').join('') : '';
}

/** Databases the integration can see: POST /v1/search for data sources, one entry per database. */
export async function searchDatabases(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	try {
		const transport = await getNotionTransport(this);
		const response = await notionCall('search', () =>
			transport.client.search({
				query: filter || undefined,
				filter: { property: 'object', value: 'data_source' },
				page_size: 100,
				start_cursor: paginationToken || undefined,
			}),
		);
		const seen = new Set<string>();
		const results = [];
		for (const r of response.results as unknown as Array<Record<string, unknown>>) {
			const databaseId = (r.parent as { database_id?: string } | undefined)?.database_id;
			if (!databaseId || seen.has(databaseId)) continue;
			seen.add(databaseId);
			results.push({ name: titleOf(r.title) || databaseId, value: databaseId, url: typeof r.url === 'string' ? r.url : undefined });
		}
		return { results, paginationToken: response.has_more ? (response.next_cursor ?? undefined) : undefined };
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

/** Data sources of the selected database (GET /v1/databases/{id}). */
export async function searchDataSources(this: ILoadOptionsFunctions): Promise<INodeListSearchResult> {
	const database = this.getCurrentNodeParameter('database', { extractValue: true }) as string | undefined;
	if (!database) return { results: [] };
	try {
		const transport = await getNotionTransport(this);
		const sources = await listDataSources(transport, extractNotionId(database, 'database id'));
		return { results: sources.map((s) => ({ name: s.name || s.id, value: s.id })) };
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

/** Pages the integration can see, as parents for Ensure Database. */
export async function searchPages(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	try {
		const transport = await getNotionTransport(this);
		const response = await notionCall('search', () =>
			transport.client.search({
				query: filter || undefined,
				filter: { property: 'object', value: 'page' },
				page_size: 100,
				start_cursor: paginationToken || undefined,
			}),
		);
		const results = (response.results as unknown as Array<Record<string, unknown>>).map((p) => {
			const props = (p.properties ?? {}) as Record<string, { type?: string; title?: unknown }>;
			const titleProp = Object.values(props).find((v) => v.type === 'title');
			return { name: titleOf(titleProp?.title) || String(p.id), value: String(p.id), url: typeof p.url === 'string' ? p.url : undefined };
		});
		return { results, paginationToken: response.has_more ? (response.next_cursor ?? undefined) : undefined };
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
