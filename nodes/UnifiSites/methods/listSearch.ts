import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { toNodeError } from '../../shared/n8nAdapter';
import { getNetworkClient, getSiteManagerClient } from '../transport';

const matches = (filter: string | undefined, ...texts: Array<string | null | undefined>): boolean => {
	if (!filter) return true;
	const f = filter.toLowerCase();
	return texts.some((t) => typeof t === 'string' && t.toLowerCase().includes(f));
};

/** Cloud sites by customer name (`meta.desc`). */
export async function searchSites(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	try {
		const client = await getSiteManagerClient(this);
		const sites = await client.listSites();
		return {
			results: sites
				.filter((s) => matches(filter, s.meta.desc, s.meta.name, s.siteId))
				.map((s) => ({ name: s.meta.desc || s.meta.name || s.siteId, value: s.siteId }))
				.sort((a, b) => a.name.localeCompare(b.name)),
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
			results: hosts
				.map((h) => ({ name: h.reportedState?.name || h.reportedState?.hostname || h.ipAddress || h.id, value: h.id }))
				.filter((h) => matches(filter, h.name, h.value))
				.sort((a, b) => a.name.localeCompare(b.name)),
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
			results: sites
				.filter((s) => matches(filter, s.desc, s.name))
				.map((s) => ({ name: s.desc ? `${s.desc} (${s.name})` : s.name, value: s.name }))
				.sort((a, b) => a.name.localeCompare(b.name)),
		};
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
