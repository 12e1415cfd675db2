import type {
	UnifiConsoleClientRecord,
	UnifiConsoleDeviceRecord,
	UnifiConsoleNetworkRecord,
	UnifiConsoleRef,
	UnifiConsoleStatusRecord,
	UnifiRadioStatistics,
} from '../domain';
import { MspOpsError, NotFoundError } from '../errors';
import { mapConcurrent } from '../http';
import { nameSetOf, UnifiIntegrationApi, INTEGRATION_DEFAULT_PAGE_SIZE } from './integrationApi';
import type { IntegrationClient, IntegrationDevice, IntegrationDeviceStatistics, IntegrationNetwork, IntegrationSite, UnifiHost, UnifiLocalClient, UnifiSite } from './schemas';
import type { UnifiNetworkClient } from './networkClient';
import type { ConnectorPathStyle, UnifiSiteManagerClient } from './siteManagerClient';

/**
 * Cloud-wide reads of every customer console with one Site Manager key, through the Site Manager connector
 * (docs/unifi-connector.md). Consoles come from Site Manager `/v1/sites` (hosts running the Network application)
 * and `/v1/hosts` (state and firmware); each console is read on its own, several at a time, and a console that is
 * skipped or fails becomes a `unifi.console` record with the reason: it never fails the others.
 *
 * Every record carries the Site Manager `hostId` and `siteId` of its console site. The console's own sites
 * (Integration API ids) are joined to Site Manager sites of the same host, in this order, one-to-one:
 * gateway MAC (Site Manager `meta.gatewayMac` = the MAC of the console device with the `gateway` feature, when
 * devices are read), then `internalReference` = Site Manager `meta.name`, then "the only site on both sides".
 * Nothing is matched by display name; what stays unmatched keeps `siteId: null`.
 */

export type ConsolePathStyle = ConnectorPathStyle | 'auto';
export type ConsoleResource = 'client' | 'device' | 'network';
export type StatisticsFor = 'accessPoints' | 'all' | 'none';

export type ConsoleScope = { kind: 'all' } | { kind: 'host'; hostId: string } | { kind: 'site'; siteId: string };

export interface ConsoleReadSettings {
	/** `proxy` (default): `/consoles/{id}/proxy/network/...`; `noProxy`: `/consoles/{id}/network/...`; `auto`: probe. */
	pathStyle: ConsolePathStyle;
	/** Consoles read at the same time (their requests still share the key's rate budget). */
	concurrency: number;
	pageSize: number;
	/** Skip consoles whose Site Manager state is not `connected`. */
	skipOffline: boolean;
	/** Skip consoles whose reported firmware is below this version ('' = do not check). */
	minFirmware: string;
}

export const CONSOLE_READ_DEFAULTS: Readonly<ConsoleReadSettings> = Object.freeze({
	pathStyle: 'proxy',
	concurrency: 8,
	pageSize: INTEGRATION_DEFAULT_PAGE_SIZE,
	skipOffline: true,
	minFirmware: '5.0.3',
});

export interface ConsoleReadRequest {
	resource: ConsoleResource;
	scope: ConsoleScope;
	settings?: Partial<ConsoleReadSettings>;
	/** client: only these Integration client types (`WIRELESS`, `WIRED`, ...); all when empty. */
	clientTypes?: string[];
	/** client: also read legacy `stat/sta` for WiFi signal, and report (never fail) when the console refuses it. */
	legacyWifi?: boolean;
	/** device: which devices get `statistics/latest` (one call per device). */
	statisticsFor?: StatisticsFor;
	/** device: only devices with the `accessPoint` feature. */
	accessPointsOnly?: boolean;
	itemIndex?: number;
}

export type ConsoleRecord = UnifiConsoleClientRecord | UnifiConsoleDeviceRecord | UnifiConsoleNetworkRecord;

export interface ConsoleEntry {
	record: ConsoleRecord;
	/** The Integration API object as received, with the console references added (for Simplify off). */
	raw: Record<string, unknown>;
}

export interface ConsoleReadResult {
	entries: ConsoleEntry[];
	/** Consoles skipped, unreachable or only partly read, in console order. */
	consoles: UnifiConsoleStatusRecord[];
	/** Consoles asked for, and how many of them were read. */
	consolesAsked: number;
	consolesRead: number;
}

/** -1, 0 or 1 for dotted numeric versions ("5.0.16" > "5.0.3"); undefined when either is not such a version. */
export function compareVersions(a: string, b: string): number | undefined {
	const parse = (v: string) => (/^\d+(\.\d+)*/.exec(v.trim())?.[0] ?? '').split('.').filter(Boolean).map(Number);
	const x = parse(a);
	const y = parse(b);
	if (!x.length || !y.length) return undefined;
	for (let i = 0; i < Math.max(x.length, y.length); i++) {
		const d = (x[i] ?? 0) - (y[i] ?? 0);
		if (d !== 0) return d < 0 ? -1 : 1;
	}
	return 0;
}

const normMac = (mac: string | null | undefined) => (mac ?? '').toLowerCase().replace(/[^0-9a-f]/g, '');
const num = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function readConsoles(siteManager: UnifiSiteManagerClient, request: ConsoleReadRequest): Promise<ConsoleReadResult> {
	const settings: ConsoleReadSettings = { ...CONSOLE_READ_DEFAULTS, ...stripUndefined(request.settings ?? {}) };
	const itemIndex = request.itemIndex;
	const [sites, hosts] = await Promise.all([siteManager.listSites({ itemIndex }), siteManager.listHosts({ itemIndex })]);
	const hostById = new Map(hosts.map((h) => [h.id, h]));
	const sitesByHost = new Map<string, UnifiSite[]>();
	for (const site of sites) {
		const list = sitesByHost.get(site.hostId);
		if (list) list.push(site);
		else sitesByHost.set(site.hostId, [site]);
	}

	let targets: string[];
	let onlySiteId: string | undefined;
	switch (request.scope.kind) {
		case 'all':
			targets = [...sitesByHost.keys()];
			break;
		case 'host':
			targets = [request.scope.hostId.trim()];
			break;
		case 'site': {
			const wanted = request.scope.siteId.trim();
			const site = sites.find((s) => s.siteId === wanted);
			if (!site) throw new NotFoundError(`UniFi site "${wanted}" was not found for this API key`, { service: 'unifi', operation: 'readConsole', itemIndex, httpStatus: 404 });
			targets = [site.hostId];
			onlySiteId = site.siteId;
			break;
		}
	}

	const outcomes = await mapConcurrent(targets, settings.concurrency, (hostId) =>
		readOneConsole(siteManager, request, settings, hostId, hostById.get(hostId), sitesByHost.get(hostId) ?? [], onlySiteId),
	);
	const result: ConsoleReadResult = { entries: [], consoles: [], consolesAsked: targets.length, consolesRead: 0 };
	for (const outcome of outcomes) {
		result.entries.push(...outcome.entries);
		if (outcome.status) result.consoles.push(outcome.status);
		if (outcome.read) result.consolesRead += 1;
	}
	return result;
}

interface ConsoleOutcome {
	entries: ConsoleEntry[];
	status?: UnifiConsoleStatusRecord;
	read: boolean;
}

function consoleName(host: UnifiHost | undefined): string | null {
	return host?.reportedState?.name ?? host?.reportedState?.hostname ?? null;
}

async function readOneConsole(
	siteManager: UnifiSiteManagerClient,
	request: ConsoleReadRequest,
	settings: ConsoleReadSettings,
	hostId: string,
	host: UnifiHost | undefined,
	smSites: UnifiSite[],
	onlySiteId: string | undefined,
): Promise<ConsoleOutcome> {
	const name = consoleName(host);
	const firmware = host?.reportedState?.version ?? null;
	const status = (kind: UnifiConsoleStatusRecord['status'], reason: string, error?: MspOpsError): UnifiConsoleStatusRecord => ({
		kind: 'unifi.console',
		hostId,
		name,
		siteIds: smSites.map((s) => s.siteId),
		status: kind,
		reason,
		httpStatus: error?.httpStatus ?? null,
		code: error?.code ?? null,
		requestId: error?.requestId ?? null,
		firmwareVersion: firmware,
	});

	const state = host?.reportedState?.state;
	if (settings.skipOffline && state && state !== 'connected') {
		return { entries: [], read: false, status: status('skipped', `offline (Site Manager state "${state}")`) };
	}
	if (settings.minFirmware && firmware && (compareVersions(firmware, settings.minFirmware) ?? 0) < 0) {
		return {
			entries: [],
			read: false,
			status: status('skipped', `console firmware ${firmware} is below ${settings.minFirmware}, the connector's minimum: update the console, or lower Minimum Console Firmware if it works`),
		};
	}

	const label = `console ${name ? `"${name}" ` : ''}(host ${hostId})`;
	const api = (style: ConnectorPathStyle) =>
		new UnifiIntegrationApi(siteManager.connectorHttp, { networkPath: siteManager.connectorNetworkPath(hostId, style), label, pageSize: settings.pageSize, itemIndex: request.itemIndex });
	const notes: string[] = [];
	try {
		let network: UnifiIntegrationApi;
		if (settings.pathStyle === 'auto') {
			network = api('proxy');
			try {
				await network.info();
			} catch (error) {
				if (!(error instanceof MspOpsError) || error.httpStatus !== 404) throw error;
				network = api('noProxy');
				await network.info();
			}
		} else network = api(settings.pathStyle);

		const consoleSites = await network.listSites();
		const devicesBySite = new Map<string, IntegrationDevice[]>();
		if (request.resource === 'device') {
			for (const cs of consoleSites) devicesBySite.set(cs.id, await network.listDevices(cs.id));
		}
		const joined = joinConsoleSites(consoleSites, smSites, devicesBySite);
		const selected = onlySiteId ? consoleSites.filter((cs) => joined.get(cs.id) === onlySiteId) : consoleSites;
		if (onlySiteId && selected.length === 0) {
			return { entries: [], read: false, status: status('unreachable', `none of the console's ${consoleSites.length} sites matched Site Manager site ${onlySiteId} (by gateway MAC, internal name or as the only site)`) };
		}

		const entries: ConsoleEntry[] = [];
		for (const cs of selected) {
			const ref: UnifiConsoleRef = { hostId, siteId: joined.get(cs.id) ?? null, consoleSiteId: cs.id, consoleSite: cs.internalReference ?? null };
			if (request.resource === 'device') {
				entries.push(...(await deviceEntries(network, request, ref, devicesBySite.get(cs.id) ?? [], notes)));
			} else if (request.resource === 'client') {
				const filter = clientTypeFilter(request.clientTypes);
				const clients = await network.listClients(cs.id, { filter });
				let legacy: Map<string, UnifiLocalClient> | undefined;
				if (request.legacyWifi) legacy = await legacyClients(network, cs, notes);
				for (const c of clients) entries.push({ record: clientRecord(c, ref, legacy), raw: { ...c, ...ref } });
			} else {
				for (const n of await network.listNetworks(cs.id)) entries.push({ record: networkRecord(n, ref), raw: { ...n, ...ref } });
			}
		}
		const unmatched = selected.filter((cs) => !joined.has(cs.id));
		if (unmatched.length) {
			notes.push(`${unmatched.length} console site(s) (${unmatched.map((cs) => cs.internalReference ?? cs.name).join(', ')}) matched no Site Manager site of this host: their records have siteId null`);
		}
		return { entries, read: true, status: notes.length ? status('partial', notes.join('; ')) : undefined };
	} catch (error) {
		if (!(error instanceof MspOpsError)) throw error;
		return { entries: [], read: false, status: status('unreachable', unreachableReason(error, siteManager.connectorHttp), error) };
	}
}

/** The one-line reason for a console that could not be read: what the status usually means, then the service's words. */
export function unreachableReason(error: MspOpsError, http: { redact(text: string): string }): string {
	const code = error.code ? ` ${error.code}` : '';
	const s = error.httpStatus;
	const says = http.redact(error.message.split(': ').slice(1).join(': ') || error.message);
	if (s === 502 || s === 503 || s === 504) return `offline or not answering through the connector (HTTP ${s}${code}): ${says}`;
	if (s === 408) return `did not answer in time through the connector (HTTP 408${code}): ${says}`;
	if (s === 401 || s === 403) return `not accessible with this Site Manager key, or its firmware has no connector (HTTP ${s}${code}): ${says}`;
	if (s === 404) return `no Network Integration API behind the connector (HTTP 404${code}): a Protect-only or NVR console, no Network application, or firmware too old: ${says}`;
	if (s === 429) return `rate limited (HTTP 429) after retries: ${says}`;
	if (s !== undefined) return `HTTP ${s}${code}: ${says}`;
	if (error.kind === 'network') return `no answer through the connector: ${says}`;
	return `answered in a shape this node does not know: ${says}`;
}

function joinConsoleSites(consoleSites: IntegrationSite[], smSites: UnifiSite[], devicesBySite: Map<string, IntegrationDevice[]>): Map<string, string> {
	const joined = new Map<string, string>();
	const claimed = new Set<string>();
	const claim = (cs: IntegrationSite, sm: UnifiSite | undefined) => {
		if (!sm || joined.has(cs.id) || claimed.has(sm.siteId)) return;
		joined.set(cs.id, sm.siteId);
		claimed.add(sm.siteId);
	};
	for (const cs of consoleSites) {
		const gateway = (devicesBySite.get(cs.id) ?? []).find((d) => nameSetOf(d.features).has('gateway'));
		if (!gateway) continue;
		const hits = smSites.filter((s) => normMac(s.meta.gatewayMac) && normMac(s.meta.gatewayMac) === normMac(gateway.macAddress));
		if (hits.length === 1) claim(cs, hits[0]);
	}
	for (const cs of consoleSites) {
		if (joined.has(cs.id) || !cs.internalReference) continue;
		const hits = smSites.filter((s) => !claimed.has(s.siteId) && s.meta.name === cs.internalReference);
		if (hits.length === 1) claim(cs, hits[0]);
	}
	if (consoleSites.length === 1 && smSites.length === 1) claim(consoleSites[0], smSites[0]);
	return joined;
}

function clientTypeFilter(types: string[] | undefined): string | undefined {
	const list = (types ?? []).map((t) => t.trim().toUpperCase()).filter((t) => /^[A-Z_]+$/.test(t));
	if (!list.length) return undefined;
	const parts = list.map((t) => `type.eq('${t}')`);
	return parts.length === 1 ? parts[0] : `or(${parts.join(', ')})`;
}

async function legacyClients(api: UnifiIntegrationApi, cs: IntegrationSite, notes: string[]): Promise<Map<string, UnifiLocalClient> | undefined> {
	try {
		const clients = await api.legacyClients(cs.internalReference || 'default');
		return new Map(clients.map((c) => [normMac(c.mac), c]));
	} catch (error) {
		if (!(error instanceof MspOpsError)) throw error;
		const why = error.httpStatus !== undefined ? `HTTP ${error.httpStatus}${error.code ? ` ${error.code}` : ''}` : error.kind;
		notes.push(`legacy WiFi signal not available through the connector (${why}): clients have no signal`);
		return undefined;
	}
}

async function deviceEntries(api: UnifiIntegrationApi, request: Pick<ConsoleReadRequest, 'accessPointsOnly' | 'statisticsFor'>, ref: UnifiConsoleRef, devices: IntegrationDevice[], notes: string[]): Promise<ConsoleEntry[]> {
	const wanted = request.accessPointsOnly ? devices.filter((d) => nameSetOf(d.features).has('accessPoint')) : devices;
	const statsFor = request.statisticsFor ?? 'accessPoints';
	const failures: string[] = [];
	const stats = await mapConcurrent(wanted, 4, async (d) => {
		const online = d.state.toUpperCase() === 'ONLINE';
		const asked = statsFor === 'all' || (statsFor === 'accessPoints' && nameSetOf(d.features).has('accessPoint'));
		if (!online || !asked) return undefined;
		try {
			return await api.deviceStatistics(ref.consoleSiteId, d.id);
		} catch (error) {
			if (!(error instanceof MspOpsError) || error.kind === 'rate_limit') throw error;
			failures.push(`${d.name || d.macAddress} (${error.httpStatus ?? error.kind})`);
			return undefined;
		}
	});
	if (failures.length) notes.push(`statistics of ${failures.length} device(s) could not be read: ${failures.slice(0, 5).join(', ')}${failures.length > 5 ? ', ...' : ''}`);
	return wanted.map((d, i) => ({ record: deviceRecord(d, ref, stats[i]), raw: { ...d, ...ref, statistics: stats[i] ?? null } }));
}

function radiosOf(stats: IntegrationDeviceStatistics): UnifiRadioStatistics[] {
	const radios = stats.interfaces?.radios ?? stats.radios ?? [];
	return radios.map((r) => ({
		frequencyGHz: r.frequencyGHz === null || r.frequencyGHz === undefined ? null : String(r.frequencyGHz),
		txRetriesPct: num(r.txRetriesPct),
	}));
}

export function deviceRecord(d: IntegrationDevice, ref: UnifiConsoleRef, stats: IntegrationDeviceStatistics | undefined): UnifiConsoleDeviceRecord {
	const features = nameSetOf(d.features);
	return {
		kind: 'unifi.consoleDevice',
		...ref,
		deviceId: d.id,
		mac: d.macAddress,
		name: d.name || d.macAddress,
		model: d.model ?? null,
		state: d.state,
		isOnline: d.state.toUpperCase() === 'ONLINE',
		firmwareVersion: d.firmwareVersion ?? null,
		firmwareUpdatable: d.firmwareUpdatable ?? null,
		ip: d.ipAddress ?? null,
		isAccessPoint: features.has('accessPoint'),
		isGateway: features.has('gateway'),
		isSwitch: features.has('switching'),
		statistics: stats
			? { uptimeSec: num(stats.uptimeSec), cpuUtilizationPct: num(stats.cpuUtilizationPct), memoryUtilizationPct: num(stats.memoryUtilizationPct), radios: radiosOf(stats) }
			: null,
	};
}

export function clientRecord(c: IntegrationClient, ref: UnifiConsoleRef, legacy?: Map<string, UnifiLocalClient>): UnifiConsoleClientRecord {
	const old = legacy?.get(normMac(c.macAddress));
	return {
		kind: 'unifi.consoleClient',
		...ref,
		clientId: c.id,
		type: c.type,
		name: c.name ?? null,
		mac: c.macAddress ?? null,
		ip: c.ipAddress ?? null,
		connectedAt: c.connectedAt ?? null,
		uplinkDeviceId: c.uplinkDeviceId ?? null,
		isGuest: (c.access?.type ?? '').toUpperCase() === 'GUEST',
		signalDbm: typeof old?.signal === 'number' && old.is_wired !== true ? old.signal : null,
		essid: old?.essid ?? null,
	};
}

export function networkRecord(n: IntegrationNetwork, ref: UnifiConsoleRef): UnifiConsoleNetworkRecord {
	return {
		kind: 'unifi.consoleNetwork',
		...ref,
		networkId: n.id,
		name: n.name,
		enabled: n.enabled !== false,
		vlan: typeof n.vlanId === 'number' ? n.vlanId : null,
		management: n.management ?? null,
	};
}

export interface LocalConsoleReadRequest {
	resource: ConsoleResource;
	/** Console sites to read, by `internalReference` (short name), name or id; all when empty. */
	sites?: string[];
	clientTypes?: string[];
	statisticsFor?: StatisticsFor;
	accessPointsOnly?: boolean;
	pageSize?: number;
	itemIndex?: number;
}

/**
 * The same reads on one console reached directly (its URL and local key, official Integration API): for self-hosted
 * setups that n8n can reach. Records carry the console URL as `hostId` and `siteId: null` (a console does not know
 * its Site Manager site id); Health Score lists them as unmatched unless they are read through the connector.
 * Errors fail the item, as with any single-service read.
 */
export async function readLocalConsole(network: UnifiNetworkClient, request: LocalConsoleReadRequest): Promise<ConsoleEntry[]> {
	const api = new UnifiIntegrationApi(network.http, { networkPath: network.prefix, label: `console ${network.http.baseUrl}`, pageSize: request.pageSize, itemIndex: request.itemIndex });
	const wanted = (request.sites ?? []).map((s) => s.trim()).filter(Boolean);
	const all = await api.listSites();
	const sites = wanted.length ? all.filter((cs) => wanted.some((w) => w === cs.id || w === cs.internalReference || w === cs.name)) : all;
	if (wanted.length && sites.length === 0) {
		throw new NotFoundError(`UniFi site "${wanted.join('", "')}" was not found on console ${network.http.baseUrl} (Integration API sites: ${all.map((cs) => cs.internalReference ?? cs.name).join(', ')})`, {
			service: 'unifi-network',
			operation: 'listConsoleSites',
			itemIndex: request.itemIndex,
			httpStatus: 404,
		});
	}
	const entries: ConsoleEntry[] = [];
	const notes: string[] = [];
	for (const cs of sites) {
		const ref: UnifiConsoleRef = { hostId: network.http.baseUrl, siteId: null, consoleSiteId: cs.id, consoleSite: cs.internalReference ?? null };
		if (request.resource === 'device') {
			entries.push(...(await deviceEntries(api, request, ref, await api.listDevices(cs.id), notes)));
		} else if (request.resource === 'client') {
			for (const c of await api.listClients(cs.id, { filter: clientTypeFilter(request.clientTypes) })) entries.push({ record: clientRecord(c, ref), raw: { ...c, ...ref } });
		} else {
			for (const n of await api.listNetworks(cs.id)) entries.push({ record: networkRecord(n, ref), raw: { ...n, ...ref } });
		}
	}
	return entries;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
