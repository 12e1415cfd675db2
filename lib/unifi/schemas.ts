import { z } from 'zod';

/**
 * zod schemas for every UniFi payload the package reads: the Site Manager API (cloud, api.ui.com) and the local
 * UniFi Network application (console). Objects are `passthrough` so fields UniFi adds later survive in raw
 * output; only the fields the nodes rely on are required. Numbers that UniFi may omit are optional.
 */

const nullableString = z.string().nullable().optional();
const optionalNumber = z.number().nullable().optional();

// ------------------------------------------------------------------------------------------- Site Manager

/** Success envelope `{data, httpStatusCode, traceId, nextToken?}`. */
export function siteManagerEnvelope<T extends z.ZodTypeAny>(data: T) {
	return z
		.object({
			data,
			httpStatusCode: z.number().optional(),
			traceId: z.string().optional(),
			nextToken: z.string().nullable().optional(),
		})
		.passthrough();
}

/** Error body `{code, httpStatusCode, message, traceId}`. */
export const siteManagerErrorSchema = z
	.object({
		code: z.string().optional(),
		httpStatusCode: z.number().optional(),
		message: z.string(),
		traceId: z.string().optional(),
	})
	.passthrough();

export const unifiHostSchema = z
	.object({
		id: z.string().min(1),
		hardwareId: nullableString,
		type: nullableString,
		ipAddress: nullableString,
		owner: z.boolean().optional(),
		isBlocked: z.boolean().optional(),
		registrationTime: nullableString,
		lastConnectionStateChange: nullableString,
		latestBackupTime: nullableString,
		userData: z.unknown().optional(),
		reportedState: z
			.object({
				name: nullableString,
				hostname: nullableString,
				state: nullableString,
				version: nullableString,
			})
			.passthrough()
			.nullable()
			.optional(),
	})
	.passthrough();
export type UnifiHost = z.infer<typeof unifiHostSchema>;

const siteCountsSchema = z
	.object({
		criticalNotification: z.number(),
		gatewayDevice: z.number(),
		guestClient: z.number(),
		offlineDevice: z.number(),
		offlineGatewayDevice: z.number(),
		offlineWifiDevice: z.number(),
		offlineWiredDevice: z.number(),
		pendingUpdateDevice: z.number(),
		totalDevice: z.number(),
		wifiClient: z.number(),
		wifiDevice: z.number(),
		wiredClient: z.number(),
		wiredDevice: z.number(),
		lanConfiguration: z.number(),
		wanConfiguration: z.number(),
		wifiConfiguration: z.number(),
	})
	.partial()
	.passthrough();

export const unifiSiteSchema = z
	.object({
		siteId: z.string().min(1),
		hostId: z.string().min(1),
		permission: nullableString,
		isOwner: z.boolean().optional(),
		meta: z
			.object({
				desc: z.string(),
				name: z.string(),
				timezone: nullableString,
				gatewayMac: nullableString,
			})
			.passthrough(),
		statistics: z
			.object({
				counts: siteCountsSchema.optional(),
				internetIssues: z
					.array(
						z
							.object({
								index: z.number().optional(),
								highLatency: z.boolean().optional(),
								latencyAvgMs: optionalNumber,
								latencyMaxMs: optionalNumber,
							})
							.passthrough(),
					)
					.optional(),
				ispInfo: z.object({ name: nullableString, organization: nullableString }).passthrough().nullable().optional(),
				percentages: z.object({ txRetry: optionalNumber, wanUptime: optionalNumber }).passthrough().nullable().optional(),
			})
			.passthrough()
			.optional(),
	})
	.passthrough();
export type UnifiSite = z.infer<typeof unifiSiteSchema>;

export const unifiDeviceSchema = z
	.object({
		id: z.string().min(1),
		mac: z.string(),
		name: z.string().nullable().optional(),
		model: nullableString,
		shortname: nullableString,
		ip: nullableString,
		productLine: nullableString,
		status: z.string(),
		version: nullableString,
		firmwareStatus: nullableString,
		updateAvailable: nullableString,
		isConsole: z.boolean().optional(),
		isManaged: z.boolean().optional(),
		startupTime: nullableString,
		adoptionTime: nullableString,
		note: nullableString,
	})
	.passthrough();
export type UnifiDevice = z.infer<typeof unifiDeviceSchema>;

export const unifiDeviceGroupSchema = z
	.object({
		hostId: z.string().min(1),
		hostName: nullableString,
		updatedAt: nullableString,
		devices: z.array(unifiDeviceSchema),
	})
	.passthrough();
export type UnifiDeviceGroup = z.infer<typeof unifiDeviceGroupSchema>;

export const ispMetricPeriodSchema = z
	.object({
		metricTime: z.string(),
		version: nullableString,
		data: z
			.object({
				wan: z
					.object({
						avgLatency: optionalNumber,
						maxLatency: optionalNumber,
						packetLoss: optionalNumber,
						uptime: optionalNumber,
						downtime: optionalNumber,
						download_kbps: optionalNumber,
						upload_kbps: optionalNumber,
						ispAsn: z.union([z.string(), z.number()]).nullable().optional(),
						ispName: nullableString,
					})
					.passthrough()
					.optional(),
			})
			.passthrough(),
	})
	.passthrough();

export const unifiIspMetricsSchema = z
	.object({
		metricType: z.string(),
		hostId: z.string().min(1),
		siteId: z.string().min(1),
		periods: z.array(ispMetricPeriodSchema),
	})
	.passthrough();
export type UnifiIspMetrics = z.infer<typeof unifiIspMetricsSchema>;

export const hostListResponseSchema = siteManagerEnvelope(z.array(unifiHostSchema));
export const hostResponseSchema = siteManagerEnvelope(unifiHostSchema);
export const siteListResponseSchema = siteManagerEnvelope(z.array(unifiSiteSchema));
export const deviceListResponseSchema = siteManagerEnvelope(z.array(unifiDeviceGroupSchema));
export const ispMetricsResponseSchema = siteManagerEnvelope(z.array(unifiIspMetricsSchema));

// ------------------------------------------------------------------------------------------- local Network application

/** Legacy controller envelope `{meta:{rc, msg?}, data:[]}`. */
export function networkEnvelope<T extends z.ZodTypeAny>(item: T) {
	return z
		.object({
			meta: z.object({ rc: z.string(), msg: z.string().optional() }).passthrough(),
			data: z.array(item),
		})
		.passthrough();
}

export const localSiteSchema = z
	.object({
		_id: z.string().min(1),
		name: z.string().min(1),
		desc: z.string(),
		role: nullableString,
	})
	.passthrough();
export type UnifiLocalSite = z.infer<typeof localSiteSchema>;

export const localClientSchema = z
	.object({
		mac: z.string(),
		site_id: nullableString,
		hostname: nullableString,
		name: nullableString,
		is_wired: z.boolean().optional(),
		is_guest: z.boolean().optional(),
		signal: z.number().optional(),
		rssi: z.number().optional(),
		noise: z.number().optional(),
		vlan: z.number().optional(),
		essid: nullableString,
		ap_mac: nullableString,
		satisfaction: optionalNumber,
	})
	.passthrough();
export type UnifiLocalClient = z.infer<typeof localClientSchema>;

export const localNetworkSchema = z
	.object({
		_id: z.string().min(1),
		name: z.string(),
		purpose: nullableString,
		vlan: z.number().optional(),
		vlan_enabled: z.boolean().optional(),
		ip_subnet: nullableString,
		site_id: nullableString,
	})
	.passthrough();
export type UnifiLocalNetwork = z.infer<typeof localNetworkSchema>;

export const localSitesResponseSchema = networkEnvelope(localSiteSchema);
export const localClientsResponseSchema = networkEnvelope(localClientSchema);
export const localNetworksResponseSchema = networkEnvelope(localNetworkSchema);

// ------------------------------------------------------------------------------------------- Integration API (v1)
// Network application's official API, on the console (`/proxy/network/integration/v1`) or through the Site Manager
// connector. Lenient where public references disagree (docs/unifi-connector.md): `frequencyGHz` is a string or a
// number, `features`/`interfaces` are a list of names (list endpoints) or an object (details), statistics may put
// `radios` at the top level.

/** Page `{offset, limit, count, totalCount, data}`. */
export function integrationPage<T extends z.ZodTypeAny>(item: T) {
	return z
		.object({
			offset: z.number().int().min(0),
			limit: z.number().int().min(0),
			count: z.number().int().min(0),
			totalCount: z.number().int().min(0),
			data: z.array(item),
		})
		.passthrough();
}

export const integrationInfoSchema = z.object({ applicationVersion: z.string() }).passthrough();

export const integrationSiteSchema = z.object({ id: z.string().min(1), internalReference: nullableString, name: z.string() }).passthrough();
export type IntegrationSite = z.infer<typeof integrationSiteSchema>;

export const integrationClientSchema = z
	.object({
		id: z.string().min(1),
		type: z.string().min(1),
		name: nullableString,
		connectedAt: nullableString,
		ipAddress: nullableString,
		macAddress: nullableString,
		uplinkDeviceId: nullableString,
		access: z.object({ type: nullableString }).passthrough().nullable().optional(),
	})
	.passthrough();
export type IntegrationClient = z.infer<typeof integrationClientSchema>;

/** A list of names (`["accessPoint"]`) or an object keyed by name (`{accessPoint: {...}}`). */
const nameSet = z.union([z.array(z.string()), z.record(z.unknown())]).nullable().optional();

export const integrationDeviceSchema = z
	.object({
		id: z.string().min(1),
		macAddress: z.string().min(1),
		ipAddress: nullableString,
		name: nullableString,
		model: nullableString,
		state: z.string().min(1),
		supported: z.boolean().optional(),
		firmwareVersion: nullableString,
		firmwareUpdatable: z.boolean().nullable().optional(),
		features: nameSet,
		interfaces: nameSet,
	})
	.passthrough();
export type IntegrationDevice = z.infer<typeof integrationDeviceSchema>;

const radioStatisticsSchema = z
	.object({
		frequencyGHz: z.union([z.string(), z.number()]).nullable().optional(),
		txRetriesPct: optionalNumber,
	})
	.passthrough();

export const integrationDeviceStatisticsSchema = z
	.object({
		uptimeSec: optionalNumber,
		cpuUtilizationPct: optionalNumber,
		memoryUtilizationPct: optionalNumber,
		interfaces: z.object({ radios: z.array(radioStatisticsSchema).optional() }).passthrough().nullable().optional(),
		radios: z.array(radioStatisticsSchema).nullable().optional(),
	})
	.passthrough();
export type IntegrationDeviceStatistics = z.infer<typeof integrationDeviceStatisticsSchema>;

export const integrationNetworkSchema = z
	.object({
		id: z.string().min(1),
		name: z.string(),
		enabled: z.boolean().optional(),
		vlanId: z.number().int().nullable().optional(),
		management: nullableString,
	})
	.passthrough();
export type IntegrationNetwork = z.infer<typeof integrationNetworkSchema>;
