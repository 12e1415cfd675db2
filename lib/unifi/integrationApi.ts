import { MspOpsError } from '../errors';
import type { QueryValue, ServiceHttpClient } from '../http';
import { parseWith } from '../validation';
import {
	integrationClientSchema,
	integrationDeviceSchema,
	integrationDeviceStatisticsSchema,
	integrationInfoSchema,
	integrationNetworkSchema,
	integrationPage,
	integrationSiteSchema,
	localClientsResponseSchema,
	type IntegrationClient,
	type IntegrationDevice,
	type IntegrationDeviceStatistics,
	type IntegrationNetwork,
	type IntegrationSite,
	type UnifiLocalClient,
} from './schemas';
import type { z } from 'zod';

/**
 * The Network application's official Integration API (v1) of one console, reached either through the Site Manager
 * cloud connector (`/v1/connector/consoles/{hostId}/proxy/network/integration/v1/...` on api.ui.com, Site Manager key)
 * or on the console itself (`{console}/proxy/network/integration/v1/...`, local key). The HTTP client decides which:
 * this class only knows the paths, the paging and the payloads (docs/unifi-connector.md, section 2).
 */

/** Largest `limit` asked for. 200 is the maximum in a third-party copy of the reference; 100 is what clients use. */
export const INTEGRATION_MAX_PAGE_SIZE = 200;
export const INTEGRATION_DEFAULT_PAGE_SIZE = 100;

export interface IntegrationApiOptions {
	/** Path of the Network application on the client's base URL, without `/integration`: `/proxy/network` or a connector prefix. */
	networkPath: string;
	/** Says which console this is in messages: `console "Harbor UDM Pro" (host 7483…:1104)`. */
	label: string;
	pageSize?: number;
	itemIndex?: number;
}

export interface PageOptions {
	/** Integration API filter expression, e.g. `features.contains('accessPoint')`. */
	filter?: string;
}

const UNEXPECTED = (label: string) =>
	`The Network application of ${label} answered in a shape this node does not know: check that the console runs UniFi Network 9.x or later; if it does, report this message.`;

export class UnifiIntegrationApi {
	readonly pageSize: number;

	constructor(
		readonly http: ServiceHttpClient,
		readonly options: IntegrationApiOptions,
	) {
		this.pageSize = Math.min(INTEGRATION_MAX_PAGE_SIZE, Math.max(1, Math.floor(options.pageSize ?? INTEGRATION_DEFAULT_PAGE_SIZE)));
	}

	private path(rest: string): string {
		return `${this.options.networkPath}/integration/v1${rest}`;
	}

	private parse<S extends z.ZodTypeAny>(schema: S, data: unknown, operation: string, path: string): z.infer<S> {
		return parseWith(schema, data, {
			what: `UniFi ${this.options.label} GET ${path.replace(/^.*\/integration\//, '/integration/')} response`,
			service: this.http.service,
			operation,
			itemIndex: this.options.itemIndex,
			hint: UNEXPECTED(this.options.label),
		});
	}

	private async get<S extends z.ZodTypeAny>(operation: string, rest: string, schema: S, query?: Record<string, QueryValue>): Promise<z.infer<S>> {
		const path = this.path(rest);
		const response = await this.http.request({ operation, path, query, itemIndex: this.options.itemIndex });
		return this.parse(schema, response.data, operation, path);
	}

	/**
	 * Walk an offset-paged list to its end. Stops on an empty page, and refuses a page that does not continue where
	 * the previous one ended (an offset the API did not honour would otherwise repeat or skip records).
	 */
	private async paginate<S extends z.ZodTypeAny>(operation: string, rest: string, item: S, options: PageOptions = {}): Promise<Array<z.infer<S>>> {
		const schema = integrationPage(item);
		const out: Array<z.infer<S>> = [];
		let offset = 0;
		for (;;) {
			const page = await this.get(operation, rest, schema, { offset, limit: this.pageSize, filter: options.filter });
			if (page.offset !== offset) {
				throw new MspOpsError(`UniFi ${this.options.label} answered offset ${page.offset} when asked for ${offset} on ${rest}; stopping rather than repeat or skip records`, {
					service: this.http.service,
					operation,
					itemIndex: this.options.itemIndex,
				});
			}
			out.push(...(page.data as Array<z.infer<S>>));
			offset += page.data.length;
			if (page.data.length === 0 || offset >= page.totalCount) return out;
		}
	}

	/** `GET /v1/info`: the Network application version; also how Auto path style tells whether a path works. */
	async info(): Promise<string> {
		return (await this.get('getConsoleInfo', '/info', integrationInfoSchema)).applicationVersion;
	}

	listSites(options: PageOptions = {}): Promise<IntegrationSite[]> {
		return this.paginate('listConsoleSites', '/sites', integrationSiteSchema, options);
	}

	listClients(siteId: string, options: PageOptions = {}): Promise<IntegrationClient[]> {
		return this.paginate('listConsoleClients', `/sites/${encodeURIComponent(siteId)}/clients`, integrationClientSchema, options);
	}

	listDevices(siteId: string, options: PageOptions = {}): Promise<IntegrationDevice[]> {
		return this.paginate('listConsoleDevices', `/sites/${encodeURIComponent(siteId)}/devices`, integrationDeviceSchema, options);
	}

	deviceStatistics(siteId: string, deviceId: string): Promise<IntegrationDeviceStatistics> {
		return this.get('getDeviceStatistics', `/sites/${encodeURIComponent(siteId)}/devices/${encodeURIComponent(deviceId)}/statistics/latest`, integrationDeviceStatisticsSchema);
	}

	listNetworks(siteId: string, options: PageOptions = {}): Promise<IntegrationNetwork[]> {
		return this.paginate('listConsoleNetworks', `/sites/${encodeURIComponent(siteId)}/networks`, integrationNetworkSchema, options);
	}

	/**
	 * Legacy `stat/sta` of a site (by its legacy short name, the Integration `internalReference`): the only place with
	 * per-client WiFi signal. Undocumented behind the connector, so callers treat any failure as "not available".
	 */
	async legacyClients(legacySiteName: string): Promise<UnifiLocalClient[]> {
		const path = `${this.options.networkPath}/api/s/${encodeURIComponent(legacySiteName)}/stat/sta`;
		const response = await this.http.request({ operation: 'listLegacyClients', path, itemIndex: this.options.itemIndex });
		return this.parse(localClientsResponseSchema, response.data, 'listLegacyClients', path).data;
	}
}

/** `features`/`interfaces` as a set of names, from either shape. */
export function nameSetOf(value: IntegrationDevice['features']): Set<string> {
	if (!value) return new Set();
	return new Set(Array.isArray(value) ? value : Object.keys(value));
}
