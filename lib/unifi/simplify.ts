import type {
	UnifiDeviceRecord,
	UnifiHostRecord,
	UnifiIspMetricsRecord,
	UnifiNetworkRecord,
	UnifiSiteRecord,
	UnifiWifiClientRecord,
} from '../domain';
import type { UnifiDevice, UnifiDeviceGroup, UnifiHost, UnifiIspMetrics, UnifiLocalClient, UnifiLocalNetwork, UnifiLocalSite, UnifiSite } from './schemas';

/** Validated UniFi payloads -> the package's domain records (lib/domain.ts). */

const n = (value: number | null | undefined): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const orNull = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);

function maxOf(values: Array<number | null | undefined>): number | null {
	const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
	return nums.length ? Math.max(...nums) : null;
}

export function simplifySite(site: UnifiSite): UnifiSiteRecord {
	const stats = site.statistics ?? {};
	const c = stats.counts ?? {};
	const issues = stats.internetIssues ?? [];
	return {
		kind: 'unifi.site',
		siteId: site.siteId,
		hostId: site.hostId,
		name: site.meta.desc || site.meta.name,
		internalName: site.meta.name,
		timezone: orNull(site.meta.timezone),
		gatewayMac: orNull(site.meta.gatewayMac),
		ispName: stats.ispInfo?.name ?? null,
		devices: {
			total: n(c.totalDevice),
			offline: n(c.offlineDevice),
			gateways: n(c.gatewayDevice),
			offlineGateways: n(c.offlineGatewayDevice),
			wifi: n(c.wifiDevice),
			offlineWifi: n(c.offlineWifiDevice),
			wired: n(c.wiredDevice),
			offlineWired: n(c.offlineWiredDevice),
			pendingUpdates: n(c.pendingUpdateDevice),
		},
		clients: { wifi: n(c.wifiClient), wired: n(c.wiredClient), guest: n(c.guestClient) },
		criticalNotifications: n(c.criticalNotification),
		wan: {
			uptimePercent: stats.percentages?.wanUptime ?? null,
			txRetryPercent: stats.percentages?.txRetry ?? null,
			latencyAvgMs: maxOf(issues.map((i) => i.latencyAvgMs)),
			latencyMaxMs: maxOf(issues.map((i) => i.latencyMaxMs)),
			highLatency: issues.some((i) => i.highLatency === true),
		},
	};
}

export function simplifyHost(host: UnifiHost): UnifiHostRecord {
	return {
		kind: 'unifi.host',
		hostId: host.id,
		hardwareId: orNull(host.hardwareId),
		type: orNull(host.type),
		name: host.reportedState?.name ?? host.reportedState?.hostname ?? null,
		ipAddress: orNull(host.ipAddress),
		isBlocked: host.isBlocked === true,
		lastConnectionStateChange: orNull(host.lastConnectionStateChange),
		latestBackupTime: orNull(host.latestBackupTime),
	};
}

export interface SiteRef {
	siteId: string;
	name: string;
}

export function simplifyDevice(device: UnifiDevice, group: Pick<UnifiDeviceGroup, 'hostId' | 'hostName'>, site: SiteRef | undefined): UnifiDeviceRecord {
	return {
		kind: 'unifi.device',
		deviceId: device.id,
		mac: device.mac,
		name: device.name || device.mac,
		model: orNull(device.model),
		productLine: orNull(device.productLine),
		status: device.status,
		isOnline: device.status.toLowerCase() === 'online',
		firmwareVersion: orNull(device.version),
		firmwareStatus: orNull(device.firmwareStatus),
		updateAvailable: orNull(device.updateAvailable),
		ip: orNull(device.ip),
		isConsole: device.isConsole === true,
		hostId: group.hostId,
		hostName: orNull(group.hostName),
		siteId: site?.siteId ?? null,
		siteName: site?.name ?? null,
	};
}

export function simplifyIspMetrics(metrics: UnifiIspMetrics): UnifiIspMetricsRecord {
	return {
		kind: 'unifi.ispMetrics',
		hostId: metrics.hostId,
		siteId: metrics.siteId,
		metricType: metrics.metricType,
		periods: metrics.periods.map((p) => {
			const wan = p.data.wan ?? {};
			return {
				metricTime: p.metricTime,
				avgLatencyMs: wan.avgLatency ?? null,
				maxLatencyMs: wan.maxLatency ?? null,
				packetLossPercent: wan.packetLoss ?? null,
				uptimePercent: wan.uptime ?? null,
				downloadKbps: wan.download_kbps ?? null,
				uploadKbps: wan.upload_kbps ?? null,
			};
		}),
	};
}

/** A WiFi client is one that is not wired and reports a signal. */
export function isWifiClient(client: UnifiLocalClient): boolean {
	return client.is_wired !== true && typeof client.signal === 'number';
}

export function simplifyWifiClient(client: UnifiLocalClient & { signal: number }, site: UnifiLocalSite): UnifiWifiClientRecord {
	return {
		kind: 'unifi.client',
		site: site.name,
		// The Network application's site `_id` is what Site Manager reports as `siteId` [UNVERIFIED]; map by name when in doubt.
		siteId: client.site_id ?? site._id ?? null,
		mac: client.mac,
		hostname: client.hostname ?? client.name ?? null,
		signalDbm: client.signal,
		vlan: client.vlan ?? null,
		essid: orNull(client.essid),
		apMac: orNull(client.ap_mac),
		satisfaction: orNull(client.satisfaction),
	};
}

export function simplifyNetwork(network: UnifiLocalNetwork, site: UnifiLocalSite): UnifiNetworkRecord {
	return {
		kind: 'unifi.network',
		site: site.name,
		siteId: network.site_id ?? site._id ?? null,
		networkId: network._id,
		name: network.name,
		purpose: orNull(network.purpose),
		vlanEnabled: network.vlan_enabled === true,
		vlan: network.vlan ?? null,
		subnet: orNull(network.ip_subnet),
	};
}
