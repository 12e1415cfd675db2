import { z } from 'zod';
import { ValidationError } from '../errors';
import { parseWith } from '../validation';
import { joinSitesAndOrganizations, MATCH_METHODS, type MatchMethod, type SiteMappingEntry } from './join';
import { computeSiteHealth, type HealthStatus, type SiteHealth, type SiteObservations, type WifiSource } from './score';
import { DEFAULT_HEALTH_SETTINGS, type HealthSettings } from './settings';

/**
 * Scoring a whole estate from the merged record stream of the UniFi Sites and NinjaOne Devices nodes
 * (Simplify on, told apart by `kind`): validate each record, group by site and organization, join, score.
 */

// Only the fields the model reads are validated; everything else on a record is ignored.
const count = z.number().int().min(0);
const percentOrNull = z.number().min(0).max(100).nullable().optional();
const msOrNull = z.number().min(0).nullable().optional();

const siteSchema = z.object({
	kind: z.literal('unifi.site'),
	siteId: z.string().min(1),
	/** Site Manager host (console) id; optional so inputs from before it was read still validate. */
	hostId: z.string().min(1).nullable().optional(),
	name: z.string(),
	devices: z.object({ total: count, offline: count, offlineGateways: count, pendingUpdates: count }),
	criticalNotifications: count.nullable().optional(),
	wan: z
		.object({ uptimePercent: percentOrNull, txRetryPercent: percentOrNull, latencyAvgMs: msOrNull })
		.nullable()
		.optional(),
});
/**
 * A console client read through the connector: it carries a signal only when the legacy client list answered
 * (UniFi Sites, Try Legacy WiFi Signal); then it counts exactly like a `unifi.client`.
 */
const consoleClientSchema = z.object({
	kind: z.literal('unifi.consoleClient'),
	hostId: z.string().min(1),
	siteId: z.string().nullable(),
	consoleSite: z.string().nullable(),
	type: z.string(),
	signalDbm: z.number().min(-130).max(0).nullable(),
});
const clientSchema = z.object({
	kind: z.literal('unifi.client'),
	siteId: z.string().nullable(),
	site: z.string(),
	signalDbm: z.number().min(-130).max(0),
});
/** A device of a console site read through the Site Manager connector (Integration API), with its latest statistics. */
const consoleDeviceSchema = z.object({
	kind: z.literal('unifi.consoleDevice'),
	hostId: z.string().min(1),
	siteId: z.string().min(1).nullable(),
	consoleSiteId: z.string().min(1),
	consoleSite: z.string().nullable().optional(),
	deviceId: z.string().min(1),
	isAccessPoint: z.boolean(),
	isOnline: z.boolean(),
	statistics: z
		.object({
			radios: z.array(z.object({ txRetriesPct: z.number().min(0).max(100).nullable().optional() })),
		})
		.nullable(),
});
/** A console that a cloud-wide read skipped or could not (fully) read: explains a WiFi component without data. */
const consoleStatusSchema = z.object({
	kind: z.literal('unifi.console'),
	hostId: z.string().min(1),
	name: z.string().nullable().optional(),
	siteIds: z.array(z.string()),
	status: z.enum(['skipped', 'unreachable', 'partial']),
	reason: z.string(),
});
const organizationSchema = z.object({
	kind: z.literal('ninjaone.organization'),
	organizationId: z.number().int(),
	name: z.string(),
	unifiSiteId: z.string().nullable().optional(),
});
const deviceHealthSchema = z.object({
	kind: z.literal('ninjaone.deviceHealth'),
	deviceId: z.number().int(),
	organizationId: z.number().int().nullable(),
	healthStatus: z.enum(['UNKNOWN', 'HEALTHY', 'NEEDS_ATTENTION', 'UNHEALTHY']),
	offline: z.boolean(),
	alertCount: count,
	activeThreatsCount: count,
	failedOSPatchesCount: count,
	pendingOSPatchesCount: count,
	nodeClass: z.string().optional(),
});
const alertSchema = z.object({
	kind: z.literal('ninjaone.alert'),
	uid: z.string(),
	organizationId: z.number().int().nullable(),
});

const USED_KINDS = [
	'unifi.site',
	'unifi.client',
	'unifi.consoleDevice',
	'unifi.console',
	'unifi.consoleClient',
	'ninjaone.organization',
	'ninjaone.deviceHealth',
	'ninjaone.alert',
] as const;
/** Records of the package's other kinds are accepted and ignored (a Merge may carry them along). */
const IGNORED_KINDS = [
	'unifi.host',
	'unifi.device',
	'unifi.ispMetrics',
	'unifi.network',
	'unifi.consoleNetwork',
	'ninjaone.device',
];
const SCHEMAS = {
	'unifi.site': siteSchema,
	'unifi.client': clientSchema,
	'unifi.consoleDevice': consoleDeviceSchema,
	'unifi.console': consoleStatusSchema,
	'unifi.consoleClient': consoleClientSchema,
	'ninjaone.organization': organizationSchema,
	'ninjaone.deviceHealth': deviceHealthSchema,
	'ninjaone.alert': alertSchema,
} as const;

type SiteRecord = z.infer<typeof siteSchema>;
type ConsoleDeviceRecord = z.infer<typeof consoleDeviceSchema>;
type ConsoleStatusRecord = z.infer<typeof consoleStatusSchema>;
type OrganizationRecord = Omit<z.infer<typeof organizationSchema>, 'unifiSiteId'> & { unifiSiteId: string | null };
type DeviceHealthRecord = z.infer<typeof deviceHealthSchema>;
type AlertRecord = z.infer<typeof alertSchema>;

export interface EstateOptions {
	settings?: HealthSettings;
	matchBy?: readonly MatchMethod[];
	mapping?: readonly SiteMappingEntry[];
}

export interface SiteScore {
	kind: 'healthScore.site';
	siteId: string;
	site: string;
	organizationId: number | null;
	organization: string | null;
	matchedBy: MatchMethod | null;
	score: number | null;
	status: HealthStatus;
	confidence: number;
	summary: string;
	devicesTotal: number;
	devicesOffline: number;
	/** The measure behind the WiFi component: client signal, access point TX retries, or null (WiFi unknown). */
	wifiSource: WifiSource | null;
	/** WiFi clients and those below the minimum signal; null unless WiFi was scored from client signal. */
	wifiClients: number | null;
	weakWifiClients: number | null;
	/** Access points scored on TX retries; null unless WiFi was scored from them. */
	accessPoints: number | null;
	endpoints: number | null;
	/** Average WAN latency of the site's gateway, null when UniFi reported none. */
	wanLatencyMs: number | null;
	/** Failed and pending OS patches, active threats and open alerts of the organization; null without NinjaOne data. */
	failedPatches: number | null;
	pendingPatches: number | null;
	activeThreats: number | null;
	openAlerts: number | null;
	components: SiteHealth['components'];
	unknown: SiteHealth['unknown'];
}

export interface UnmatchedRecord {
	kind: 'healthScore.unmatched';
	source: 'unifi' | 'ninjaone';
	/**
	 * UniFi site id, NinjaOne organization id, the client records' site id, or for console devices their Site Manager
	 * site id (the console site id when they have none).
	 */
	id: string;
	name: string;
	reason: string;
	/** The console of unmatched console devices. */
	hostId?: string;
	/** NinjaOne devices whose health records reach no site (none of their rows is scored), so none goes unseen. */
	deviceIds?: number[];
}

export interface EstateResult {
	/** One per UniFi site, in input order, with the input item indexes it came from (site, organization). */
	scores: Array<{ json: SiteScore; items: number[] }>;
	unmatched: Array<{ json: UnmatchedRecord; items: number[] }>;
	/** Items that failed validation; they are left out of the scoring. */
	errors: Array<{ itemIndex: number; error: ValidationError }>;
	/** How many records of each kind were read (ignored kinds included). */
	counts: Record<string, number>;
}

const kindSchema = z.object({ kind: z.enum([...USED_KINDS, ...(IGNORED_KINDS as [string, ...string[]])]) });

const IGNORED = new Set(IGNORED_KINDS);

const sumOf = <T>(rows: readonly T[], count: (row: T) => number) => rows.reduce((sum, row) => sum + count(row), 0);

const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const HEALTH_STATUSES = new Set(['UNKNOWN', 'HEALTHY', 'NEEDS_ATTENTION', 'UNHEALTHY']);

/**
 * Fast acceptance checks for the two record kinds that come by the hundred thousand (WiFi clients, device
 * health rows). Each accepts only records its zod schema also accepts (a unit test checks this); anything
 * else goes through zod, which also writes the error message.
 */
export const FAST_CHECKS: Partial<Record<keyof typeof SCHEMAS, (r: Record<string, unknown>) => boolean>> = {
	'unifi.client': (r) =>
		(r.siteId === null || typeof r.siteId === 'string') &&
		typeof r.site === 'string' &&
		typeof r.signalDbm === 'number' &&
		r.signalDbm >= -130 &&
		r.signalDbm <= 0,
	'ninjaone.deviceHealth': (r) =>
		Number.isInteger(r.deviceId) &&
		(r.organizationId === null || Number.isInteger(r.organizationId)) &&
		HEALTH_STATUSES.has(r.healthStatus as string) &&
		typeof r.offline === 'boolean' &&
		isCount(r.alertCount) &&
		isCount(r.activeThreatsCount) &&
		isCount(r.failedOSPatchesCount) &&
		isCount(r.pendingOSPatchesCount) &&
		(r.nodeClass === undefined || typeof r.nodeClass === 'string'),
};

function validateRecord(json: unknown, itemIndex: number): { kind: string; record: unknown } {
	// Fast path on `kind` (hundreds of thousands of records at scale); the slow path builds the error message.
	const kind = json !== null && typeof json === 'object' ? (json as { kind?: unknown }).kind : undefined;
	if (typeof kind === 'string') {
		if (IGNORED.has(kind)) return { kind, record: null };
		if (FAST_CHECKS[kind as keyof typeof SCHEMAS]?.(json as Record<string, unknown>)) return { kind, record: json };
		const schema = SCHEMAS[kind as keyof typeof SCHEMAS] as z.ZodType<unknown> | undefined;
		if (schema) return { kind, record: parseWith(schema, json, { what: `${kind} record`, itemIndex }) };
	}
	parseWith(kindSchema, json, {
		what: 'record: the Health Score node reads Simplify-on output of UniFi Sites and NinjaOne Devices',
		itemIndex,
	});
	throw new Error('unreachable: kind validated');
}

/** Score every UniFi site in `items` (the JSON of the input items). Pure apart from the clock-free work it does. */
export function scoreEstate(items: readonly unknown[], options: EstateOptions = {}): EstateResult {
	const settings = options.settings ?? DEFAULT_HEALTH_SETTINGS;
	const counts: Record<string, number> = {};
	const errors: EstateResult['errors'] = [];

	const sites: Array<SiteRecord & { index: number }> = [];
	const siteIndexById = new Map<string, number>();
	const orgs: Array<OrganizationRecord & { index: number }> = [];
	const orgIndexById = new Map<number, number>();
	const signalsBySite = new Map<string, number[]>();
	const clientSiteNames = new Map<string, { name: string; firstItem: number }>();
	const consoleDevices: Array<ConsoleDeviceRecord & { index: number }> = [];
	const consoleDeviceIndex = new Map<string, number>();
	const consoleStatuses: ConsoleStatusRecord[] = [];
	const healthByOrg = new Map<number | null, OrgRows<DeviceHealthRecord>>();
	const alertsByOrg = new Map<number | null, OrgRows<AlertRecord>>();
	let alertRecordsSeen = false;
	let signalsSeen = 0;
	const addSignal = (key: string, name: string, dbm: number, item: number) => {
		let list = signalsBySite.get(key);
		if (!list) {
			list = [];
			signalsBySite.set(key, list);
			clientSiteNames.set(key, { name, firstItem: item });
		}
		list.push(dbm);
		signalsSeen += 1;
	};

	for (let i = 0; i < items.length; i++) {
		let parsed: ReturnType<typeof validateRecord>;
		try {
			parsed = validateRecord(items[i], i);
		} catch (error) {
			if (error instanceof ValidationError) {
				errors.push({ itemIndex: i, error });
				continue;
			}
			throw error;
		}
		counts[parsed.kind] = (counts[parsed.kind] ?? 0) + 1;
		const record = parsed.record;
		if (!record) continue;
		switch (parsed.kind) {
			case 'unifi.site': {
				const site = record as SiteRecord;
				const first = siteIndexById.get(site.siteId);
				if (first !== undefined) {
					errors.push({ itemIndex: i, error: duplicate('unifi.site', 'siteId', site.siteId, first, i) });
					break;
				}
				siteIndexById.set(site.siteId, i);
				sites.push({ ...site, index: i });
				break;
			}
			case 'unifi.client': {
				const client = record as z.infer<typeof clientSchema>;
				addSignal(client.siteId ?? `site:${client.site}`, client.site, client.signalDbm, i);
				break;
			}
			case 'unifi.consoleClient': {
				const client = record as z.infer<typeof consoleClientSchema>;
				if (client.type !== 'WIRELESS' || client.signalDbm === null) break;
				const name = client.consoleSite ?? 'default';
				addSignal(client.siteId ?? `console:${client.hostId}:${name}`, `console site "${name}" on console ${client.hostId}`, client.signalDbm, i);
				break;
			}
			case 'unifi.consoleDevice': {
				const device = record as ConsoleDeviceRecord;
				// Device ids are unique per console; the same device from two reads would count its AP twice.
				const key = `${device.hostId}\u0000${device.deviceId}`;
				const first = consoleDeviceIndex.get(key);
				if (first !== undefined) {
					errors.push({
						itemIndex: i,
						error: duplicate('unifi.consoleDevice', 'deviceId', device.deviceId, first, i, ` on console ${JSON.stringify(device.hostId)}`),
					});
					break;
				}
				consoleDeviceIndex.set(key, i);
				consoleDevices.push({ ...device, index: i });
				break;
			}
			case 'unifi.console':
				// Status of a console a cloud-wide read skipped or could not fully read: never an error, only a reason.
				consoleStatuses.push(record as ConsoleStatusRecord);
				break;
			case 'ninjaone.organization': {
				const org = record as z.infer<typeof organizationSchema>;
				const first = orgIndexById.get(org.organizationId);
				if (first !== undefined) {
					errors.push({ itemIndex: i, error: duplicate('ninjaone.organization', 'organizationId', org.organizationId, first, i) });
					break;
				}
				orgIndexById.set(org.organizationId, i);
				orgs.push({ ...org, unifiSiteId: org.unifiSiteId ?? null, index: i });
				break;
			}
			case 'ninjaone.deviceHealth': {
				const row = record as DeviceHealthRecord;
				// Rows without an organization cannot reach a site; they are kept to be reported as unmatched.
				addRow(healthByOrg, row.organizationId, row, i);
				break;
			}
			case 'ninjaone.alert': {
				alertRecordsSeen = true;
				const alert = record as AlertRecord;
				addRow(alertsByOrg, alert.organizationId, alert, i);
				break;
			}
		}
	}

	// Client signals were fetched when a local console's clients, or connector clients with a signal, are in the input.
	const clientsFetched = (counts['unifi.client'] ?? 0) > 0 || signalsSeen > 0;
	const healthFetched = (counts['ninjaone.deviceHealth'] ?? 0) > 0;
	const consoleDevicesFetched = (counts['unifi.consoleDevice'] ?? 0) > 0;

	// Access point TX retries per input site (worst radio of each online AP with statistics); console devices of
	// sites that are not in the input are kept, per console site, to be reported as unmatched.
	const apRetriesBySite = new Map<string, number[]>();
	const apStatisticsMissingBySite = new Map<string, number>();
	const strayDevices = new Map<string, Array<ConsoleDeviceRecord & { index: number }>>();
	for (const device of consoleDevices) {
		if (device.siteId === null || !siteIndexById.has(device.siteId)) {
			pushTo(strayDevices, [device.hostId, device.consoleSiteId, device.siteId ?? ''].join('\u0000'), device);
			continue;
		}
		const worst = worstRadioTxRetries(device);
		if (worst !== null) pushTo(apRetriesBySite, device.siteId, worst);
		// An online access point without statistics: its console answered for the device but not for its statistics.
		else if (device.isAccessPoint && device.isOnline && !device.statistics) apStatisticsMissingBySite.set(device.siteId, (apStatisticsMissingBySite.get(device.siteId) ?? 0) + 1);
	}
	const statusesByHost = new Map<string, ConsoleStatusRecord[]>();
	const statusesBySite = new Map<string, ConsoleStatusRecord[]>();
	for (const status of consoleStatuses) {
		pushTo(statusesByHost, status.hostId, status);
		for (const siteId of new Set(status.siteIds)) pushTo(statusesBySite, siteId, status);
	}
	const joined = joinSitesAndOrganizations(sites, orgs, {
		methods: options.matchBy ?? MATCH_METHODS,
		mapping: options.mapping ?? [],
	});

	const result: EstateResult = { scores: [], unmatched: [], errors, counts };
	const usedClientKeys = new Set<string>();
	for (const { site, organization, matchedBy } of joined.sites) {
		let signals: number[] | null = null;
		if (clientsFetched) {
			signals = signalsBySite.get(site.siteId) ?? [];
			usedClientKeys.add(site.siteId);
		}
		const apTxRetriesPct = consoleDevicesFetched ? (apRetriesBySite.get(site.siteId) ?? []) : null;
		const statuses = [...new Set([...(site.hostId ? (statusesByHost.get(site.hostId) ?? []) : []), ...(statusesBySite.get(site.siteId) ?? [])])];
		let ninja: SiteObservations['ninja'] = null;
		let endpoints: number | null = null;
		if (organization && healthFetched) {
			const rows = healthByOrg.get(organization.organizationId)?.rows ?? [];
			endpoints = rows.length;
			ninja = {
				devices: rows.map((r) => ({
					healthStatus: r.healthStatus,
					offline: r.offline,
					isServer: /SERVER/.test(r.nodeClass ?? ''),
					activeThreatsCount: r.activeThreatsCount,
					failedOSPatchesCount: r.failedOSPatchesCount,
					pendingOSPatchesCount: r.pendingOSPatchesCount,
				})),
				openAlerts: alertRecordsSeen
					? (alertsByOrg.get(organization.organizationId)?.rows.length ?? 0)
					: sumOf(rows, (r) => r.alertCount),
			};
		}
		const observations: SiteObservations = {
			unifi: {
				devicesTotal: site.devices.total,
				devicesOffline: site.devices.offline,
				gatewaysOffline: site.devices.offlineGateways,
				pendingUpdates: site.devices.pendingUpdates,
				criticalNotifications: site.criticalNotifications ?? null,
				wanUptimePercent: site.wan?.uptimePercent ?? null,
				wanLatencyAvgMs: site.wan?.latencyAvgMs ?? null,
				txRetryPercent: site.wan?.txRetryPercent ?? null,
			},
			wifiSignalsDbm: signals,
			apTxRetriesPct,
			apStatisticsMissing: consoleDevicesFetched ? (apStatisticsMissingBySite.get(site.siteId) ?? 0) : null,
			consoleStatus: statuses.length ? describeConsoleStatuses(statuses) : null,
			ninja,
		};
		const health = computeSiteHealth(observations, settings);
		let weak: number | null = null;
		if (signals && health.wifiSource === 'clientSignal') {
			weak = 0;
			for (const dbm of signals) if (dbm < settings.minWifiSignalDbm) weak++;
		}
		result.scores.push({
			json: {
				kind: 'healthScore.site',
				siteId: site.siteId,
				site: site.name,
				organizationId: organization?.organizationId ?? null,
				organization: organization?.name ?? null,
				matchedBy,
				score: health.score,
				status: health.status,
				confidence: health.confidence,
				summary: health.summary,
				devicesTotal: site.devices.total,
				devicesOffline: site.devices.offline,
				wifiSource: health.wifiSource,
				wifiClients: signals && health.wifiSource === 'clientSignal' ? signals.length : null,
				weakWifiClients: weak,
				accessPoints: apTxRetriesPct && health.wifiSource === 'apTxRetries' ? apTxRetriesPct.length : null,
				endpoints,
				wanLatencyMs: observations.unifi?.wanLatencyAvgMs ?? null,
				failedPatches: ninja ? sumOf(ninja.devices, (d) => d.failedOSPatchesCount) : null,
				pendingPatches: ninja ? sumOf(ninja.devices, (d) => d.pendingOSPatchesCount) : null,
				activeThreats: ninja ? sumOf(ninja.devices, (d) => d.activeThreatsCount) : null,
				openAlerts: ninja ? ninja.openAlerts : null,
				components: health.components,
				unknown: health.unknown,
			},
			items: organization ? [site.index, organization.index] : [site.index],
		});
	}
	for (const entry of joined.unmatched) {
		if (entry.site) {
			result.unmatched.push({
				json: { kind: 'healthScore.unmatched', source: 'unifi', id: entry.site.siteId, name: entry.site.name, reason: entry.reason },
				items: [entry.site.index],
			});
		} else if (entry.organization) {
			const id = entry.organization.organizationId;
			const health = healthByOrg.get(id);
			const alerts = alertsByOrg.get(id);
			const left = describeOrgRows(health, alerts);
			result.unmatched.push({
				json: {
					kind: 'healthScore.unmatched',
					source: 'ninjaone',
					id: String(id),
					name: entry.organization.name,
					reason: left ? `${entry.reason}; its ${left} are not scored` : entry.reason,
					...(health ? { deviceIds: health.rows.map((r) => r.deviceId) } : {}),
				},
				items: [entry.organization.index, ...(health?.items ?? []), ...(alerts?.items ?? [])].sort((a, b) => a - b),
			});
		}
	}
	// Device health rows and alerts of organizations that are not in the input (or have none): reported, not
	// dropped, so an unhealthy device with active threats is always seen somewhere.
	const strayOrgs = [...new Set([...healthByOrg.keys(), ...alertsByOrg.keys()])].filter((id) => id === null || !orgIndexById.has(id));
	for (const id of strayOrgs) {
		const health = healthByOrg.get(id);
		const alerts = alertsByOrg.get(id);
		result.unmatched.push({
			json: {
				kind: 'healthScore.unmatched',
				source: 'ninjaone',
				id: id === null ? '' : String(id),
				name: id === null ? 'No NinjaOne organization' : `NinjaOne organization ${id}`,
				reason:
					id === null
						? `${describeOrgRows(health, alerts)} without an organization (the device was not in the device list that gives rows their organization)`
						: `${describeOrgRows(health, alerts)} of an organization that is not among the input NinjaOne organizations`,
				...(health ? { deviceIds: health.rows.map((r) => r.deviceId) } : {}),
			},
			items: [...(health?.items ?? []), ...(alerts?.items ?? [])].sort((a, b) => a - b),
		});
	}
	// WiFi clients whose site is not among the input sites: reported, not silently dropped.
	for (const [key, signals] of signalsBySite) {
		if (usedClientKeys.has(key)) continue;
		result.unmatched.push({
			json: {
				kind: 'healthScore.unmatched',
				source: 'unifi',
				id: key,
				name: clientSiteNames.get(key)?.name ?? key,
				reason: `${signals.length} WiFi clients belong to a console site that is not among the input UniFi sites`,
			},
			items: [clientSiteNames.get(key)?.firstItem ?? 0],
		});
	}
	// Console devices whose console site joined no input site (or no Site Manager site at all): reported per console
	// site, so access points that never reach a score are seen.
	for (const devices of strayDevices.values()) {
		const { hostId, siteId, consoleSiteId, consoleSite } = devices[0];
		const aps = devices.filter((d) => d.isAccessPoint).length;
		const others = devices.length - aps;
		const what = aps ? (others ? `${plural(aps, 'access point')} and ${plural(others, 'other device')}` : plural(aps, 'access point')) : plural(others, 'device');
		const why = siteId === null ? 'its console site joined no Site Manager site' : `Site Manager site ${siteId} is not among the input sites`;
		result.unmatched.push({
			json: {
				kind: 'healthScore.unmatched',
				source: 'unifi',
				id: siteId ?? consoleSiteId,
				name: consoleSite ?? consoleSiteId,
				reason: `${what} of console site ${JSON.stringify(consoleSite ?? consoleSiteId)} on console ${hostId} matched no input UniFi site (${why})`,
				hostId,
			},
			items: devices.map((d) => d.index),
		});
	}
	return result;
}

/** TX retries (%) of the device's worst radio, when it is an online access point with radio statistics; else null. */
function worstRadioTxRetries(device: ConsoleDeviceRecord): number | null {
	if (!device.isAccessPoint || !device.isOnline || !device.statistics) return null;
	let worst: number | null = null;
	for (const radio of device.statistics.radios) {
		const pct = radio.txRetriesPct;
		if (typeof pct === 'number' && (worst === null || pct > worst)) worst = pct;
	}
	return worst;
}

/** "console Harbor Dental UDM Pro skipped: offline (...)"; several records of one console list each status once. */
function describeConsoleStatuses(statuses: readonly ConsoleStatusRecord[]): string {
	const byHost = new Map<string, ConsoleStatusRecord[]>();
	for (const status of statuses) pushTo(byHost, status.hostId, status);
	return [...byHost.values()]
		.map((records) => {
			const name = records.find((r) => r.name)?.name ?? records[0].hostId;
			const parts = [...new Set(records.map((r) => `${r.status}: ${r.reason}`))];
			return `console ${name} ${parts.join('; ')}`;
		})
		.join('; ');
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
	const list = map.get(key);
	if (list) list.push(value);
	else map.set(key, [value]);
}

/** Records of one organization (or of none: key null) with their input item indexes. */
interface OrgRows<T> {
	rows: T[];
	items: number[];
}

function addRow<T>(map: Map<number | null, OrgRows<T>>, organizationId: number | null, row: T, item: number): void {
	const entry = map.get(organizationId);
	if (entry) {
		entry.rows.push(row);
		entry.items.push(item);
	} else map.set(organizationId, { rows: [row], items: [item] });
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function listIds(ids: number[], max = 10): string {
	return ids.length > max ? `${ids.slice(0, max).join(', ')} and ${ids.length - max} more` : ids.join(', ');
}

/** "3 device health records (1 unhealthy, 2 active threats on device 20) and 1 open alert", or '' for nothing. */
function describeOrgRows(health: OrgRows<DeviceHealthRecord> | undefined, alerts: OrgRows<unknown> | undefined): string {
	const parts: string[] = [];
	if (health?.rows.length) {
		const rows = health.rows;
		const unhealthy = rows.filter((r) => r.healthStatus === 'UNHEALTHY').length;
		const attention = rows.filter((r) => r.healthStatus === 'NEEDS_ATTENTION').length;
		const threatened = rows.filter((r) => r.activeThreatsCount > 0);
		const threats = sumOf(threatened, (r) => r.activeThreatsCount);
		const details: string[] = [];
		if (unhealthy) details.push(`${unhealthy} unhealthy`);
		if (attention) details.push(`${attention} needing attention`);
		if (threats) {
			details.push(`${plural(threats, 'active threat')} on ${threatened.length === 1 ? 'device' : 'devices'} ${listIds(threatened.map((r) => r.deviceId))}`);
		}
		parts.push(`${plural(rows.length, 'device health record')}${details.length ? ` (${details.join(', ')})` : ''}`);
	}
	if (alerts?.rows.length) parts.push(plural(alerts.rows.length, 'open alert'));
	return parts.join(' and ');
}

function duplicate(kind: string, field: string, value: unknown, first: number, again: number, scope = ''): ValidationError {
	return new ValidationError(`Duplicate ${kind} record (item ${again}): ${field} ${JSON.stringify(value)}${scope} was already given by item ${first}`, {
		itemIndex: again,
		field,
		expected: `a ${field} that appears once`,
		received: JSON.stringify(value),
		retryable: false,
	});
}
