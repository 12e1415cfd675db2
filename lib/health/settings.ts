import { z } from 'zod';
import { DEFAULT_DOMAIN_CONFIG } from '../config';
import { parseWith } from '../validation';

/**
 * Settings of the health model: component weights, status thresholds and the targets each component is
 * measured against. Every field has a default, so `{}` is a complete configuration; the node exposes them as
 * parameters and the README lists the defaults.
 */

export const HEALTH_COMPONENTS = [
	'devices',
	'firmware',
	'wan',
	'wifi',
	'notifications',
	'endpoints',
	'patching',
	'security',
	'alerts',
] as const;
export type HealthComponentName = (typeof HEALTH_COMPONENTS)[number];

/** What each component measures, for docs and the node's parameter descriptions. */
export const COMPONENT_LABELS: Record<HealthComponentName, string> = {
	devices: 'UniFi devices online (gateway offline = 0)',
	firmware: 'UniFi devices without a pending firmware update',
	wan: 'WAN uptime, latency and TX retry against their targets',
	wifi: 'WiFi clients at or above the minimum signal; without client signals, access point radio TX retries against their targets',
	notifications: 'UniFi critical notifications (each costs 50)',
	endpoints: 'NinjaOne device health (healthy 100, needs attention 50, unhealthy or offline server 0)',
	patching: 'NinjaOne endpoints without failed OS patches or a patch backlog',
	security: 'NinjaOne active threats (any threat = 0)',
	alerts: 'Open NinjaOne alerts (each costs 20)',
};

const weight = (value: number) => z.number().min(0).max(1000).default(value);

export const healthSettingsSchema = z
	.object({
		weights: z
			.object({
				devices: weight(20),
				firmware: weight(5),
				wan: weight(15),
				wifi: weight(15),
				notifications: weight(5),
				endpoints: weight(15),
				patching: weight(10),
				security: weight(10),
				alerts: weight(5),
			})
			.strict()
			.default({}),
		/** Score at or above which a site is Healthy. */
		healthyMinScore: z.number().min(0).max(100).default(90),
		/** Score at or above which a site is Warning (below: Critical). */
		warningMinScore: z.number().min(0).max(100).default(60),
		/** A WiFi client below this signal (dBm) is weak. */
		minWifiSignalDbm: z.number().min(-100).max(-30).default(DEFAULT_DOMAIN_CONFIG.minWifiSignalDbm),
		/** WAN uptime %: at or above `good` scores 100, at or below `bad` scores 0, linear in between. */
		wanUptimeGoodPercent: z.number().min(0).max(100).default(99.9),
		wanUptimeBadPercent: z.number().min(0).max(100).default(97),
		wanLatencyGoodMs: z.number().min(0).default(50),
		wanLatencyBadMs: z.number().min(0).default(250),
		/** Site Manager site TX retry % (WAN component): at or below `good` scores 100, at or above `bad` 0. */
		txRetryGoodPercent: z.number().min(0).max(100).default(5),
		txRetryBadPercent: z.number().min(0).max(100).default(20),
		/**
		 * Access point TX retry % (WiFi component when no client signals; the worst radio of each AP): at or below
		 * `good` an AP scores 100, at or above `bad` 0, linear in between.
		 */
		wifiTxRetryGoodPercent: z.number().min(0).max(100).default(5),
		wifiTxRetryBadPercent: z.number().min(0).max(100).default(20),
		/** An endpoint with more pending OS patches than this has a patch backlog (half score). */
		pendingPatchLimit: z.number().int().min(0).default(5),
		/** Points one UniFi critical notification / one open NinjaOne alert costs its component. */
		notificationPenalty: z.number().min(0).max(100).default(50),
		alertPenalty: z.number().min(0).max(100).default(20),
		/** A gateway offline or an active threat makes the site Critical whatever its score. */
		criticalOnHardFailure: z.boolean().default(true),
	})
	.strict()
	.superRefine((s, ctx) => {
		if (s.warningMinScore > s.healthyMinScore) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				path: ['warningMinScore'],
				message: `a value <= healthyMinScore (${s.healthyMinScore})`,
			});
		}
		for (const [good, bad, higherIsBetter] of [
			['wanUptimeGoodPercent', 'wanUptimeBadPercent', true],
			['wanLatencyGoodMs', 'wanLatencyBadMs', false],
			['txRetryGoodPercent', 'txRetryBadPercent', false],
			['wifiTxRetryGoodPercent', 'wifiTxRetryBadPercent', false],
		] as const) {
			const ok = higherIsBetter ? s[good] > s[bad] : s[good] < s[bad];
			if (!ok) {
				ctx.addIssue({
					code: z.ZodIssueCode.custom,
					path: [bad],
					message: `a value ${higherIsBetter ? 'below' : 'above'} ${good} (${s[good]})`,
				});
			}
		}
		if (HEALTH_COMPONENTS.every((name) => s.weights[name] === 0)) {
			ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['weights'], message: 'at least one weight above 0' });
		}
	});

export type HealthSettings = z.infer<typeof healthSettingsSchema>;
export type HealthSettingsInput = z.input<typeof healthSettingsSchema>;

export const DEFAULT_HEALTH_SETTINGS: HealthSettings = healthSettingsSchema.parse({});

/** Parse (partial) settings, filling defaults; throws a ValidationError naming the field. */
export function resolveHealthSettings(input: unknown = {}): HealthSettings {
	return parseWith(healthSettingsSchema, input ?? {}, { what: 'Health Score settings' });
}
