import { z } from 'zod';
import { parseWith } from './validation';

/**
 * Domain settings every node shares. The defaults are the MSP's operating rules carried over from the seed
 * scripts: WiFi clients below -65 dBm are "weak", VLAN 1 and 4095 are reserved, a change touching more than
 * 10 sites is a bulk change that needs a second person, HIGH/CRITICAL changes need a rollback plan.
 */

export const RISK_LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const riskLevelSchema = z.enum(RISK_LEVELS);

/** 802.1Q ids usable for a network: 1-4094 (0 and 4095 are reserved by the standard). */
export const MIN_VLAN_ID = 1;
export const MAX_VLAN_ID = 4094;
export const vlanIdSchema = z.number().int().min(MIN_VLAN_ID).max(MAX_VLAN_ID);

export const domainConfigSchema = z
	.object({
		/** A WiFi client whose signal is below this (dBm, negative) counts as weak. */
		minWifiSignalDbm: z.number().int().min(-100).max(-30).default(-65),
		/** VLAN ids that changes must not use (1 is the default/native VLAN, 4095 is reserved by UniFi). */
		reservedVlans: z.array(z.number().int().min(0).max(4095)).default([1, 4095]),
		/** A change touching more than this many sites needs a second approver. */
		bulkSiteThreshold: z.number().int().min(1).default(10),
		/** Risk levels for which a rollback plan is mandatory before approval. */
		rollbackRequiredFor: z.array(riskLevelSchema).default(['HIGH', 'CRITICAL']),
		/** Risk levels that need an explicit approval even for a single site. */
		approvalRequiredFor: z.array(riskLevelSchema).default(['HIGH', 'CRITICAL']),
	})
	.strict();

export type DomainConfig = z.infer<typeof domainConfigSchema>;

export const DEFAULT_DOMAIN_CONFIG: DomainConfig = Object.freeze(domainConfigSchema.parse({})) as DomainConfig;

/** Parse user-supplied domain settings (partial), filling defaults; throws a ValidationError naming the field. */
export function resolveDomainConfig(input: unknown = {}): DomainConfig {
	return parseWith(domainConfigSchema, input ?? {}, { what: 'domain settings' });
}

/** Whether `vlan` may be used for a network change under `config`. */
export function isUsableVlan(vlan: number, config: DomainConfig = DEFAULT_DOMAIN_CONFIG): boolean {
	return Number.isInteger(vlan) && vlan >= MIN_VLAN_ID && vlan <= MAX_VLAN_ID && !config.reservedVlans.includes(vlan);
}

export function requiresRollbackPlan(risk: RiskLevel, config: DomainConfig = DEFAULT_DOMAIN_CONFIG): boolean {
	return config.rollbackRequiredFor.includes(risk);
}

export function isBulkChange(siteCount: number, config: DomainConfig = DEFAULT_DOMAIN_CONFIG): boolean {
	return siteCount > config.bulkSiteThreshold;
}
