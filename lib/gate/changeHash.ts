import { createHash } from 'node:crypto';
import { ValidationError } from '../errors';
import { issuePath } from '../validation';
import type { ChangeRequest } from './changeRequest';
import { isPlainObject, normaliseIdentity } from './reasons';

/**
 * The digest a checker approves. An approval names this hash, so any edit to an approved field after the request
 * (another site, another VLAN, a different description) makes the approval void. Only the form of the change does
 * not count: the order of sites, VLAN ids and WiFi settings, whitespace at the ends of text, the case of the
 * maker's identity, and a missing versus a blank rollback plan.
 */

/**
 * JSON with object keys sorted at every level and no whitespace, so equal values give equal text on every host.
 * Properties whose value is undefined are left out (as JSON.stringify does); anything JSON cannot carry exactly
 * (NaN, Infinity, dates, class instances, bigint) is refused rather than silently changed.
 */
export function canonicalJson(value: unknown): string {
	return write(value, []);
}

function write(value: unknown, path: Array<string | number>): string {
	if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw notJson(path, String(value));
		return JSON.stringify(value);
	}
	if (Array.isArray(value)) return `[${value.map((entry, index) => write(entry, [...path, index])).join(',')}]`;
	if (isPlainObject(value) && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
		const keys = Object.keys(value)
			.filter((key) => value[key] !== undefined)
			.sort();
		return `{${keys.map((key) => `${JSON.stringify(key)}:${write(value[key], [...path, key])}`).join(',')}}`;
	}
	throw notJson(path, value === undefined ? 'undefined' : typeof value === 'object' ? 'an object that is not plain data' : typeof value);
}

function notJson(path: Array<string | number>, received: string): ValidationError {
	return new ValidationError(`Cannot hash ${issuePath(path)}: expected a JSON value (text, finite number, boolean, null, list or plain object), received ${received}`, {
		service: 'internal',
		field: issuePath(path),
		expected: 'a JSON value',
		received,
	});
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Separates change hashes from promotion hashes: the same fields never mean both. */
const CHANGE_HASH_KIND = 'msp-ops.gate.change.v1';

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * sha256 (hex) of the canonical JSON of everything the checker approves. Normalises on its own (trims, sorts, treats
 * a blank rollback plan as none), so a request built by hand hashes like the same request read by readChangeRequest.
 */
export function changeHash(request: ChangeRequest): string {
	const rollbackPlan = request.rollbackPlan?.trim();
	const canonical = {
		kind: CHANGE_HASH_KIND,
		maker: normaliseIdentity(request.maker),
		sites: request.sites.map((site) => site.trim()).sort(byCodeUnit),
		changeType: request.changeType.trim(),
		risk: request.risk,
		description: request.description.trim(),
		rollbackPlan: rollbackPlan ? rollbackPlan : null,
		vlanIds: request.vlanIds?.length ? [...request.vlanIds].sort((a, b) => a - b) : null,
		// canonicalJson sorts the setting names.
		wifi: request.wifi && Object.keys(request.wifi).length > 0 ? request.wifi : null,
	};
	return sha256Hex(canonicalJson(canonical));
}
