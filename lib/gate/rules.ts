import { DEFAULT_DOMAIN_CONFIG, isBulkChange, isUsableVlan, MAX_VLAN_ID, MIN_VLAN_ID, requiresRollbackPlan, type DomainConfig, type RiskLevel } from '../config';
import { REDACTION_MASK } from '../http/redact';
import { changeHash } from './changeHash';
import { readChangeRequest, type ChangeRequest, type WifiValue } from './changeRequest';
import { isPlainObject, type GateReason, type GateResult } from './reasons';

/**
 * The Maker/Checker rules for one change request, as a pure function of the request and the domain settings.
 *
 * Rejected: a VLAN id that is reserved or outside 1-4094, a risk level that needs a rollback plan without one, a
 * malformed request. Every broken rule gets its own reason, also when other fields are malformed, so the maker fixes
 * everything in one go. Needs approval: a bulk change (more sites than the threshold) or a risk level that needs an
 * approval. Anything else is approved automatically, with the reason why.
 */

export type ChangeEvaluation = GateResult<ChangeRequest>;

const list = (items: readonly unknown[]) => (items.length ? items.join(', ') : 'none');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * A reason per unusable VLAN id. Reads the ids as given, so the integer ids of a list that also holds a malformed
 * entry (1.5, "10") are still judged; the malformed entry has its own 'malformed' reason.
 */
function vlanReasons(vlanIds: unknown, config: DomainConfig): GateReason[] {
	const reasons: GateReason[] = [];
	if (!Array.isArray(vlanIds)) return reasons;
	const advice = `use a VLAN id between ${MIN_VLAN_ID} and ${MAX_VLAN_ID} that is not reserved (reserved: ${list(config.reservedVlans)})`;
	vlanIds.forEach((id: unknown, index) => {
		if (typeof id !== 'number' || !Number.isInteger(id) || isUsableVlan(id, config)) return;
		const field = `vlanIds[${index}]`;
		if (config.reservedVlans.includes(id)) reasons.push({ code: 'reservedVlan', field, message: `VLAN ${id} is reserved; ${advice}` });
		else reasons.push({ code: 'vlanOutOfRange', field, message: `VLAN ${id} is outside ${MIN_VLAN_ID}-${MAX_VLAN_ID}; ${advice}` });
	});
	return reasons;
}

function rollbackReason(risk: RiskLevel, config: DomainConfig): GateReason {
	return {
		code: 'rollbackPlanMissing',
		field: 'rollbackPlan',
		message: `A ${risk} risk change needs a rollback plan (required for ${list(config.rollbackRequiredFor)}); describe in rollbackPlan how to undo the change`,
	};
}

function approvalReasons(request: ChangeRequest, config: DomainConfig): GateReason[] {
	const reasons: GateReason[] = [];
	if (isBulkChange(request.sites.length, config)) {
		reasons.push({
			code: 'bulkChange',
			field: 'sites',
			message: `The change touches ${request.sites.length} sites, more than ${config.bulkSiteThreshold} (a bulk change); a checker must approve it`,
		});
	}
	if (config.approvalRequiredFor.includes(request.risk)) {
		reasons.push({
			code: 'riskNeedsApproval',
			field: 'risk',
			message: `A ${request.risk} risk change needs a checker's approval (required for ${list(config.approvalRequiredFor)})`,
		});
	}
	return reasons;
}

function autoApprovedReason(request: ChangeRequest, config: DomainConfig): GateReason {
	return {
		code: 'autoApproved',
		message:
			`Approved without a checker: ${plural(request.sites.length, 'site')} (more than ${config.bulkSiteThreshold} need approval), ` +
			`${request.risk} risk (approval required for ${list(config.approvalRequiredFor)}), no rule broken`,
	};
}

/** Setting names whose values are secrets (a WPA passphrase): the summary says they change, not what to. */
const SECRET_SETTING = /pass|psk|secret|key|token/i;
const SITES_SHOWN = 5;

function describeWifi(wifi: Record<string, WifiValue> | undefined): string {
	if (!wifi) return 'none';
	return Object.keys(wifi)
		.sort()
		.map((name) => `${name}=${SECRET_SETTING.test(name) ? REDACTION_MASK : JSON.stringify(wifi[name])}`)
		.join(', ');
}

/** The change in plain words, one line per aspect, for the checker. */
export function summariseChange(request: ChangeRequest): string {
	const shown = request.sites.slice(0, SITES_SHOWN).join(', ');
	const more = request.sites.length > SITES_SHOWN ? ` and ${request.sites.length - SITES_SHOWN} more` : '';
	return [
		`Change: ${request.changeType}, risk ${request.risk}, requested by ${request.maker}`,
		`Sites (${request.sites.length}): ${shown}${more}`,
		`VLANs: ${list(request.vlanIds ?? [])}`,
		`WiFi: ${describeWifi(request.wifi)}`,
		`Rollback plan: ${request.rollbackPlan ?? 'none'}`,
		`Description: ${request.description}`,
	].join('\n');
}

/**
 * Decide a change request. Never throws for a bad request: a malformed one is rejected with a 'malformed' reason per
 * bad field. `config` comes from resolveDomainConfig (defaults: reserved VLANs 1 and 4095, bulk above 10 sites,
 * rollback plan and approval required for HIGH and CRITICAL).
 */
export function evaluateChange(input: unknown, config: DomainConfig = DEFAULT_DOMAIN_CONFIG): ChangeEvaluation {
	const { value: request, fields, parsed, problems } = readChangeRequest(input);
	const rejections: GateReason[] = [...problems];
	if (isPlainObject(input)) rejections.push(...vlanReasons(input.vlanIds, config));
	if (fields.risk && parsed.has('rollbackPlan') && !fields.rollbackPlan && requiresRollbackPlan(fields.risk, config)) {
		rejections.push(rollbackReason(fields.risk, config));
	}
	const described = request ? { changeHash: changeHash(request), request, summary: summariseChange(request) } : {};
	if (rejections.length > 0 || !request) return { decision: 'rejected', reasons: rejections, ...described };
	const approvals = approvalReasons(request, config);
	if (approvals.length > 0) return { decision: 'needsApproval', reasons: approvals, ...described };
	return { decision: 'approved', reasons: [autoApprovedReason(request, config)], ...described };
}
