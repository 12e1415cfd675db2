import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { toNodeError } from '../../shared/n8nAdapter';
import { byName, matchesFilter } from '../../shared/listSearch';
import { getNinjaClient } from '../transport';

export async function searchOrganizations(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	try {
		const client = await getNinjaClient(this);
		const orgs = await client.listOrganizations();
		return {
			results: byName(orgs.filter((o) => matchesFilter(filter, o.name, String(o.id))).map((o) => ({ name: o.name, value: String(o.id) }))),
		};
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

const DEVICE_PAGE = 200;

/** Devices page by page (pagination token = last device id); the filter matches display/system names. */
export async function searchDevices(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	try {
		const client = await getNinjaClient(this);
		const after = paginationToken && /^\d+$/.test(paginationToken) ? Number(paginationToken) : undefined;
		const page = await client.listDevicesPage({ after, pageSize: DEVICE_PAGE });
		return {
			results: page
				.filter((d) => matchesFilter(filter, d.displayName, d.systemName, d.dnsName, String(d.id)))
				.map((d) => ({
					name: d.displayName || d.systemName || `Device ${d.id}`,
					value: String(d.id),
				})),
			paginationToken: page.length === DEVICE_PAGE ? String(page[page.length - 1].id) : undefined,
		};
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
