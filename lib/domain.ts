/**
 * Domain shapes shared across nodes: what the UniFi Sites and NinjaOne Devices nodes output with Simplify on,
 * and what the Health Score node consumes. Every simplified record carries `kind`, so records from several
 * nodes can be merged into one item stream (n8n Merge node, "Append") and still be told apart.
 */

export interface UnifiSiteRecord {
	kind: 'unifi.site';
	siteId: string;
	hostId: string;
	/** Human name of the site (UniFi `meta.desc`), the customer name in this MSP's convention. */
	name: string;
	/** UniFi's internal site name (`meta.name`, often "default"). */
	internalName: string;
	timezone: string | null;
	gatewayMac: string | null;
	ispName: string | null;
	devices: {
		total: number;
		offline: number;
		gateways: number;
		offlineGateways: number;
		wifi: number;
		offlineWifi: number;
		wired: number;
		offlineWired: number;
		pendingUpdates: number;
	};
	clients: { wifi: number; wired: number; guest: number };
	criticalNotifications: number;
	wan: {
		uptimePercent: number | null;
		txRetryPercent: number | null;
		latencyAvgMs: number | null;
		latencyMaxMs: number | null;
		highLatency: boolean;
	};
}

export interface UnifiHostRecord {
	kind: 'unifi.host';
	hostId: string;
	hardwareId: string | null;
	type: string | null;
	name: string | null;
	ipAddress: string | null;
	isBlocked: boolean;
	lastConnectionStateChange: string | null;
	latestBackupTime: string | null;
}

export interface UnifiDeviceRecord {
	kind: 'unifi.device';
	deviceId: string;
	mac: string;
	name: string;
	model: string | null;
	productLine: string | null;
	status: string;
	isOnline: boolean;
	firmwareVersion: string | null;
	firmwareStatus: string | null;
	updateAvailable: string | null;
	ip: string | null;
	isConsole: boolean;
	hostId: string;
	hostName: string | null;
	/** Site of the device's host, when the node resolved it. */
	siteId: string | null;
	siteName: string | null;
}

export interface UnifiIspMetricsRecord {
	kind: 'unifi.ispMetrics';
	hostId: string;
	siteId: string;
	metricType: string;
	periods: Array<{
		metricTime: string;
		avgLatencyMs: number | null;
		maxLatencyMs: number | null;
		packetLossPercent: number | null;
		uptimePercent: number | null;
		downloadKbps: number | null;
		uploadKbps: number | null;
	}>;
}

export interface UnifiWifiClientRecord {
	kind: 'unifi.client';
	/** The local console's site name (`default`, ...), and the cloud site id when known. */
	site: string;
	siteId: string | null;
	mac: string;
	hostname: string | null;
	/** Signal in dBm (negative; -58 is better than -72). */
	signalDbm: number;
	vlan: number | null;
	essid: string | null;
	apMac: string | null;
	satisfaction: number | null;
}

export interface UnifiNetworkRecord {
	kind: 'unifi.network';
	site: string;
	siteId: string | null;
	networkId: string;
	name: string;
	purpose: string | null;
	vlanEnabled: boolean;
	vlan: number | null;
	subnet: string | null;
}

export interface NinjaOrganizationRecord {
	kind: 'ninjaone.organization';
	organizationId: number;
	name: string;
	description: string | null;
	/** Value of the organization custom field that maps it to a UniFi site, when set. */
	unifiSiteId: string | null;
	fields: Record<string, unknown>;
}

export interface NinjaDeviceRecord {
	kind: 'ninjaone.device';
	deviceId: number;
	organizationId: number;
	locationId: number | null;
	displayName: string;
	systemName: string | null;
	nodeClass: string;
	approvalStatus: string | null;
	offline: boolean;
	lastContact: string | null;
}

export type NinjaHealthStatus = 'UNKNOWN' | 'HEALTHY' | 'NEEDS_ATTENTION' | 'UNHEALTHY';

export interface NinjaDeviceHealthRecord {
	kind: 'ninjaone.deviceHealth';
	deviceId: number;
	organizationId: number | null;
	healthStatus: NinjaHealthStatus;
	offline: boolean;
	alertCount: number;
	activeThreatsCount: number;
	failedOSPatchesCount: number;
	pendingOSPatchesCount: number;
	pendingRebootReason: string | null;
}

export interface NinjaAlertRecord {
	kind: 'ninjaone.alert';
	uid: string;
	deviceId: number | null;
	organizationId: number | null;
	sourceType: string;
	sourceName: string | null;
	subject: string | null;
	message: string;
	createTime: string | null;
}

export type DomainRecord =
	| UnifiSiteRecord
	| UnifiHostRecord
	| UnifiDeviceRecord
	| UnifiIspMetricsRecord
	| UnifiWifiClientRecord
	| UnifiNetworkRecord
	| NinjaOrganizationRecord
	| NinjaDeviceRecord
	| NinjaDeviceHealthRecord
	| NinjaAlertRecord;

export type DomainKind = DomainRecord['kind'];
