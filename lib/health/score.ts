import { HEALTH_COMPONENTS, DEFAULT_HEALTH_SETTINGS, type HealthComponentName, type HealthSettings } from './settings';

/**
 * The health model: one explainable score per customer site.
 *
 * Each component turns one kind of observation into a sub-score 0-100 and a plain-language reason. The site
 * score is the weighted mean of the components that have data; a component without data is `unknown`, left
 * out of the mean and reported, so missing data lowers `confidence`, never the score. Every sub-score only
 * falls when its observation gets worse, so the site score never rises when a site gets worse.
 *
 * A site is only scored when something observes it (devices, WAN, WiFi clients or endpoints). The two problem
 * counters, UniFi notifications and NinjaOne alerts, cannot score a site on their own: zero problems reported
 * about a site nobody observes says nothing about its health, so such a site is Unknown, never Healthy.
 */

export type HealthStatus = 'Healthy' | 'Warning' | 'Critical' | 'Unknown';

/** What is known about one site. `null` means "no data", which is different from zero. */
export interface SiteObservations {
	unifi: {
		devicesTotal: number;
		devicesOffline: number;
		gatewaysOffline: number;
		pendingUpdates: number;
		criticalNotifications: number | null;
		wanUptimePercent: number | null;
		wanLatencyAvgMs: number | null;
		txRetryPercent: number | null;
	} | null;
	/** WiFi client signals in dBm, when clients were fetched for this site. */
	wifiSignalsDbm: number[] | null;
	/**
	 * TX retries (%) of the worst radio of each online access point with radio statistics, when console devices were
	 * fetched (absent or null when not). WiFi falls back to these only when the site has no client signals.
	 */
	apTxRetriesPct?: number[] | null;
	/**
	 * Online access points of the site whose statistics could not be read (the console was read only in part): the
	 * WiFi score stands on the others, its reason names the gap, and confidence counts only the share that was read.
	 */
	apStatisticsMissing?: number | null;
	/**
	 * Why the site's console was not (fully) read, from a console status record (`console <name> <status>: <reason>`);
	 * the WiFi reason when neither measure has data.
	 */
	consoleStatus?: string | null;
	ninja: {
		/** One entry per device health row of the organization. */
		devices: Array<{
			healthStatus: 'UNKNOWN' | 'HEALTHY' | 'NEEDS_ATTENTION' | 'UNHEALTHY';
			offline: boolean;
			isServer: boolean;
			activeThreatsCount: number;
			failedOSPatchesCount: number;
			pendingOSPatchesCount: number;
		}>;
		/** Open alerts of the organization (alert records, or the health rows' alert counts). */
		openAlerts: number;
	} | null;
}

export interface ComponentResult {
	/** 0-100, or null when the component has no data. */
	score: number | null;
	weight: number;
	reason: string;
	/** A failure that makes the site Critical whatever the score (gateway offline, active threat). */
	hardFailure?: boolean;
	/** Share (0-1) of the component's data that was read, when not all of it (default 1); lowers confidence. */
	coverage?: number;
}

/** Which measure scored the WiFi component: client signal (legacy `stat/sta`) or access point radio TX retries. */
export type WifiSource = 'clientSignal' | 'apTxRetries';

/** The WiFi measure a site's observations give, client signal first; null when neither has data. */
export function wifiSourceOf(obs: SiteObservations): WifiSource | null {
	if (obs.wifiSignalsDbm?.length) return 'clientSignal';
	if (obs.apTxRetriesPct?.length) return 'apTxRetries';
	return null;
}

export interface SiteHealth {
	score: number | null;
	status: HealthStatus;
	/** Share of the total weight that had data (0-1); 0 when the site has no score. */
	confidence: number;
	components: Record<HealthComponentName, ComponentResult>;
	/** Components without data. */
	unknown: HealthComponentName[];
	/** The measure behind the WiFi component, or null when WiFi is unknown. */
	wifiSource: WifiSource | null;
	/**
	 * Reasons of the components below 100, worst first; "All checks passed" when there are none. Without a score,
	 * what is missing first ("No data", or "No device, WAN, WiFi or endpoint data" and the counters' problems).
	 */
	summary: string;
}

const clamp = (n: number) => Math.max(0, Math.min(100, n));
const round1 = (n: number) => Math.round(n * 10) / 10;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** 100 at `good` or better, 0 at `bad` or worse, linear in between (works for either direction). */
function linear(value: number, good: number, bad: number): number {
	const t = (value - bad) / (good - bad);
	return clamp(t * 100);
}

type Compute = (obs: SiteObservations, s: HealthSettings) => Omit<ComponentResult, 'weight'>;

const unknown = (reason: string) => ({ score: null, reason });

/** Components that observe the site itself; the others (notifications, alerts) only count its problems. */
const OBSERVING = new Set<HealthComponentName>(['devices', 'firmware', 'wan', 'wifi', 'endpoints', 'patching', 'security']);

const COMPONENTS: Record<HealthComponentName, Compute> = {
	devices(obs) {
		const u = obs.unifi;
		if (!u || u.devicesTotal <= 0) return unknown('no UniFi device counts');
		const online = Math.max(0, u.devicesTotal - u.devicesOffline);
		const offline = u.devicesTotal - online;
		if (u.gatewaysOffline > 0) {
			return { score: 0, hardFailure: true, reason: `gateway offline (${offline} of ${u.devicesTotal} devices offline)` };
		}
		return {
			score: (100 * online) / u.devicesTotal,
			reason: offline ? `${offline} of ${u.devicesTotal} devices offline` : `all ${u.devicesTotal} devices online`,
		};
	},
	firmware(obs) {
		const u = obs.unifi;
		if (!u || u.devicesTotal <= 0) return unknown('no UniFi device counts');
		const pending = Math.min(u.devicesTotal, Math.max(0, u.pendingUpdates));
		return {
			score: (100 * (u.devicesTotal - pending)) / u.devicesTotal,
			reason: pending
				? `${pending} of ${u.devicesTotal} devices have a firmware update pending`
				: 'firmware up to date',
		};
	},
	wan(obs, s) {
		const u = obs.unifi;
		const parts: number[] = [];
		const issues: string[] = [];
		if (u?.wanUptimePercent != null) {
			parts.push(linear(u.wanUptimePercent, s.wanUptimeGoodPercent, s.wanUptimeBadPercent));
			if (u.wanUptimePercent < s.wanUptimeGoodPercent) issues.push(`WAN uptime ${round1(u.wanUptimePercent)}% (target ${s.wanUptimeGoodPercent}%)`);
		}
		if (u?.wanLatencyAvgMs != null) {
			parts.push(linear(u.wanLatencyAvgMs, s.wanLatencyGoodMs, s.wanLatencyBadMs));
			if (u.wanLatencyAvgMs > s.wanLatencyGoodMs) issues.push(`WAN latency ${Math.round(u.wanLatencyAvgMs)} ms (target ${s.wanLatencyGoodMs} ms)`);
		}
		if (u?.txRetryPercent != null) {
			parts.push(linear(u.txRetryPercent, s.txRetryGoodPercent, s.txRetryBadPercent));
			if (u.txRetryPercent > s.txRetryGoodPercent) issues.push(`TX retry ${round1(u.txRetryPercent)}% (target ${s.txRetryGoodPercent}%)`);
		}
		if (!parts.length) return unknown('no WAN statistics');
		return { score: parts.reduce((a, b) => a + b, 0) / parts.length, reason: issues.length ? issues.join(', ') : 'WAN within targets' };
	},
	wifi(obs, s) {
		const source = wifiSourceOf(obs);
		if (source === 'clientSignal') {
			const signals = obs.wifiSignalsDbm as number[];
			let weak = 0;
			for (const dbm of signals) if (dbm < s.minWifiSignalDbm) weak++;
			return {
				score: (100 * (signals.length - weak)) / signals.length,
				reason: weak
					? `${weak} of ${signals.length} WiFi clients below ${s.minWifiSignalDbm} dBm`
					: `all ${signals.length} WiFi clients at or above ${s.minWifiSignalDbm} dBm`,
			};
		}
		if (source === 'apTxRetries') {
			// The worst radio of each AP, 100 at <= good and 0 at >= bad, averaged over the APs. Never the Site Manager
			// site TX retry: the WAN component counts that one.
			const retries = obs.apTxRetriesPct as number[];
			const good = s.wifiTxRetryGoodPercent;
			let points = 0;
			let above = 0;
			let worst = 0;
			for (const pct of retries) {
				points += linear(pct, good, s.wifiTxRetryBadPercent);
				if (pct > good) above++;
				if (pct > worst) worst = pct;
			}
			const n = retries.length;
			let reason: string;
			if (above) reason = `${above} of ${plural(n, 'access point')} above ${good}% TX retries (worst ${round1(worst)}%)`;
			else reason = n === 1 ? `1 access point at or below ${good}% TX retries` : `all ${n} access points at or below ${good}% TX retries`;
			// An access point left out is not a good one: say so, and count only the share read towards confidence.
			const missing = obs.apStatisticsMissing ?? 0;
			if (missing > 0) {
				const of = missing === 1 ? '1 more access point' : `${missing} more access points`;
				return { score: points / n, reason: `${reason}; statistics of ${of} could not be read`, coverage: n / (n + missing) };
			}
			return { score: points / n, reason };
		}
		if (obs.consoleStatus) return unknown(obs.consoleStatus);
		const missing: string[] = [];
		if (obs.wifiSignalsDbm) missing.push('no WiFi clients connected');
		if (obs.apTxRetriesPct) missing.push('no access point statistics');
		return unknown(missing.length ? missing.join(' and ') : 'WiFi not fetched');
	},
	notifications(obs, s) {
		const n = obs.unifi?.criticalNotifications;
		if (n == null) return unknown('no UniFi notification counts');
		return { score: clamp(100 - s.notificationPenalty * n), reason: n ? plural(n, 'critical UniFi notification') : 'no critical UniFi notifications' };
	},
	endpoints(obs) {
		const devices = obs.ninja?.devices;
		if (!devices) return unknown('no NinjaOne organization');
		let rated = 0;
		let points = 0;
		let unhealthy = 0;
		let attention = 0;
		let offline = 0;
		for (const d of devices) {
			// An offline device needs attention at least; an offline server is as bad as unhealthy. A device without
			// a health status (network devices monitored by SNMP) stays unrated even when offline: rating it would
			// let a device going down raise the average of a site whose rated devices are already worse.
			let status = d.healthStatus;
			if (d.offline) offline++;
			if (status === 'UNKNOWN') continue;
			if (d.offline) status = d.isServer ? 'UNHEALTHY' : status === 'HEALTHY' ? 'NEEDS_ATTENTION' : status;
			rated++;
			if (status === 'HEALTHY') points += 100;
			else if (status === 'NEEDS_ATTENTION') {
				points += 50;
				attention++;
			} else unhealthy++;
		}
		if (!rated) return unknown('no NinjaOne device health');
		const issues: string[] = [];
		if (unhealthy) issues.push(`${unhealthy} of ${rated} endpoints unhealthy`);
		if (attention) issues.push(`${attention} of ${rated} endpoints need attention`);
		if (offline) issues.push(`${offline} offline`);
		return { score: points / rated, reason: issues.length ? issues.join(', ') : `all ${rated} endpoints healthy` };
	},
	patching(obs, s) {
		const devices = obs.ninja?.devices.filter((d) => d.healthStatus !== 'UNKNOWN');
		if (!devices?.length) return unknown('no NinjaOne patch data');
		let points = 0;
		let failedDevices = 0;
		let failedPatches = 0;
		let backlog = 0;
		for (const d of devices) {
			if (d.failedOSPatchesCount > 0) {
				failedDevices++;
				failedPatches += d.failedOSPatchesCount;
			} else if (d.pendingOSPatchesCount > s.pendingPatchLimit) {
				backlog++;
				points += 50;
			} else points += 100;
		}
		const issues: string[] = [];
		if (failedDevices) issues.push(`${failedDevices} of ${devices.length} endpoints with failed OS patches (${plural(failedPatches, 'patch', 'patches')})`);
		if (backlog) issues.push(`${backlog} with more than ${s.pendingPatchLimit} pending`);
		return { score: points / devices.length, reason: issues.length ? issues.join(', ') : 'OS patching up to date' };
	},
	security(obs) {
		const devices = obs.ninja?.devices.filter((d) => d.healthStatus !== 'UNKNOWN');
		if (!devices?.length) return unknown('no NinjaOne threat data');
		let threats = 0;
		let affected = 0;
		for (const d of devices) {
			if (d.activeThreatsCount > 0) {
				threats += d.activeThreatsCount;
				affected++;
			}
		}
		if (!threats) return { score: 100, reason: 'no active threats' };
		return { score: 0, hardFailure: true, reason: `${plural(threats, 'active threat')} on ${plural(affected, 'endpoint')}` };
	},
	alerts(obs, s) {
		if (!obs.ninja) return unknown('no NinjaOne organization');
		const n = obs.ninja.openAlerts;
		return { score: clamp(100 - s.alertPenalty * n), reason: n ? plural(n, 'open NinjaOne alert') : 'no open NinjaOne alerts' };
	},
};

/** Score one site. Pure: same observations and settings, same result. */
export function computeSiteHealth(obs: SiteObservations, settings: HealthSettings = DEFAULT_HEALTH_SETTINGS): SiteHealth {
	const components = {} as Record<HealthComponentName, ComponentResult>;
	const unknownNames: HealthComponentName[] = [];
	let totalWeight = 0;
	let knownWeight = 0;
	/** The weight behind confidence: a component read only in part counts for the share read. */
	let coveredWeight = 0;
	let weighted = 0;
	let hardFailure = false;
	for (const name of HEALTH_COMPONENTS) {
		const weight = settings.weights[name];
		const result = COMPONENTS[name](obs, settings);
		const score = result.score === null ? null : Math.round(result.score * 10) / 10;
		components[name] = { ...result, score, weight };
		totalWeight += weight;
		if (score === null) {
			unknownNames.push(name);
			continue;
		}
		if (weight > 0) {
			knownWeight += weight;
			coveredWeight += weight * (result.coverage ?? 1);
			weighted += weight * score;
			if (result.hardFailure) hardFailure = true;
		}
	}
	const observed = HEALTH_COMPONENTS.some((n) => OBSERVING.has(n) && components[n].score !== null);
	const score = observed && knownWeight > 0 ? Math.round(weighted / knownWeight) : null;
	let status: HealthStatus;
	if (score === null) status = 'Unknown';
	else if (hardFailure && settings.criticalOnHardFailure) status = 'Critical';
	else if (score >= settings.healthyMinScore) status = 'Healthy';
	else if (score >= settings.warningMinScore) status = 'Warning';
	else status = 'Critical';

	// Problems: components below 100, and those whose data was only partly read (their reason names the gap).
	const problems = HEALTH_COMPONENTS.filter((n) => components[n].score !== null && components[n].weight > 0 && ((components[n].score as number) < 100 || (components[n].coverage ?? 1) < 1))
		// Worst first: the biggest loss of weighted points leads the summary.
		.sort((a, b) => components[b].weight * (100 - (components[b].score as number)) - components[a].weight * (100 - (components[a].score as number)));
	const reasons = problems.map((n) => components[n].reason);
	let summary: string;
	if (score !== null) summary = reasons.length ? reasons.join('; ') : 'All checks passed';
	else if (unknownNames.length === HEALTH_COMPONENTS.length) summary = 'No data';
	else if (!observed) summary = ['No device, WAN, WiFi or endpoint data', ...reasons].join('; ');
	else summary = 'No data for the components with a weight';
	return {
		score,
		status,
		confidence: score !== null && totalWeight > 0 ? Math.round((coveredWeight / totalWeight) * 100) / 100 : 0,
		components,
		unknown: unknownNames,
		wifiSource: components.wifi.score === null ? null : wifiSourceOf(obs),
		summary,
	};
}
