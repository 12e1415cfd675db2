/** Input records as UniFi Sites / NinjaOne Devices emit them (Simplify on), healthy by default, for the health tests. */

export const siteRecord = (siteId: string, name: string, over: Record<string, unknown> = {}) => ({
	kind: 'unifi.site',
	siteId,
	name,
	devices: { total: 4, offline: 0, offlineGateways: 0, pendingUpdates: 0 },
	criticalNotifications: 0,
	wan: { uptimePercent: 100, txRetryPercent: 2, latencyAvgMs: null },
	...over,
});

export const orgRecord = (organizationId: number, name: string, unifiSiteId: string | null = null) => ({
	kind: 'ninjaone.organization',
	organizationId,
	name,
	unifiSiteId,
});

export const healthRecord = (deviceId: number, organizationId: number | null, over: Record<string, unknown> = {}) => ({
	kind: 'ninjaone.deviceHealth',
	deviceId,
	organizationId,
	healthStatus: 'HEALTHY',
	offline: false,
	alertCount: 0,
	activeThreatsCount: 0,
	failedOSPatchesCount: 0,
	pendingOSPatchesCount: 0,
	...over,
});

export const clientRecord = (siteId: string | null, signalDbm: number, site = 'default') => ({ kind: 'unifi.client', siteId, site, signalDbm, mac: 'aa' });

/**
 * A device of a console site read through the Site Manager connector; an online access point by default, one radio per
 * `radios` entry (its TX retries %, null when the radio reports none).
 */
export const consoleDeviceRecord = (siteId: string | null, deviceId: string, radios: Array<number | null>, over: Record<string, unknown> = {}) => ({
	kind: 'unifi.consoleDevice',
	hostId: 'H1',
	siteId,
	consoleSiteId: 'cs-default',
	consoleSite: 'default',
	deviceId,
	mac: `aa:bb:cc:00:00:${deviceId}`,
	name: `AP ${deviceId}`,
	model: 'U7 Pro',
	state: 'ONLINE',
	isOnline: true,
	firmwareVersion: '8.0.0',
	firmwareUpdatable: false,
	ip: null,
	isAccessPoint: true,
	isGateway: false,
	isSwitch: false,
	statistics: {
		uptimeSec: 3600,
		cpuUtilizationPct: 5,
		memoryUtilizationPct: 40,
		radios: radios.map((txRetriesPct, k) => ({ frequencyGHz: ['2.4', '5', '6'][k] ?? null, txRetriesPct })),
	},
	...over,
});

/** A console a cloud-wide read skipped or could not fully read. */
export const consoleStatusRecord = (hostId: string, over: Record<string, unknown> = {}) => ({
	kind: 'unifi.console',
	hostId,
	name: 'Harbor Dental UDM Pro',
	siteIds: [],
	status: 'skipped',
	reason: 'offline (Site Manager state disconnected)',
	httpStatus: null,
	code: null,
	requestId: null,
	firmwareVersion: '4.1.13',
	...over,
});
