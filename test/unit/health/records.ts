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
