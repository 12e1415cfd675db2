import { createRng } from './core';

/**
 * The seeded MSP world every emulator serves: customers, each with one UniFi site (a console/host with network
 * devices, WiFi/wired clients and networks), one NinjaOne organization (devices, device health, alerts) and a
 * HubSpot company. Deterministic for a seed; cheap enough for 10,000 sites x 50 devices.
 *
 * Shape decisions (documented for the node authors):
 * - `sites` holds `opts.sites` customer sites (default 98), every one with a UniFi site; the UniFi device total is
 *   exactly `deviceCount` (default 492). Each site's console is its own UniFi host (one host per site).
 * - Matching tests: exactly one site (`unmatched.unifiSiteIds`) has `ninja: null` (no NinjaOne organization), and
 *   one extra NinjaOne organization with no UniFi site lives in `ninjaOnlyOrganizations` (`unmatched.ninjaOrganizationIds`).
 *   So by default: 98 UniFi sites, 97 matched organizations + 1 NinjaOne-only = 98 NinjaOne organizations.
 *   (With `sites < 2` there is no unmatched site; the NinjaOne-only organization always exists unless `unmatched: false`.)
 * - NinjaOne organization names match the customer name after normalisation (case, punctuation, whitespace,
 *   legal suffixes LLC/Inc./Corp./Ltd./Co.), not always byte-exactly (see `nameVariant`). A few carry the custom
 *   field `unifiSiteId`.
 * - Times are stored as ages in seconds ("how long ago"); emulators render them relative to their own clock.
 * - Profiles: ~60% healthy, ~25% warning, ~15% critical (exact counts from rounding, all three present when sites >= 3).
 * - Console firmware (`host.firmwareVersion`, also the gateway device's version) is the console's UniFi OS version,
 *   5.0.x everywhere (at or above the cloud connector's floor 5.0.3) except one console of `connector.belowFloorHostIds`
 *   (4.2.8). `connector` is drawn after generation from its own PRNG, so it changes no other value of the world.
 * - Integration API ids (`integrationId` of devices, clients and networks) are UUIDs hashed from the MAC or the
 *   legacy `_id`, not drawn from the PRNG: stable for a seed, unique in a world.
 * - AP radio statistics (`radios`, Integration API `statistics/latest`) follow the AP's own WiFi clients: the more of
 *   them are weaker than -65 dBm, the higher `txRetriesPct` (see `radioStatistics`).
 */

export type SiteProfile = 'healthy' | 'warning' | 'critical';

export interface WorldOptions {
	/** PRNG seed (default 42). */
	seed?: number;
	/** Customer sites, each with a UniFi site (default 98). */
	sites?: number;
	/** Total UniFi network devices over all sites (default 492 for 98 sites; otherwise round(sites * 492 / 98)). */
	devices?: number;
	/** Exact UniFi devices per site (overrides `devices`). */
	devicesPerSite?: number;
	/** Include the unmatched UniFi site / NinjaOne-only organization (default true). */
	unmatched?: boolean;
}

export interface WorldUnifiDevice {
	/** Site Manager device id: the MAC without separators, upper case. */
	id: string;
	mac: string;
	name: string;
	model: string;
	shortname: string;
	productLine: 'network';
	/** gateway (the console itself), switch (wired), ap (wifi). */
	role: 'gateway' | 'switch' | 'ap';
	status: 'online' | 'offline';
	version: string;
	firmwareStatus: 'upToDate' | 'updateAvailable';
	/** Version offered when `firmwareStatus` is updateAvailable, else null. */
	updateAvailable: string | null;
	ip: string;
	isConsole: boolean;
	uidb: string;
	/** Seconds since startup / adoption. */
	uptimeSec: number;
	adoptedAgoSec: number;
	/** Integration API device id (UUID hashed from the MAC). */
	integrationId: string;
	/** Latest radio statistics of an online AP (2.4 GHz, then 5 GHz); null for other devices and offline APs. */
	radios: WorldRadioStatistics[] | null;
}

export interface WorldRadioStatistics {
	frequencyGHz: '2.4' | '5';
	/** Share of transmissions retried, in percent (one decimal). */
	txRetriesPct: number;
}

export interface WorldUnifiClient {
	/** Integration API client id (UUID hashed from the MAC). */
	integrationId: string;
	mac: string;
	hostname: string;
	ip: string;
	isWired: boolean;
	isGuest: boolean;
	/** WiFi only (null for wired): dBm, negative. */
	signal: number | null;
	noise: number | null;
	essid: string | null;
	apMac: string | null;
	channel: number | null;
	radio: 'ng' | 'na' | null;
	satisfaction: number | null;
	/** VLAN of the client's network; null on the untagged default LAN. */
	vlan: number | null;
	networkId: string;
	networkName: string;
	uptimeSec: number;
	txRate: number | null;
	rxRate: number | null;
}

export interface WorldNetwork {
	_id: string;
	/** Integration API network id (UUID hashed from `_id`). */
	integrationId: string;
	name: string;
	purpose: 'corporate' | 'guest' | 'wan';
	networkgroup: 'LAN' | 'WAN';
	/** false for the untagged default LAN and WAN. */
	vlanEnabled: boolean;
	/** VLAN id for tagged networks (never 1); null for the default LAN and WAN. */
	vlan: number | null;
	ipSubnet: string | null;
	dhcpdEnabled: boolean;
	isDefault: boolean;
}

export interface WorldWlan {
	_id: string;
	name: string;
	networkId: string;
	isGuest: boolean;
	security: 'wpapsk' | 'open';
}

export interface WorldSiteStatistics {
	counts: {
		criticalNotification: number;
		gatewayDevice: number;
		guestClient: number;
		lanConfiguration: number;
		offlineDevice: number;
		offlineGatewayDevice: number;
		offlineWifiDevice: number;
		offlineWiredDevice: number;
		pendingUpdateDevice: number;
		totalDevice: number;
		wanConfiguration: number;
		wifiClient: number;
		wifiConfiguration: number;
		wifiDevice: number;
		wiredClient: number;
		wiredDevice: number;
	};
	internetIssues: Array<{ index: number; highLatency?: boolean; latencyAvgMs?: number; latencyMaxMs?: number }>;
	ispInfo: { name: string; organization: string };
	percentages: { txRetry: number; wanUptime: number };
}

export interface WorldUnifiHost {
	id: string;
	hardwareId: string;
	type: 'console';
	ipAddress: string;
	owner: boolean;
	isBlocked: boolean;
	registeredAgoSec: number;
	lastConnectionChangeAgoSec: number;
	latestBackupAgoSec: number;
	/** Console (gateway) display name, e.g. "Harbor Dental Group UDM Pro". */
	name: string;
	hostname: string;
	firmwareVersion: string;
	state: 'connected' | 'disconnected';
	mac: string;
	model: string;
	shortname: string;
}

export interface WorldUnifiSite {
	hostId: string;
	/** 24 hex chars (also the local Network application's site `_id`). */
	siteId: string;
	host: WorldUnifiHost;
	meta: { desc: string; name: string; timezone: string; gatewayMac: string };
	statistics: WorldSiteStatistics;
	/** Local console site name (short code, unique across the world) used in `/api/s/{site}/...`. */
	localSiteName: string;
	/** Integration API site id (UUID). */
	integrationSiteId: string;
	/**
	 * The site's UniFi devices, gateway first. A getter: built from `devicePlan` on every access (deterministic),
	 * so read it once per request.
	 */
	readonly devices: WorldUnifiDevice[];
	devicePlan: DevicePlan;
	/** WiFi clients first (weakest first), then wired clients. A getter like `devices`. */
	readonly clients: WorldUnifiClient[];
	clientPlan: ClientPlan;
	networks: WorldNetwork[];
	wlans: WorldWlan[];
	isp: { name: string; organization: string; asn: number };
	/** Baseline WAN figures that drive statistics and ISP metrics. */
	wan: { latencyAvgMs: number; latencyMaxMs: number; packetLossPercent: number; uptimePercent: number; txRetryPercent: number; downloadKbps: number; uploadKbps: number };
}

export type NinjaNodeClass =
	| 'WINDOWS_SERVER'
	| 'WINDOWS_WORKSTATION'
	| 'MAC'
	| 'LINUX_SERVER'
	| 'NMS_SWITCH'
	| 'NMS_ROUTER'
	| 'NMS_FIREWALL'
	| 'NMS_WAP';

export type NinjaHealth = 'UNKNOWN' | 'HEALTHY' | 'NEEDS_ATTENTION' | 'UNHEALTHY';

export interface WorldNinjaAlert {
	uid: string;
	deviceId: number;
	sourceType: string;
	sourceName: string;
	subject: string;
	message: string;
	severity: 'CRITICAL' | 'MAJOR' | 'MODERATE' | 'MINOR';
	createdAgoSec: number;
}

export interface WorldNinjaDevice {
	id: number;
	uid: string;
	organizationId: number;
	locationId: number;
	nodeClass: NinjaNodeClass;
	displayName: string;
	systemName: string;
	dnsName: string;
	approvalStatus: 'APPROVED' | 'PENDING';
	offline: boolean;
	createdAgoSec: number;
	lastContactAgoSec: number;
	ipAddress: string;
	macAddress: string;
	os: { name: string; manufacturer: string; buildNumber: string; architecture: string };
	system: { manufacturer: string; model: string; serialNumber: string };
	health: {
		healthStatus: NinjaHealth;
		alertCount: number;
		activeThreatsCount: number;
		quarantinedThreatsCount: number;
		failedOSPatchesCount: number;
		pendingOSPatchesCount: number;
		pendingRebootReason: string | null;
	};
}

export type NameVariant = 'exact' | 'upper' | 'lower' | 'llc' | 'inc' | 'spacing' | 'punctuation';

export interface WorldNinjaOrganization {
	id: number;
	name: string;
	nameVariant: NameVariant;
	description: string;
	nodeApprovalMode: 'AUTOMATIC' | 'MANUAL';
	tags: string[];
	/** Organization custom fields; `unifiSiteId` on a few. */
	fields: Record<string, string>;
	locations: Array<{ id: number; name: string; address: string; description: string }>;
	/** Index into `world.sites`, or null for the NinjaOne-only organization. */
	siteIndex: number | null;
	devices: WorldNinjaDevice[];
	alerts: WorldNinjaAlert[];
}

export interface WorldSite {
	index: number;
	customerName: string;
	domain: string;
	state: string;
	city: string;
	timezone: string;
	profile: SiteProfile;
	hubspot: { companyName: string; domain: string; city: string; state: string; phone: string };
	unifi: WorldUnifiSite;
	/** The customer's NinjaOne organization, or null for the unmatched site. */
	ninja: WorldNinjaOrganization | null;
}

export interface World {
	seed: number;
	sites: WorldSite[];
	/** Total UniFi network devices. */
	deviceCount: number;
	/** Every NinjaOne organization (matched and NinjaOne-only), sorted by id. */
	ninjaOrganizations: WorldNinjaOrganization[];
	/** Organizations with no UniFi site. */
	ninjaOnlyOrganizations: WorldNinjaOrganization[];
	ninjaDeviceCount: number;
	unmatched: { unifiSiteIds: string[]; ninjaOrganizationIds: number[] };
	profiles: Record<SiteProfile, number>;
	/**
	 * Consoles the Site Manager cloud connector cannot read although Site Manager lists them as connected: one with
	 * firmware below the connector's floor (`host.firmwareVersion` 4.2.8) and one that does not answer in time. Each
	 * is a connected console of a site with a NinjaOne organization, never the same one; both lists are empty when
	 * fewer than 3 sites qualify. Offline consoles (`host.state` "disconnected") are separate.
	 */
	connector: { belowFloorHostIds: string[]; timeoutHostIds: string[] };
}

/** Lowest console firmware (UniFi OS) the Site Manager connector supports (docs/unifi-connector.md). */
export const CONNECTOR_FIRMWARE_FLOOR = '5.0.3';
/** Firmware of the world's one console below the connector's floor. */
export const BELOW_FLOOR_FIRMWARE = '4.2.8';

// ---------------------------------------------------------------------------------------------- vocabularies

const PREFIXES = [
	'Harbor', 'Summit', 'Pinecrest', 'Maple', 'Riverside', 'Cedar', 'Lakeside', 'Bluewater', 'Ironwood', 'Golden Gate',
	'Silver Creek', 'Northstar', 'Redwood', 'Evergreen', 'Oakridge', 'Prairie', 'Canyon', 'Coastal', 'Highland', 'Meadow',
	'Granite', 'Willow', 'Aspen', 'Sunrise', 'Stonebridge', 'Bayview', 'Crescent', 'Falcon', 'Heritage', 'Keystone',
	'Liberty', 'Magnolia', 'Mesa', 'Mill Creek', 'Northgate', 'Orchard', 'Pacific', 'Pioneer', 'Quarry', 'Ridgeline',
	'Sagebrush', 'Seaside', 'Sierra', 'Spruce', 'Sterling', 'Tidewater', 'Timberline', 'Valley', 'Westfield', 'Wildflower',
	'Anchor', 'Beacon', 'Brookside', 'Cobalt', 'Driftwood', 'Elm Street', 'Foxhill', 'Glacier', 'Hawthorne', 'Juniper',
];
const TRADES = [
	'Dental', 'Legal', 'Family Medicine', 'Accounting', 'Realty', 'Veterinary', 'Engineering', 'Insurance', 'Orthodontics',
	'Pediatrics', 'Architecture', 'Logistics', 'Construction', 'Chiropractic', 'Physical Therapy', 'Optometry', 'Wealth',
	'Title', 'Dermatology', 'Marketing', 'Landscaping', 'Plumbing', 'Electric', 'Auto Care', 'Bakery', 'Brewing', 'Fitness',
	'Pharmacy', 'Printing', 'Roofing', 'Surveying', 'Tax', 'Cardiology', 'Hearing', 'Imaging', 'Property Management',
	'Staffing', 'Travel', 'Design', 'Consulting',
];
const FORMS = ['Group', 'Partners', 'Associates', 'Clinic', 'Services', 'Studio', 'Center', 'Collective'];

const STATES: Array<{ code: string; tz: string; cities: string[]; area: number[] }> = [
	{ code: 'CA', tz: 'America/Los_Angeles', cities: ['San Diego', 'Sacramento', 'Fresno'], area: [619, 916, 559] },
	{ code: 'TX', tz: 'America/Chicago', cities: ['Austin', 'Dallas', 'San Antonio'], area: [512, 214, 210] },
	{ code: 'FL', tz: 'America/New_York', cities: ['Tampa', 'Orlando', 'Jacksonville'], area: [813, 407, 904] },
	{ code: 'NY', tz: 'America/New_York', cities: ['Albany', 'Buffalo', 'Rochester'], area: [518, 716, 585] },
	{ code: 'WA', tz: 'America/Los_Angeles', cities: ['Seattle', 'Spokane', 'Tacoma'], area: [206, 509, 253] },
	{ code: 'OR', tz: 'America/Los_Angeles', cities: ['Portland', 'Eugene', 'Bend'], area: [503, 541, 541] },
	{ code: 'CO', tz: 'America/Denver', cities: ['Denver', 'Boulder', 'Fort Collins'], area: [303, 303, 970] },
	{ code: 'AZ', tz: 'America/Phoenix', cities: ['Phoenix', 'Tucson', 'Flagstaff'], area: [602, 520, 928] },
	{ code: 'IL', tz: 'America/Chicago', cities: ['Chicago', 'Naperville', 'Peoria'], area: [312, 630, 309] },
	{ code: 'GA', tz: 'America/New_York', cities: ['Atlanta', 'Savannah', 'Athens'], area: [404, 912, 706] },
	{ code: 'NC', tz: 'America/New_York', cities: ['Raleigh', 'Charlotte', 'Asheville'], area: [919, 704, 828] },
	{ code: 'MA', tz: 'America/New_York', cities: ['Boston', 'Worcester', 'Springfield'], area: [617, 508, 413] },
	{ code: 'PA', tz: 'America/New_York', cities: ['Pittsburgh', 'Philadelphia', 'Harrisburg'], area: [412, 215, 717] },
	{ code: 'OH', tz: 'America/New_York', cities: ['Columbus', 'Cleveland', 'Cincinnati'], area: [614, 216, 513] },
];

const ISPS = [
	{ name: 'Comcast Business', organization: 'Comcast Cable Communications, LLC', asn: 7922 },
	{ name: 'AT&T', organization: 'AT&T Services, Inc.', asn: 7018 },
	{ name: 'Spectrum', organization: 'Charter Communications Inc', asn: 20115 },
	{ name: 'Verizon Fios', organization: 'Verizon Business', asn: 701 },
	{ name: 'Cox Business', organization: 'Cox Communications Inc.', asn: 22773 },
	{ name: 'Frontier', organization: 'Frontier Communications of America, Inc.', asn: 5650 },
	{ name: 'Lumen', organization: 'CenturyLink Communications, LLC', asn: 209 },
];

export interface Model {
	model: string;
	shortname: string;
	oui: string;
	latest: string;
	older: string;
	/** UniFi product database id (per model). */
	uidb: string;
}
/** Gateways are the consoles: their firmware is the console's UniFi OS version. */
const GATEWAYS: Model[] = [
	{ model: 'UDM Pro', shortname: 'UDMPRO', oui: '24:5a:4c', latest: '5.0.16', older: '5.0.6', uidb: 'fdc4b28e-14e6-6ad8-2ef1-f82d5384b0ce' },
	{ model: 'UDM SE', shortname: 'UDMPROSE', oui: 'e4:38:83', latest: '5.0.16', older: '5.0.8', uidb: '999a25b6-0a99-c0d5-a477-14918b642450' },
	{ model: 'UCG Ultra', shortname: 'UCGULTRA', oui: '9c:05:d6', latest: '5.0.16', older: '5.0.5', uidb: '6533b846-c4bc-3f3d-5349-084dab8bb42f' },
	{ model: 'UDR', shortname: 'UDR', oui: '68:d7:9a', latest: '5.0.16', older: '5.0.4', uidb: 'd4e296f4-8a24-d19d-db12-1a752b19ac27' },
];
const APS: Model[] = [
	{ model: 'U6 Pro', shortname: 'UAP6MP', oui: '74:ac:b9', latest: '6.6.77', older: '6.5.62', uidb: '4cb29b1c-f3f3-f1eb-fe53-360445af483f' },
	{ model: 'U6 Lite', shortname: 'UAL6', oui: '78:45:58', latest: '6.6.77', older: '6.5.28', uidb: 'c58180a0-3b8f-41f9-aca1-528ae4a2b8b8' },
	{ model: 'U6 LR', shortname: 'UALR6v2', oui: 'f4:e2:c6', latest: '6.6.77', older: '6.6.55', uidb: '14f4919f-0efa-63d1-e8a0-3a2b44423d2a' },
	{ model: 'U7 Pro', shortname: 'U7PRO', oui: '0c:ea:14', latest: '7.0.91', older: '7.0.66', uidb: 'cf7dc002-7133-6934-c9e6-9749f5ec18de' },
	{ model: 'U6 Mesh', shortname: 'UAM6', oui: 'd8:b3:70', latest: '6.6.77', older: '6.5.54', uidb: '3a24c161-1e4b-a2e8-214e-fb8d092d7ad8' },
];
const SWITCHES: Model[] = [
	{ model: 'USW 24 PoE', shortname: 'US24PRO2', oui: 'b4:fb:e4', latest: '7.1.26', older: '7.0.50', uidb: '6ec442a8-08ae-1747-c3ee-75d2f41522a6' },
	{ model: 'USW Lite 8 PoE', shortname: 'USL8LP', oui: 'fc:ec:da', latest: '7.1.26', older: '6.6.61', uidb: 'f22e06b7-6f62-0a57-4c3a-b657dca3a63d' },
	{ model: 'USW Pro 48 PoE', shortname: 'USWPRO48POE', oui: 'd0:21:f9', latest: '7.1.26', older: '7.0.72', uidb: '4c82e637-7f91-a1f8-9c27-f46b7c380b8c' },
	{ model: 'USW Flex Mini', shortname: 'USMINI', oui: '80:2a:a8', latest: '2.1.6', older: '2.0.9', uidb: '7eb9b0e5-23e5-9dac-89cf-3ec468d75b37' },
];
const AP_PLACES = ['Lobby', 'Front Desk', 'Office', 'Conference', 'Break Room', 'Warehouse', 'Upstairs', 'Exam', 'Lab', 'Back Office', 'Reception', 'Shop'];
const CLIENT_NAMES = ['iPhone', 'Galaxy-S23', 'MacBook-Pro', 'DESKTOP', 'iPad', 'Surface', 'Pixel-8', 'ThinkPad', 'Chromebook', 'Zebra-TC52', 'HP-LaserJet', 'Ring-Cam'];
const VLAN_CHOICES: Array<{ vlan: number; name: string; purpose: 'corporate' | 'guest'; third: number }> = [
	{ vlan: 10, name: 'Staff', purpose: 'corporate', third: 10 },
	{ vlan: 20, name: 'Guest', purpose: 'guest', third: 20 },
	{ vlan: 30, name: 'VoIP', purpose: 'corporate', third: 30 },
	{ vlan: 40, name: 'IoT', purpose: 'corporate', third: 40 },
	{ vlan: 50, name: 'Cameras', purpose: 'corporate', third: 50 },
	{ vlan: 99, name: 'Management', purpose: 'corporate', third: 99 },
];
const NINJA_OS = {
	WINDOWS_SERVER: { name: 'Windows Server 2022 Standard', manufacturer: 'Microsoft Corporation', buildNumber: '20348', architecture: '64-bit' },
	WINDOWS_WORKSTATION: { name: 'Windows 11 Pro', manufacturer: 'Microsoft Corporation', buildNumber: '22631', architecture: '64-bit' },
	MAC: { name: 'macOS Sonoma', manufacturer: 'Apple Inc.', buildNumber: '23G93', architecture: 'arm64' },
	LINUX_SERVER: { name: 'Ubuntu 22.04.4 LTS', manufacturer: 'Canonical', buildNumber: '5.15.0-105', architecture: 'x86_64' },
	NMS: { name: 'SNMP device', manufacturer: 'Ubiquiti Inc.', buildNumber: '', architecture: '' },
};
const ALERT_TYPES = [
	{ sourceType: 'CONDITION_AGENT_CPU', sourceName: 'CPU above 90% for 15 minutes', subject: 'High CPU usage', severity: 'MODERATE' as const },
	{ sourceType: 'CONDITION_AGENT_DISK_FREE_SPACE', sourceName: 'Disk C: free space below 10%', subject: 'Low disk space', severity: 'MAJOR' as const },
	{ sourceType: 'CONDITION_AGENT_MEMORY', sourceName: 'Memory above 95% for 10 minutes', subject: 'High memory usage', severity: 'MINOR' as const },
	{ sourceType: 'CONDITION_WINDOWS_EVENT_LOG_TRIGGERED', sourceName: 'Disk errors in System log', subject: 'Windows event: disk error', severity: 'MAJOR' as const },
];

// ---------------------------------------------------------------------------------------------- helpers

const HEX = '0123456789abcdef';
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const HEX_CODES = Array.from(HEX, (c) => c.charCodeAt(0));

/** n lower-case hex digits, as one flat string (8 digits per PRNG draw). */
function hex(rng: () => number, n: number): string {
	const codes = new Array<number>(n);
	let r = 0;
	for (let i = 0; i < n; i++) {
		if ((i & 7) === 0) r = (rng() * 4294967296) >>> 0;
		codes[i] = HEX_CODES[r & 15];
		r >>>= 4;
	}
	return String.fromCharCode.apply(null, codes);
}

/** Flatten a concatenated string (V8 keeps `a + b` results as ropes; number coercion flattens them). */
function flat(s: string): string {
	void ((s as unknown as number) | 0);
	return s;
}

function uuid(rng: () => number): string {
	const h = hex(rng, 32);
	const variant = HEX[8 + (h.charCodeAt(16) & 3)];
	return [h.slice(0, 8), h.slice(8, 12), `4${h.slice(13, 16)}`, `${variant}${h.slice(17, 20)}`, h.slice(20, 32)].join('-');
}

/** 32-bit FNV-1a of a string, finished with a murmur-style mix (a hash, not a PRNG draw). */
function hash32(text: string, salt = 0): number {
	let h = (0x811c9dc5 ^ salt) >>> 0;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Integration API id of a world record: a UUID (version 4 layout) hashed from `kind` and a key unique in the world
 * (a MAC, a legacy `_id`), so it is stable for a seed and costs no PRNG draw. 128 bits from four multiply-xor lanes
 * (cyrb128); cheap enough for every network of a 10,000-site world at generation.
 */
export function integrationUuid(kind: 'device' | 'client' | 'network', key: string): string {
	const text = `${kind}:${key}`;
	let h1 = 1779033703;
	let h2 = 3144134277;
	let h3 = 1013904242;
	let h4 = 2773480762;
	for (let i = 0; i < text.length; i++) {
		const k = text.charCodeAt(i);
		h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
		h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
		h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
		h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
	}
	h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
	h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
	h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
	h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
	h1 ^= h2 ^ h3 ^ h4;
	h2 ^= h1;
	h3 ^= h1;
	h4 ^= h1;
	const byte = (h: number, shift: number) => HEX2[(h >>> shift) & 0xff];
	const word = (h: number) => byte(h, 24) + byte(h, 16) + byte(h, 8) + byte(h, 0);
	// Version 4 in the high nibble of byte 6, variant 10xx in byte 8.
	const version = HEX2[0x40 | ((h2 >>> 8) & 0x0f)] + byte(h2, 0);
	const variant = HEX2[0x80 | ((h3 >>> 24) & 0x3f)] + byte(h3, 16);
	return flat(`${word(h1)}-${byte(h2, 24)}${byte(h2, 16)}-${version}-${variant}-${byte(h3, 8)}${byte(h3, 0)}${word(h4)}`);
}

function int(rng: () => number, min: number, max: number): number {
	return min + Math.floor(rng() * (max - min + 1));
}

function pick<T>(rng: () => number, list: readonly T[]): T {
	return list[(rng() * list.length) | 0];
}

function round1(n: number): number {
	return Math.round(n * 10) / 10;
}

function shuffle<T>(rng: () => number, list: T[]): T[] {
	for (let i = list.length - 1; i > 0; i--) {
		const j = (rng() * (i + 1)) | 0;
		const t = list[i];
		list[i] = list[j];
		list[j] = t;
	}
	return list;
}

/** A MAC under `oui` whose low 24 bits are `serial` (unique per world). */
function macFor(oui: string, serial: number): string {
	return [oui, HEX2[(serial >>> 16) & 0xff], HEX2[(serial >>> 8) & 0xff], HEX2[serial & 0xff]].join(':');
}

function siteSeed(seed: number, index: number): number {
	return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

/** The world's name variants must normalise to the same key the Health Score join uses. */
export { normaliseCustomerName } from '../../lib/health/join';

function nameVariant(rng: () => number, name: string): { name: string; variant: NameVariant } {
	const r = rng();
	if (r < 0.5) return { name, variant: 'exact' };
	if (r < 0.6) return { name: name.toUpperCase(), variant: 'upper' };
	if (r < 0.65) return { name: name.toLowerCase(), variant: 'lower' };
	if (r < 0.77) return { name: `${name}, LLC`, variant: 'llc' };
	if (r < 0.89) return { name: `${name} Inc.`, variant: 'inc' };
	if (r < 0.95) return { name: ` ${name.replace(/ /g, '  ')}`, variant: 'spacing' };
	return { name: name.replace(/ /, '-').replace(/$/, '.'), variant: 'punctuation' };
}

// ---------------------------------------------------------------------------------------------- devices

/** Compact description of a site's UniFi devices (index 0 = gateway/console, 1..aps = APs, rest = switches). */
export interface DevicePlan {
	seed: number;
	total: number;
	aps: number;
	gateway: Model;
	gatewayName: string;
	macBase: number;
	lanPrefix: string;
	/** Device indexes that are offline / have a firmware update pending. */
	offline: number[];
	pending: number[];
	/** Console firmware when it is not the model's (the connector's below-floor console), see `World.connector`. */
	gatewayVersion?: string;
}

function mix(seed: number, k: number): number {
	let h = Math.imul(seed ^ Math.imul(k + 0x9e37, 0x85ebca6b), 0xc2b2ae35);
	h ^= h >>> 15;
	h = Math.imul(h, 0x27d4eb2f);
	return (h ^ (h >>> 13)) >>> 0;
}

function deviceModel(plan: DevicePlan, k: number): Model {
	if (k === 0) return plan.gateway;
	const list = k <= plan.aps ? APS : SWITCHES;
	return list[mix(plan.seed, k) % list.length];
}

function deviceMac(plan: DevicePlan, k: number): string {
	return macFor(deviceModel(plan, k).oui, plan.macBase + k);
}

/**
 * Build a site's device records from its plans (deterministic). The clients are needed for the APs' radio
 * statistics; pass them when the caller has them already.
 */
export function materialiseDevices(plan: DevicePlan, clientPlan: ClientPlan, clients: WorldUnifiClient[] = materialiseClients(clientPlan)): WorldUnifiDevice[] {
	const out: WorldUnifiDevice[] = new Array(plan.total);
	const onAp = new Map<string, { total: number; weak: number }>();
	for (const c of clients) {
		if (c.isWired || !c.apMac) continue;
		const tally = onAp.get(c.apMac) ?? { total: 0, weak: 0 };
		tally.total++;
		if ((c.signal ?? 0) < -65) tally.weak++;
		onAp.set(c.apMac, tally);
	}
	for (let k = 0; k < plan.total; k++) {
		const model = deviceModel(plan, k);
		const role: WorldUnifiDevice['role'] = k === 0 ? 'gateway' : k <= plan.aps ? 'ap' : 'switch';
		const mac = macFor(model.oui, plan.macBase + k);
		const offline = plan.offline.includes(k);
		const pending = plan.pending.includes(k);
		const a = k - 1;
		const s = k - 1 - plan.aps;
		const h = mix(plan.seed, k + 7919);
		out[k] = {
			id: mac.replace(/:/g, '').toUpperCase(),
			mac,
			name:
				role === 'gateway'
					? plan.gatewayName
					: role === 'ap'
						? `AP-${AP_PLACES[a % AP_PLACES.length]}${a >= AP_PLACES.length ? `-${Math.floor(a / AP_PLACES.length) + 1}` : ''}`
						: `SW-${s === 0 ? 'Core' : `Access-${s}`}`,
			model: model.model,
			shortname: model.shortname,
			productLine: 'network',
			role,
			status: offline ? 'offline' : 'online',
			version: k === 0 && plan.gatewayVersion ? plan.gatewayVersion : pending ? model.older : model.latest,
			firmwareStatus: pending ? 'updateAvailable' : 'upToDate',
			updateAvailable: pending ? model.latest : null,
			ip: `${plan.lanPrefix}.${role === 'gateway' ? 1 : role === 'ap' ? 20 + (a % 200) : 2 + (s % 17) + (s >= 17 ? 220 : 0)}`,
			isConsole: role === 'gateway',
			uidb: model.uidb,
			uptimeSec: offline ? 0 : 86_400 + (h % (90 * 86_400)),
			adoptedAgoSec: 90 * 86_400 + (mix(h, k) % (800 * 86_400)),
			integrationId: integrationUuid('device', mac),
			radios: role === 'ap' && !offline ? radioStatistics(mac, onAp.get(mac)) : null,
		};
	}
	return out;
}

/**
 * An AP's latest radio statistics from its own WiFi clients: with `weakShare` the share of them weaker than -65 dBm,
 * 2.4 GHz retries = 3 + 22 x weakShare + a 0-2 jitter hashed from the MAC, and 5 GHz about 60% of that (own jitter).
 */
export function radioStatistics(apMac: string, clients: { total: number; weak: number } | undefined): WorldRadioStatistics[] {
	const weakShare = clients && clients.total ? clients.weak / clients.total : 0;
	const jitter = (band: number) => (hash32(apMac, band) / 4294967296) * 2;
	return [
		{ frequencyGHz: '2.4', txRetriesPct: round1(3 + 22 * weakShare + jitter(24)) },
		{ frequencyGHz: '5', txRetriesPct: round1(0.6 * (3 + 22 * weakShare + jitter(5))) },
	];
}

export interface ClientPlan {
	seed: number;
	profile: SiteProfile;
	wifiCount: number;
	/** The first `weakCount` WiFi clients are below -65 dBm. */
	weakCount: number;
	/** The last `guestCount` WiFi clients are on the guest WLAN. */
	guestCount: number;
	wiredCount: number;
	macBase: number;
	devicePlan: DevicePlan;
	/** Device indexes of the online APs clients associate with. */
	onlineAps: number[];
	networks: WorldNetwork[];
	wlans: WorldWlan[];
	lanPrefix: string;
}

const CLIENT_OUIS = ['3c:22:fb', 'a4:83:e7', 'f0:18:98', 'dc:a6:32', '48:e7:da'];
const WIRED_NAMES = ['PRINTER', 'NAS', 'DESKTOP', 'PHONE', 'NVR'];

function subnetPrefix(net: WorldNetwork, fallback: string): string {
	return net.ipSubnet ? net.ipSubnet.split('.').slice(0, 3).join('.') : fallback;
}

/** Build a site's client records from its plan (deterministic). */
export function materialiseClients(plan: ClientPlan): WorldUnifiClient[] {
	const rng = createRng(plan.seed);
	const clients: WorldUnifiClient[] = [];
	const lans = plan.networks.filter((n) => n.networkgroup === 'LAN');
	for (let c = 0; c < plan.wifiCount; c++) {
		const weak = c < plan.weakCount;
		const signal = weak ? (plan.profile === 'critical' ? int(rng, -85, -70) : int(rng, -74, -66)) : int(rng, -62, -40);
		const wlan = c >= plan.wifiCount - plan.guestCount && plan.wlans.length > 1 ? plan.wlans[1] : plan.wlans[0];
		const net = plan.networks.find((n) => n._id === wlan.networkId) as WorldNetwork;
		const na = rng() < 0.7;
		const mac = macFor(pick(rng, CLIENT_OUIS), plan.macBase + c);
		clients.push({
			integrationId: integrationUuid('client', mac),
			mac,
			hostname: `${pick(rng, CLIENT_NAMES)}-${hex(rng, 4).toUpperCase()}`,
			ip: `${subnetPrefix(net, plan.lanPrefix)}.${100 + c}`,
			isWired: false,
			isGuest: wlan.isGuest,
			signal,
			noise: int(rng, -98, -90),
			essid: wlan.name,
			apMac: deviceMac(plan.devicePlan, plan.onlineAps[(rng() * plan.onlineAps.length) | 0]),
			channel: na ? pick(rng, [36, 44, 149, 157]) : pick(rng, [1, 6, 11]),
			radio: na ? 'na' : 'ng',
			satisfaction: Math.max(5, Math.min(100, Math.round(100 + (signal + 45) * 1.6 - rng() * 6))),
			vlan: net.vlan,
			networkId: net._id,
			networkName: net.name,
			uptimeSec: int(rng, 60, 72 * 3600),
			txRate: na ? int(rng, 144, 1201) * 1000 : int(rng, 54, 144) * 1000,
			rxRate: na ? int(rng, 144, 1201) * 1000 : int(rng, 54, 144) * 1000,
		});
	}
	for (let c = 0; c < plan.wiredCount; c++) {
		const net = lans[(rng() * lans.length) | 0];
		const mac = macFor('00:15:5d', plan.macBase + plan.wifiCount + c);
		clients.push({
			integrationId: integrationUuid('client', mac),
			mac,
			hostname: `${pick(rng, WIRED_NAMES)}-${hex(rng, 4).toUpperCase()}`,
			ip: `${subnetPrefix(net, plan.lanPrefix)}.${50 + c}`,
			isWired: true,
			isGuest: false,
			signal: null,
			noise: null,
			essid: null,
			apMac: null,
			channel: null,
			radio: null,
			satisfaction: null,
			vlan: net.vlan,
			networkId: net._id,
			networkName: net.name,
			uptimeSec: int(rng, 3600, 30 * 86_400),
			txRate: null,
			rxRate: null,
		});
	}
	return clients;
}

/** `count` distinct integers from [from, to), in random order. */
function sample(rng: () => number, from: number, to: number, count: number): number[] {
	if (count <= 0) return [];
	const pool: number[] = [];
	for (let i = from; i < to; i++) pool.push(i);
	shuffle(rng, pool);
	return pool.slice(0, Math.max(0, count));
}

// ---------------------------------------------------------------------------------------------- generation

/** Split `total` over `count` buckets (each >= min) by random weights; exact sum (largest remainder). */
function distribute(rng: () => number, total: number, count: number): number[] {
	if (count === 0) return [];
	const min = total >= 2 * count ? 2 : total >= count ? 1 : 0;
	const extra = total - min * count;
	const weights = Array.from({ length: count }, () => 0.25 + rng() * rng() * 3);
	const sum = weights.reduce((a, b) => a + b, 0);
	const exact = weights.map((w) => (w / sum) * extra);
	const out = exact.map((x) => min + Math.floor(x));
	let left = total - out.reduce((a, b) => a + b, 0);
	const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
	for (let k = 0; left > 0; k = (k + 1) % count, left--) out[order[k][1]]++;
	return out;
}

interface Counters {
	macSerial: number;
	ninjaDeviceId: number;
	ninjaLocationId: number;
}

export function generateWorld(opts: WorldOptions = {}): World {
	const seed = opts.seed ?? 42;
	const siteCount = Math.max(0, Math.floor(opts.sites ?? 98));
	const withUnmatched = opts.unmatched ?? true;
	let perSite: number[];
	const rng = createRng(seed);
	if (opts.devicesPerSite !== undefined) {
		perSite = new Array<number>(siteCount).fill(Math.max(1, Math.floor(opts.devicesPerSite)));
	} else {
		const total = opts.devices ?? (siteCount === 98 ? 492 : Math.round((siteCount * 492) / 98));
		perSite = distribute(rng, Math.max(0, Math.floor(total)), siteCount);
	}

	// Profiles: exact shares, shuffled.
	const critical = siteCount >= 3 ? Math.max(1, Math.round(siteCount * 0.15)) : 0;
	const warning = siteCount >= 3 ? Math.max(1, Math.round(siteCount * 0.25)) : 0;
	const profiles: SiteProfile[] = shuffle(rng, [
		...new Array<SiteProfile>(critical).fill('critical'),
		...new Array<SiteProfile>(warning).fill('warning'),
		...new Array<SiteProfile>(siteCount - critical - warning).fill('healthy'),
	]);

	// Unique customer names: a shuffled walk over prefix x trade x form combinations (+1 for the NinjaOne-only org).
	const combos = PREFIXES.length * TRADES.length * FORMS.length;
	const stride = findCoprimeStride(rng, combos);
	const start = (rng() * combos) | 0;
	const names: NameSpace = { combos, stride, start, usedDomains: new Set<string>() };

	const unmatchedIndex = withUnmatched && siteCount >= 2 ? (rng() * siteCount) | 0 : -1;
	// NinjaOne organization ids: a shuffled range so id order differs from site order.
	const orgIds = shuffle(rng, Array.from({ length: siteCount + 1 }, (_, i) => i + 2));
	const counters: Counters = { macSerial: 0x100000 + ((rng() * 0x10000) | 0), ninjaDeviceId: 1000 + ((rng() * 100) | 0), ninjaLocationId: 1 };
	const usedLocalNames = new Set<string>();

	const sites: WorldSite[] = new Array(siteCount);
	const organizations: WorldNinjaOrganization[] = [];
	for (let i = 0; i < siteCount; i++) {
		const srng = createRng(siteSeed(seed, i));
		const { name, domain } = customerName(names, i);
		const st = STATES[i % STATES.length];
		const cityIndex = (srng() * st.cities.length) | 0;
		const profile = profiles[i];
		let localName = hex(srng, 8).replace(/^[0-9]/, 's');
		while (usedLocalNames.has(localName)) localName = hex(srng, 8).replace(/^[0-9]/, 's');
		usedLocalNames.add(localName);
		const unifi = generateUnifiSite(srng, name, st.tz, profile, perSite[i], localName, counters);
		const site: WorldSite = {
			index: i,
			customerName: name,
			domain,
			state: st.code,
			city: st.cities[cityIndex],
			timezone: st.tz,
			profile,
			hubspot: {
				companyName: name,
				domain,
				city: st.cities[cityIndex],
				state: st.code,
				phone: `(${st.area[cityIndex]}) 555-${String(int(srng, 100, 9999)).padStart(4, '0')}`,
			},
			unifi,
			ninja: null,
		};
		if (i !== unmatchedIndex) {
			const org = generateNinjaOrg(srng, orgIds[i], name, profile, i, unifi.siteId, counters, perSite[i]);
			site.ninja = org;
			organizations.push(org);
		}
		sites[i] = site;
	}
	const ninjaOnly: WorldNinjaOrganization[] = [];
	if (withUnmatched) {
		const orng = createRng(siteSeed(seed, siteCount + 7));
		const { name } = customerName(names, siteCount);
		const org = generateNinjaOrg(orng, orgIds[siteCount], name, 'healthy', null, null, counters, 4);
		ninjaOnly.push(org);
		organizations.push(org);
	}
	organizations.sort((a, b) => a.id - b.id);
	const profileCounts: Record<SiteProfile, number> = { healthy: 0, warning: 0, critical: 0 };
	for (const p of profiles) profileCounts[p]++;
	const connector = chooseConnectorTrouble(seed, sites);
	return {
		seed,
		sites,
		deviceCount: perSite.reduce((a, b) => a + b, 0),
		ninjaOrganizations: organizations,
		ninjaOnlyOrganizations: ninjaOnly,
		ninjaDeviceCount: organizations.reduce((a, o) => a + o.devices.length, 0),
		unmatched: {
			unifiSiteIds: unmatchedIndex >= 0 ? [sites[unmatchedIndex].unifi.siteId] : [],
			ninjaOrganizationIds: ninjaOnly.map((o) => o.id),
		},
		profiles: profileCounts,
		connector,
	};
}

/**
 * The connector's unreadable consoles (`World.connector`), from a PRNG of their own so the rest of the world is
 * unchanged: among connected consoles of sites with a NinjaOne organization, one gets firmware below the floor and
 * another one times out.
 */
function chooseConnectorTrouble(seed: number, sites: WorldSite[]): World['connector'] {
	const eligible = sites.filter((s) => s.unifi.host.state === 'connected' && s.ninja !== null);
	if (eligible.length < 3) return { belowFloorHostIds: [], timeoutHostIds: [] };
	const rng = createRng((seed ^ 0x2c0ec7) >>> 0);
	const below = eligible.splice((rng() * eligible.length) | 0, 1)[0];
	const timeout = eligible[(rng() * eligible.length) | 0];
	below.unifi.host.firmwareVersion = BELOW_FLOOR_FIRMWARE;
	below.unifi.devicePlan.gatewayVersion = BELOW_FLOOR_FIRMWARE;
	return { belowFloorHostIds: [below.unifi.hostId], timeoutHostIds: [timeout.unifi.hostId] };
}

interface NameSpace {
	combos: number;
	stride: number;
	start: number;
	usedDomains: Set<string>;
}

function slug(s: string): string {
	return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The i-th unique customer name of the world and a unique domain for it. */
function customerName(ns: NameSpace, i: number): { name: string; domain: string } {
	const c = (ns.start + i * ns.stride) % ns.combos;
	const round = Math.floor(i / ns.combos);
	const p = PREFIXES[c % PREFIXES.length];
	const t = TRADES[Math.floor(c / PREFIXES.length) % TRADES.length];
	const f = FORMS[Math.floor(c / (PREFIXES.length * TRADES.length))];
	const name = `${p} ${t} ${f}${round ? ` ${round + 1}` : ''}`;
	let domain = `${slug(p)}${slug(t)}.com`;
	if (ns.usedDomains.has(domain)) domain = `${slug(p)}${slug(t)}${slug(f)}${round ? round + 1 : ''}.com`;
	let n = 2;
	while (ns.usedDomains.has(domain)) domain = `${slug(p)}${slug(t)}${slug(f)}${n++}.com`;
	ns.usedDomains.add(domain);
	return { name, domain };
}

function gcd(a: number, b: number): number {
	while (b) [a, b] = [b, a % b];
	return a;
}

function findCoprimeStride(rng: () => number, n: number): number {
	let s = Math.floor(n * (0.3 + rng() * 0.4)) | 1;
	while (gcd(s, n) !== 1) s++;
	return s;
}

function generateUnifiSite(
	rng: () => number,
	customerName: string,
	timezone: string,
	profile: SiteProfile,
	deviceTotal: number,
	localSiteName: string,
	counters: Counters,
): WorldUnifiSite {
	const siteId = hex(rng, 24);
	const gwModel = pick(rng, GATEWAYS);
	const compact = customerName.replace(/[^A-Za-z0-9]/g, '');
	const octet2 = int(rng, 16, 31);
	const lanPrefix = `10.${octet2}.1`;

	// Devices: the gateway (the console), then APs and switches. Materialised on demand from a compact plan
	// (see `materialiseDevices`) so 10,000 x 50 devices do not sit in memory.
	const aps = deviceTotal >= 2 ? Math.max(1, Math.round((deviceTotal - 1) * 0.6)) : 0;
	const switches = Math.max(0, deviceTotal - 1 - aps);
	const macBase = counters.macSerial;
	counters.macSerial += Math.max(1, deviceTotal);
	const plan: DevicePlan = {
		seed: (rng() * 0x100000000) >>> 0,
		total: deviceTotal,
		aps,
		gateway: gwModel,
		gatewayName: `${customerName} ${gwModel.model}`,
		macBase,
		lanPrefix,
		offline: [],
		pending: [],
	};
	let gatewayOffline = false;
	let offlineCount = 0;
	let pendingCount = 0;
	if (profile === 'warning') {
		offlineCount = deviceTotal >= 3 && rng() < 0.6 ? 1 : 0;
		pendingCount = Math.min(deviceTotal, int(rng, 1, 3));
	} else if (profile === 'critical') {
		gatewayOffline = deviceTotal > 0 && rng() < 0.3;
		offlineCount = Math.min(Math.max(0, deviceTotal - 2), int(rng, 1, 3));
		pendingCount = Math.min(deviceTotal, int(rng, 2, 5));
	}
	if (gatewayOffline) plan.offline.push(0);
	// Device 1 (the first AP) stays online so every site with an AP has WiFi clients.
	plan.offline.push(...sample(rng, 2, deviceTotal, offlineCount));
	plan.pending.push(...sample(rng, 0, deviceTotal, pendingCount));
	const consoleMac = deviceMac(plan, 0);
	const hostId = `${hex(rng, 40).toUpperCase()}${consoleMac.replace(/:/g, '').toUpperCase()}0000000000:${int(rng, 100000000, 999999999)}`;

	// Networks: untagged default LAN, WAN, and 1-4 tagged VLANs (never 1).
	const networks: WorldNetwork[] = [
		{ _id: hex(rng, 24), integrationId: '', name: 'Default', purpose: 'corporate', networkgroup: 'LAN', vlanEnabled: false, vlan: null, ipSubnet: `${lanPrefix}.1/24`, dhcpdEnabled: true, isDefault: true },
		{ _id: hex(rng, 24), integrationId: '', name: 'Primary (WAN1)', purpose: 'wan', networkgroup: 'WAN', vlanEnabled: false, vlan: null, ipSubnet: null, dhcpdEnabled: false, isDefault: false },
	];
	const chosen = VLAN_CHOICES.filter((v) => (v.vlan === 10 ? rng() < 0.8 : v.vlan === 20 ? rng() < 0.65 : rng() < 0.3));
	if (!chosen.length) chosen.push(VLAN_CHOICES[0]);
	for (const v of chosen.slice(0, 4)) {
		networks.push({
			_id: hex(rng, 24),
			integrationId: '',
			name: v.name,
			purpose: v.purpose,
			networkgroup: 'LAN',
			vlanEnabled: true,
			vlan: v.vlan,
			ipSubnet: `10.${octet2}.${v.third}.1/24`,
			dhcpdEnabled: true,
			isDefault: false,
		});
	}
	for (const n of networks) n.integrationId = integrationUuid('network', n._id);
	const lanNetworks = networks.filter((n) => n.networkgroup === 'LAN');
	const staffNet = networks.find((n) => n.vlan === 10) ?? networks[0];
	const guestNet = networks.find((n) => n.purpose === 'guest');
	const ssidBase = compact.slice(0, 16);
	const wlans: WorldWlan[] = [{ _id: hex(rng, 24), name: ssidBase, networkId: staffNet._id, isGuest: false, security: 'wpapsk' }];
	if (guestNet) wlans.push({ _id: hex(rng, 24), name: `${ssidBase}-Guest`, networkId: guestNet._id, isGuest: true, security: 'open' });

	// Clients: counts decided here, records materialised on demand (see `materialiseClients`).
	const onlineAps: number[] = [];
	for (let k = 1; k <= aps; k++) if (!plan.offline.includes(k)) onlineAps.push(k);
	const wifiCount = onlineAps.length ? int(rng, 4, 14) : 0;
	const weakShare = profile === 'healthy' ? 0 : profile === 'warning' ? 0.2 + rng() * 0.15 : 0.4 + rng() * 0.3;
	const weakCount = profile === 'healthy' || wifiCount === 0 ? 0 : Math.max(1, Math.round(wifiCount * weakShare));
	const guestCount = wlans.length > 1 ? Math.round(wifiCount * rng() * 0.4) : 0;
	const wiredCount = int(rng, 1, 4);
	const clientPlan: ClientPlan = {
		seed: (rng() * 0x100000000) >>> 0,
		profile,
		wifiCount,
		weakCount,
		guestCount,
		wiredCount,
		macBase: counters.macSerial,
		devicePlan: plan,
		onlineAps,
		networks,
		wlans,
		lanPrefix,
	};
	counters.macSerial += wifiCount + wiredCount;

	// WAN baseline and statistics.
	const isp = pick(rng, ISPS);
	const wan =
		profile === 'healthy'
			? { latencyAvgMs: int(rng, 8, 28), latencyMaxMs: int(rng, 30, 60), packetLossPercent: round1(rng() * 0.2), uptimePercent: round1(99.9 + rng() * 0.1), txRetryPercent: round1(1 + rng() * 4) }
			: profile === 'warning'
				? { latencyAvgMs: int(rng, 45, 90), latencyMaxMs: int(rng, 120, 250), packetLossPercent: round1(0.5 + rng() * 1.5), uptimePercent: round1(98.5 + rng() * 1), txRetryPercent: round1(6 + rng() * 6) }
				: { latencyAvgMs: int(rng, 130, 320), latencyMaxMs: int(rng, 400, 950), packetLossPercent: round1(3 + rng() * 7), uptimePercent: round1(90 + rng() * 7), txRetryPercent: round1(12 + rng() * 14) };
	const speeds = pick(rng, [
		[300_000, 20_000],
		[500_000, 50_000],
		[1_000_000, 1_000_000],
		[200_000, 10_000],
	]);
	const internetIssues: WorldSiteStatistics['internetIssues'] =
		profile === 'healthy'
			? []
			: profile === 'warning'
				? [{ index: int(rng, 0, 23), latencyAvgMs: wan.latencyAvgMs, latencyMaxMs: wan.latencyMaxMs }]
				: [
						{ index: int(rng, 0, 11), highLatency: true, latencyAvgMs: wan.latencyAvgMs, latencyMaxMs: wan.latencyMaxMs },
						{ index: int(rng, 12, 23), highLatency: true, latencyAvgMs: Math.round(wan.latencyAvgMs * 0.8), latencyMaxMs: Math.round(wan.latencyMaxMs * 0.7) },
					];
	let offlineAps = 0;
	let offlineSwitches = 0;
	for (const k of plan.offline) {
		if (k >= 1 && k <= aps) offlineAps++;
		else if (k > aps) offlineSwitches++;
	}
	const statistics: WorldSiteStatistics = {
		counts: {
			criticalNotification: profile === 'critical' ? int(rng, 1, 3) : 0,
			gatewayDevice: deviceTotal > 0 ? 1 : 0,
			guestClient: guestCount,
			lanConfiguration: lanNetworks.length,
			offlineDevice: plan.offline.length,
			offlineGatewayDevice: gatewayOffline ? 1 : 0,
			offlineWifiDevice: offlineAps,
			offlineWiredDevice: offlineSwitches,
			pendingUpdateDevice: plan.pending.length,
			totalDevice: deviceTotal,
			wanConfiguration: 1,
			wifiClient: wifiCount,
			wifiConfiguration: wlans.length,
			wifiDevice: aps,
			wiredClient: wiredCount,
			wiredDevice: deviceTotal - aps - (deviceTotal > 0 ? 1 : 0),
		},
		internetIssues,
		ispInfo: { name: isp.name, organization: isp.organization },
		percentages: { txRetry: wan.txRetryPercent, wanUptime: wan.uptimePercent },
	};
	const host: WorldUnifiHost = {
		id: hostId,
		hardwareId: uuid(rng),
		type: 'console',
		ipAddress: `${int(rng, 24, 98)}.${int(rng, 1, 254)}.${int(rng, 1, 254)}.${int(rng, 2, 254)}`,
		owner: true,
		isBlocked: false,
		registeredAgoSec: int(rng, 200 * 86_400, 1200 * 86_400),
		lastConnectionChangeAgoSec: gatewayOffline ? int(rng, 3600, 3 * 86_400) : int(rng, 3 * 86_400, 60 * 86_400),
		latestBackupAgoSec: profile === 'critical' && rng() < 0.5 ? int(rng, 10 * 86_400, 40 * 86_400) : int(rng, 600, 86_400),
		name: plan.gatewayName,
		hostname: `${compact.toLowerCase().slice(0, 20)}-gw`,
		firmwareVersion: plan.pending.includes(0) ? gwModel.older : gwModel.latest,
		state: gatewayOffline ? 'disconnected' : 'connected',
		mac: consoleMac,
		model: gwModel.model,
		shortname: gwModel.shortname,
	};
	return {
		hostId,
		siteId,
		host,
		devicePlan: plan,
		get devices(): WorldUnifiDevice[] {
			return materialiseDevices(plan, clientPlan);
		},
		clientPlan,
		get clients(): WorldUnifiClient[] {
			return materialiseClients(clientPlan);
		},
		meta: { desc: customerName, name: 'default', timezone, gatewayMac: consoleMac },
		statistics,
		localSiteName,
		integrationSiteId: uuid(rng),
		networks,
		wlans,
		isp,
		wan: { ...wan, downloadKbps: speeds[0], uploadKbps: speeds[1] },
	};
}

type AlertType = { sourceType: string; sourceName: string; subject: string; severity: WorldNinjaAlert['severity'] };

function addAlert(rng: () => number, alerts: WorldNinjaAlert[], d: WorldNinjaDevice, type: AlertType): void {
	alerts.push({
		uid: uuid(rng),
		deviceId: d.id,
		sourceType: type.sourceType,
		sourceName: type.sourceName,
		subject: type.subject,
		message: `${type.subject} on ${d.systemName}`,
		severity: type.severity,
		createdAgoSec: int(rng, 300, 5 * 86_400),
	});
	d.health.alertCount++;
}

function goOffline(rng: () => number, alerts: WorldNinjaAlert[], d: WorldNinjaDevice): void {
	d.offline = true;
	d.lastContactAgoSec = int(rng, 2 * 3600, 6 * 86_400);
	addAlert(rng, alerts, d, { sourceType: 'AGENT_OFFLINE', sourceName: 'Agent Offline', subject: 'Device offline', severity: d.nodeClass.includes('SERVER') ? 'CRITICAL' : 'MAJOR' });
}

function generateNinjaOrg(
	rng: () => number,
	id: number,
	customerName: string,
	profile: SiteProfile,
	siteIndex: number | null,
	siteId: string | null,
	counters: Counters,
	unifiDevices: number,
): WorldNinjaOrganization {
	const variant = nameVariant(rng, customerName);
	const fields: Record<string, string> = {};
	if (siteId && rng() < 0.12) fields.unifiSiteId = siteId;
	const locations = [{ id: counters.ninjaLocationId++, name: 'Main Office', address: `${int(rng, 10, 9999)} ${pick(rng, ['Main St', 'Oak Ave', 'Market St', '1st Ave', 'Park Blvd'])}`, description: '' }];
	if (rng() < 0.3) locations.push({ id: counters.ninjaLocationId++, name: 'Branch Office', address: `${int(rng, 10, 9999)} ${pick(rng, ['Elm St', 'Pine Rd', 'Commerce Dr'])}`, description: '' });

	// Device mix: 1-2 servers, workstations (some Macs), sometimes an NMS device. Roughly tracks site size.
	const total = Math.max(3, Math.min(12, Math.round(Math.min(unifiDevices, 8) * 0.8 + 1 + rng() * 4)));
	const classes: NinjaNodeClass[] = ['WINDOWS_SERVER'];
	if (total >= 8 && rng() < 0.5) classes.push(rng() < 0.8 ? 'WINDOWS_SERVER' : 'LINUX_SERVER');
	if (rng() < 0.25) classes.push(pick(rng, ['NMS_SWITCH', 'NMS_FIREWALL', 'NMS_ROUTER', 'NMS_WAP'] as const));
	while (classes.length < total) classes.push(rng() < 0.22 ? 'MAC' : 'WINDOWS_WORKSTATION');
	const prefix = customerName
		.split(' ')
		.map((w) => w[0])
		.join('')
		.toUpperCase();
	const dnsSuffix = customerName.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12);
	const devices: WorldNinjaDevice[] = classes.map((nodeClass, k) => {
		counters.ninjaDeviceId += 1 + (rng() < 0.1 ? int(rng, 1, 5) : 0);
		const isServer = nodeClass === 'WINDOWS_SERVER' || nodeClass === 'LINUX_SERVER';
		const isNms = nodeClass.startsWith('NMS_');
		const systemName = flat(isServer ? `${prefix}-SRV${String(k + 1).padStart(2, '0')}` : isNms ? `${prefix}-${nodeClass.slice(4)}` : `${prefix}-${nodeClass === 'MAC' ? 'MBP' : 'WS'}${String(k + 1).padStart(3, '0')}`);
		const os = isNms ? NINJA_OS.NMS : NINJA_OS[nodeClass as Exclude<NinjaNodeClass, 'NMS_SWITCH' | 'NMS_ROUTER' | 'NMS_FIREWALL' | 'NMS_WAP'>];
		return {
			id: counters.ninjaDeviceId,
			uid: uuid(rng),
			organizationId: id,
			locationId: locations[(rng() * locations.length) | 0].id,
			nodeClass,
			displayName: systemName,
			systemName,
			dnsName: flat(`${systemName.toLowerCase()}.${dnsSuffix}.local`),
			approvalStatus: 'APPROVED',
			offline: false,
			createdAgoSec: int(rng, 60 * 86_400, 1000 * 86_400),
			lastContactAgoSec: int(rng, 5, 240),
			ipAddress: flat(`192.168.${int(rng, 1, 20)}.${int(rng, 10, 250)}`),
			macAddress: macFor('00:50:56', counters.macSerial++),
			os,
			system: {
				manufacturer: nodeClass === 'MAC' ? 'Apple Inc.' : isNms ? 'Ubiquiti Inc.' : isServer ? 'Dell Inc.' : pick(rng, ['Dell Inc.', 'HP', 'Lenovo']),
				model: nodeClass === 'MAC' ? 'MacBookPro18,3' : isServer ? 'PowerEdge R450' : isNms ? 'SNMP' : pick(rng, ['OptiPlex 7010', 'EliteBook 840 G9', 'ThinkPad T14']),
				serialNumber: hex(rng, 10).toUpperCase(),
			},
			health: {
				healthStatus: isNms ? 'UNKNOWN' : 'HEALTHY',
				alertCount: 0,
				activeThreatsCount: 0,
				quarantinedThreatsCount: 0,
				failedOSPatchesCount: 0,
				pendingOSPatchesCount: isNms ? 0 : rng() < 0.3 ? int(rng, 1, 2) : 0,
				pendingRebootReason: null,
			},
		};
	});
	if (rng() < 0.1 && devices.length > 3) devices[devices.length - 1].approvalStatus = 'PENDING';

	// Trouble.
	const agents = devices.filter((d) => !d.nodeClass.startsWith('NMS_'));
	const workstations = agents.filter((d) => d.nodeClass === 'WINDOWS_WORKSTATION' || d.nodeClass === 'MAC');
	const alerts: WorldNinjaAlert[] = [];
	if (profile === 'warning') {
		const ws = shuffle(rng, workstations.slice());
		if (ws[0]) goOffline(rng, alerts, ws[0]);
		for (const d of ws.slice(1, 1 + int(rng, 1, 2))) {
			d.health.failedOSPatchesCount = int(rng, 1, 2);
			d.health.pendingOSPatchesCount = int(rng, 3, 8);
			d.health.pendingRebootReason = rng() < 0.5 ? 'OS_PATCHES' : null;
		}
		for (const d of shuffle(rng, agents.slice()).slice(0, int(rng, 1, 2))) addAlert(rng, alerts, d, pick(rng, ALERT_TYPES));
	} else if (profile === 'critical') {
		const server = agents.find((d) => d.nodeClass === 'WINDOWS_SERVER');
		if (server && rng() < 0.5) goOffline(rng, alerts, server);
		const ws = shuffle(rng, workstations.slice());
		for (const d of ws.slice(0, int(rng, 1, 2))) goOffline(rng, alerts, d);
		for (const d of ws.slice(2, 2 + int(rng, 1, 2))) {
			d.health.activeThreatsCount = int(rng, 1, 3);
			d.health.quarantinedThreatsCount = int(rng, 0, 2);
			addAlert(rng, alerts, d, { sourceType: 'CONDITION_ANTIVIRUS_THREAT', sourceName: 'Active threat detected', subject: 'Antivirus threat detected', severity: 'CRITICAL' });
		}
		for (const d of shuffle(rng, agents.slice()).slice(0, int(rng, 2, 4))) {
			d.health.failedOSPatchesCount = int(rng, 3, 6);
			d.health.pendingOSPatchesCount = int(rng, 5, 15);
			d.health.pendingRebootReason = 'OS_PATCHES';
		}
		for (const d of shuffle(rng, agents.slice()).slice(0, int(rng, 1, 3))) addAlert(rng, alerts, d, pick(rng, ALERT_TYPES));
	}
	for (const d of agents) {
		const h = d.health;
		h.healthStatus =
			h.activeThreatsCount > 0 || h.failedOSPatchesCount >= 3 || (d.offline && d.nodeClass.includes('SERVER'))
				? 'UNHEALTHY'
				: d.offline || h.alertCount > 0 || h.failedOSPatchesCount > 0 || h.pendingOSPatchesCount > 5
					? 'NEEDS_ATTENTION'
					: 'HEALTHY';
	}
	alerts.sort((a, b) => a.createdAgoSec - b.createdAgoSec);
	return {
		id,
		name: variant.name,
		nameVariant: variant.variant,
		description: siteIndex === null ? 'Managed endpoints only (no network management)' : `Managed services customer since ${2016 + int(rng, 0, 8)}`,
		nodeApprovalMode: rng() < 0.8 ? 'AUTOMATIC' : 'MANUAL',
		tags: profile === 'critical' ? ['priority'] : [],
		fields,
		locations,
		siteIndex,
		devices,
		alerts,
	};
}
