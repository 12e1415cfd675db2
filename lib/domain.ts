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
	/** Site Manager host id of the console, when read through the cloud connector. */
	hostId?: string | null;
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

/**
 * Records read from a console's Network application through the Site Manager cloud connector (or the console's
 * own Integration API). Every one carries the console's Site Manager `hostId` and, when the console site could be
 * joined to a Site Manager site, its Site Manager `siteId`, so Health Score joins them without name matching.
 * `consoleSiteId` is the Integration API's own site id (a UUID, different from `siteId`).
 */
export interface UnifiConsoleRef {
	hostId: string;
	/** Site Manager site id, or null when the console site matched none (reported, never guessed). */
	siteId: string | null;
	consoleSiteId: string;
	/** Integration API `internalReference` (the legacy short site name, e.g. "default"). */
	consoleSite: string | null;
}

export interface UnifiRadioStatistics {
	/** "2.4", "5", "6" or "60" (UniFi sends a string or a number depending on the version). */
	frequencyGHz: string | null;
	txRetriesPct: number | null;
}

export interface UnifiConsoleDeviceRecord extends UnifiConsoleRef {
	kind: 'unifi.consoleDevice';
	deviceId: string;
	mac: string;
	name: string;
	model: string | null;
	/** Integration API `state`: ONLINE, OFFLINE, UPDATING, ... */
	state: string;
	isOnline: boolean;
	firmwareVersion: string | null;
	firmwareUpdatable: boolean | null;
	ip: string | null;
	isAccessPoint: boolean;
	isGateway: boolean;
	isSwitch: boolean;
	/** `statistics/latest`, when asked for and the device is online; null otherwise. */
	statistics: {
		uptimeSec: number | null;
		cpuUtilizationPct: number | null;
		memoryUtilizationPct: number | null;
		radios: UnifiRadioStatistics[];
	} | null;
}

export interface UnifiConsoleClientRecord extends UnifiConsoleRef {
	kind: 'unifi.consoleClient';
	clientId: string;
	/** WIRED, WIRELESS, VPN, TELEPORT. The Integration API carries no signal: see `unifi.client` for that. */
	type: string;
	name: string | null;
	mac: string | null;
	ip: string | null;
	connectedAt: string | null;
	/** The device (AP or switch) the client is connected to. */
	uplinkDeviceId: string | null;
	isGuest: boolean;
	/**
	 * WiFi signal in dBm from the legacy `stat/sta` (matched by MAC), only when the node was asked to try the legacy
	 * API and the console answered it; null otherwise.
	 */
	signalDbm: number | null;
	essid: string | null;
}

export interface UnifiConsoleNetworkRecord extends UnifiConsoleRef {
	kind: 'unifi.consoleNetwork';
	networkId: string;
	name: string;
	enabled: boolean;
	vlan: number | null;
	management: string | null;
}

/**
 * One console that a cloud-wide read did not (fully) read: skipped before calling (offline, firmware below the
 * connector's floor) or unreachable (the connector or the console answered an error). Never fails the other consoles.
 */
export interface UnifiConsoleStatusRecord {
	kind: 'unifi.console';
	hostId: string;
	name: string | null;
	/** Site Manager site ids on this console. */
	siteIds: string[];
	status: 'skipped' | 'unreachable' | 'partial';
	reason: string;
	httpStatus: number | null;
	code: string | null;
	requestId: string | null;
	firmwareVersion: string | null;
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
	| UnifiConsoleDeviceRecord
	| UnifiConsoleClientRecord
	| UnifiConsoleNetworkRecord
	| UnifiConsoleStatusRecord
	| NinjaOrganizationRecord
	| NinjaDeviceRecord
	| NinjaDeviceHealthRecord
	| NinjaAlertRecord;

export type DomainKind = DomainRecord['kind'];
