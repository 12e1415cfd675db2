import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { toNodeError } from '../../shared/n8nAdapter';
import { byName, matchesFilter } from '../../shared/listSearch';
import { getNetworkClient, getSiteManagerClient } from '../transport';

/** Cloud sites by customer name (`meta.desc`). */
export async function searchSites(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	try {
		const client = await getSiteManagerClient(this);
		const sites = await client.listSites();
		return {
			results: byName(
				sites
					.filter((s) => matchesFilter(filter, s.meta.desc, s.meta.name, s.siteId))
					.map((s) => ({
						name: s.meta.desc || s.meta.name || s.siteId,
						value: s.siteId,
					})),
			),
		};
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

/** Consoles (hosts) by name. */
export async function searchHosts(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	try {
		const client = await getSiteManagerClient(this);
		const hosts = await client.listHosts();
		return {
			results: byName(
				hosts
					.map((h) => ({
						name: h.reportedState?.name || h.reportedState?.hostname || h.ipAddress || h.id,
						value: h.id,
					}))
					.filter((h) => matchesFilter(filter, h.name, h.value)),
			),
		};
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

/** Sites on the local console (value = short site name used in API paths). */
export async function searchLocalSites(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	try {
		const client = await getNetworkClient(this);
		const sites = await client.listSites();
		return {
			results: byName(
				sites
					.filter((s) => matchesFilter(filter, s.desc, s.name))
					.map((s) => ({
						name: s.desc ? `${s.desc} (${s.name})` : s.name,
						value: s.name,
					})),
			),
		};
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
