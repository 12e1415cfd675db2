import { ConfigError, isMspOpsError, MspOpsError, SyncError, ValidationError } from '../errors';
import { redact } from '../http/redact';
import { ownValue, setOwnValue } from '../records';
import { diffValues, DRY_RUN_ACTION, planRecords, type DesiredRecord, type ExistingRecord, type FailedInput, type FieldChange, type SyncAction, type ValueRules } from '../sync';
import type { HubSpotBatchOutcome, HubSpotClient, HubSpotObjectType } from './client';
import type { HubSpotObject } from './schemas';

/**
 * Keyed, diffing sync of records into HubSpot by a property with unique values (domain, email, a custom one):
 *
 * 1. Read the existing records once: batch read by the unique property, 100 keys per call, only the mapped properties.
 * 2. Plan with lib/sync: per key create / update only the changed properties / leave unchanged / fail (a key twice
 *    in the input). Values compare the way HubSpot returns them: strings, numbers and booleans as their text, null and
 *    "" both empty.
 * 3. Batch update the changed records by record id, then batch create the new ones, 100 per call.
 *
 * N rows of which k changed cost ceil(N/100) reads and ceil(k/100) writes; a re-run with nothing changed writes
 * nothing. A create whose outcome is unknown (5xx, lost connection, an answer without a result) or that met a record
 * with its key (409) is looked up by its key once before it is reported, so a re-run never duplicates a record.
 */

export type HubSpotSyncValue = string | number | boolean | null;

export interface HubSpotSyncRow {
	/** The value of the unique property that identifies the record. */
	key: string;
	properties: Record<string, HubSpotSyncValue>;
}

export interface HubSpotSyncOptions {
	/** A property with unique values (`hasUniqueValue`), matched in any case as HubSpot does. */
	uniqueProperty: string;
	rows: HubSpotSyncRow[];
	/** Plan and report (`wouldCreate`, `wouldUpdate`), writing nothing. */
	dryRun?: boolean;
}

export interface HubSpotSyncResult {
	index: number;
	/** The input's key as given (trimmed). */
	key: string;
	action: SyncAction;
	/** HubSpot record id (updated, unchanged, created). */
	id?: string;
	/** Property names written (or that a dry run would write). */
	changed: string[];
	changes?: Record<string, FieldChange>;
	/** Set when a create had to be looked up by its key after an unknown outcome or a conflict. */
	recovered?: boolean;
	error?: MspOpsError;
}

/** Values as HubSpot answers them: text; null and "" are both empty. */
export function hubspotText(value: HubSpotSyncValue | undefined): string | null {
	if (value === null || value === undefined) return null;
	const text = typeof value === 'string' ? value : typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
	return text === '' ? null : text;
}

/**
 * Equal as HubSpot would store them: both empty, the same text, a number equal to the stored number's value
 * ("17.0" and 17), a boolean equal to "true"/"false" in any case. Strings compare exactly ("1.10" is not "1.1").
 */
export function hubspotValuesEqual(existing: HubSpotSyncValue, desired: HubSpotSyncValue): boolean {
	const a = hubspotText(existing);
	const b = hubspotText(desired);
	if (a === null || b === null) return a === b;
	if (a === b) return true;
	if (typeof desired === 'number' || typeof existing === 'number') return a.trim() !== '' && b.trim() !== '' && Number(a) === Number(b);
	if (typeof desired === 'boolean' || typeof existing === 'boolean') return a.toLowerCase() === b.toLowerCase();
	return false;
}

export const HUBSPOT_VALUE_RULES: ValueRules<HubSpotSyncValue> = {
	service: 'hubspot',
	serviceLabel: 'HubSpot',
	record: 'record',
	records: 'records',
	ids: 'record ids',
	duplicateHint: 'merge the records in HubSpot',
	archiveHint: 'If the input really is complete, raise the share allowed to archive; otherwise check what feeds this sync',
	equal: hubspotValuesEqual,
	isEmpty: (value) => hubspotText(value) === null,
	display: hubspotText,
};

/** How HubSpot matches unique values: in any case, without surrounding spaces. */
const normalKey = (key: string) => key.trim().toLowerCase();

interface Existing extends ExistingRecord<HubSpotSyncValue> {
	object: HubSpotObject;
}

function existingOf(object: HubSpotObject, uniqueProperty: string, names: string[], fallbackKey: string): Existing {
	const values: Record<string, HubSpotSyncValue> = {};
	// A requested property HubSpot leaves out has no value.
	for (const name of names) setOwnValue(values, name, ownValue(object.properties, name) ?? null);
	const stored = ownValue(object.properties, uniqueProperty);
	return { id: object.id, key: typeof stored === 'string' && stored.trim() ? normalKey(stored) : fallbackKey, values, createdTime: object.createdAt, object };
}

/** A create that may have been applied, or that met an existing record with its key: look the key up before reporting it. */
function worthLookingUp(error: MspOpsError | undefined): boolean {
	if (!error || error instanceof ValidationError) return false;
	if (error.httpStatus === 409 || error.code === 'CONFLICT' || error.code === 'NO_RESULT') return true;
	// No HTTP status: a lost connection or timeout (the client says "may or may not have been written"), not an input
	// HubSpot refused in a 207 answer (those are final and not retryable).
	if (error.httpStatus === undefined) return error.retryable || /may or may not have been written/.test(error.message);
	return error.httpStatus >= 500;
}

function validateRow(row: HubSpotSyncRow, index: number, uniqueProperty: string): DesiredRecord<HubSpotSyncValue> | FailedInput {
	const key = typeof row?.key === 'string' ? row.key.trim() : row?.key === undefined || row?.key === null ? '' : String(row.key).trim();
	const fail = (message: string, field: string, expected: string, received: string, withKey = true): FailedInput => ({
		index,
		key: withKey && key ? normalKey(key) : undefined,
		// The message echoes the row's values: a secret among them is masked like in every other message (lib/http/redact).
		error: new ValidationError(redact(`HubSpot sync item ${index}: ${message}`), { service: 'hubspot', operation: 'syncRecords', itemIndex: index, field, expected: redact(expected), received: redact(received) }),
	});
	if (!key) return fail(`has no value for the unique property '${uniqueProperty}'`, 'key', `a non-empty ${uniqueProperty}`, 'nothing', false);
	const properties = row.properties ?? {};
	if (typeof properties !== 'object' || Array.isArray(properties)) return fail('properties must be an object of property name to value', 'properties', 'an object', Array.isArray(properties) ? 'an array' : typeof properties);
	const values: Record<string, HubSpotSyncValue> = {};
	for (const [name, value] of Object.entries(properties)) {
		if (value === undefined) continue;
		const ok = value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
		if (!ok) return fail(`property '${name}' must be a string, a finite number, a boolean or null`, `properties.${name}`, 'a string, number, boolean or null', Array.isArray(value) ? 'an array' : typeof value);
		setOwnValue(values, name, value);
	}
	const own = ownValue(values, uniqueProperty);
	if (own !== undefined) {
		const text = hubspotText(own);
		if (text === null || normalKey(text) !== normalKey(key)) {
			return fail(`sets '${uniqueProperty}' to '${String(own)}', which is not its key '${key}': the key is the record's ${uniqueProperty}`, `properties.${uniqueProperty}`, key, String(own));
		}
	}
	// The key matches the record already; it is written on create only (below).
	delete values[uniqueProperty];
	return { index, key: normalKey(key), values };
}

/**
 * Sync `rows` into HubSpot `type` records matched by `uniqueProperty`; one result per input row, at its index. Throws
 * only when nothing was written (an unreadable or refused read, a credential or daily-limit failure on the first
 * write); after a write, later failures become failed rows.
 */
export async function syncHubSpotRecords(client: HubSpotClient, type: HubSpotObjectType, options: HubSpotSyncOptions): Promise<HubSpotSyncResult[]> {
	const uniqueProperty = String(options?.uniqueProperty ?? '').trim();
	if (!uniqueProperty || uniqueProperty === 'hs_object_id') {
		throw new ConfigError(`HubSpot sync of ${type} needs a property with unique values to match records by (for example ${type === 'companies' ? 'domain' : 'email'})`, {
			service: 'hubspot',
			field: 'uniqueProperty',
		});
	}
	const rows = options.rows ?? [];
	const dryRun = options.dryRun === true;
	const given = rows.map((row) => (typeof row?.key === 'string' ? row.key.trim() : String(row?.key ?? '').trim()));
	const desired = rows.map((row, index) => validateRow(row, index, uniqueProperty));
	const names = new Set<string>();
	for (const d of desired) if (!('error' in d)) for (const name of Object.keys(d.values)) names.add(name);
	const properties = [...names];

	// 1. Read: one batch read per 100 distinct keys. A key whose read failed is never written (it might exist).
	const keys = [...new Set(desired.filter((d): d is DesiredRecord<HubSpotSyncValue> => !('error' in d)).map((d) => d.key))];
	const existing: Existing[] = [];
	const unreadable = new Map<string, MspOpsError>();
	if (keys.length) {
		const outcomes = await client.batchRead(type, keys, { idProperty: uniqueProperty, properties });
		outcomes.forEach((o, i) => {
			if (o.status === 'found' && o.object) existing.push(existingOf(o.object, uniqueProperty, properties, keys[i]));
			else if (o.status !== 'notFound') unreadable.set(keys[i], o.error ?? new SyncError(`HubSpot batch read of ${type} gave no answer for '${keys[i]}'`, { service: 'hubspot', operation: `batch read ${type}` }));
		});
	}
	const entries = desired.map((d): DesiredRecord<HubSpotSyncValue> | FailedInput => {
		if ('error' in d) return d;
		const readError = unreadable.get(d.key);
		if (!readError) return d;
		return {
			index: d.index,
			key: d.key,
			error: new SyncError(`HubSpot sync item ${d.index}: the existing record for '${given[d.index]}' could not be read, so nothing was written for it (${readError.message}). Run again`, {
				service: 'hubspot',
				operation: `batch read ${type}`,
				itemIndex: d.index,
				field: 'key',
				received: given[d.index],
				retryable: true,
			}),
		};
	});

	// 2. Plan.
	const plan = planRecords(existing, entries, HUBSPOT_VALUE_RULES);
	const results: HubSpotSyncResult[] = plan.records.map((r) => ({
		index: r.index,
		key: given[r.index],
		action: DRY_RUN_ACTION[r.action],
		id: r.target?.id,
		changed: r.changed,
		...(r.action === 'create' || r.action === 'update' ? { changes: r.changes } : {}),
		...(r.error ? { error: r.error } : {}),
	}));
	if (dryRun) return results.sort((a, b) => a.index - b.index);

	const valuesOf = new Map<number, Record<string, HubSpotSyncValue>>();
	for (const e of entries) if (!('error' in e)) valuesOf.set(e.index, e.values);
	const byIndex = new Map(results.map((r) => [r.index, r]));
	const updates = plan.records.filter((r) => r.action === 'update');
	const creates = plan.records.filter((r) => r.action === 'create');
	let written = false;
	let stop: MspOpsError | undefined;

	/** Run one batch write; a failure that ends the call fails its rows (or throws while nothing is written yet). */
	const write = async (indexes: number[], send: () => Promise<HubSpotBatchOutcome[]>): Promise<HubSpotBatchOutcome[] | undefined> => {
		if (!indexes.length) return [];
		if (stop) {
			for (const index of indexes) notSent(byIndex.get(index)!, stop);
			return undefined;
		}
		try {
			const outcomes = await send();
			// From here on a failure must not throw away what this call reported (even its failures may have been applied).
			written = true;
			return outcomes;
		} catch (error) {
			if (!written) throw error;
			stop = isMspOpsError(error) ? error : new SyncError(String((error as Error)?.message ?? error), { service: 'hubspot', operation: 'syncRecords' });
			for (const index of indexes) notSent(byIndex.get(index)!, stop);
			return undefined;
		}
	};

	// 3a. Updates, by record id, only the changed properties.
	const updateOutcomes = await write(
		updates.map((r) => r.index),
		() => client.batchUpdate(type, updates.map((r) => ({ id: r.target!.id, properties: pick(valuesOf.get(r.index)!, r.changed) }))),
	);
	updateOutcomes?.forEach((o, i) => {
		const result = byIndex.get(updates[i].index)!;
		if (o.status === 'updated') result.action = 'updated';
		else failRow(result, o.error);
	});

	// 3b. Creates, with the key as the unique property's value.
	const createValues = (index: number) => ({ [uniqueProperty]: given[index], ...pick(valuesOf.get(index)!, byIndex.get(index)!.changed) });
	const createOutcomes = await write(
		creates.map((r) => r.index),
		() => client.batchCreate(type, creates.map((r) => ({ properties: createValues(r.index) }))),
	);
	const lookUp: number[] = [];
	createOutcomes?.forEach((o, i) => {
		const result = byIndex.get(creates[i].index)!;
		if (o.status === 'created' && o.object) {
			result.action = 'created';
			result.id = o.object.id;
		} else if (worthLookingUp(o.error)) {
			result.error = o.error;
			lookUp.push(result.index);
		} else failRow(result, o.error);
	});

	// 3c. Creates with an unknown outcome: look their keys up once; adopt what is there, never create it twice.
	if (lookUp.length) await recoverCreates(client, type, uniqueProperty, properties, lookUp, byIndex, valuesOf, given);
	return results.sort((a, b) => a.index - b.index);
}

function pick(values: Record<string, HubSpotSyncValue>, names: string[]): Record<string, HubSpotSyncValue> {
	const out: Record<string, HubSpotSyncValue> = {};
	for (const name of names) setOwnValue(out, name, values[name]);
	return out;
}

function failRow(result: HubSpotSyncResult, error: MspOpsError | undefined): void {
	result.action = 'failed';
	result.error = error ?? new SyncError(`HubSpot sync item ${result.index}: HubSpot gave no outcome for '${result.key}'; check the record before writing it again`, { service: 'hubspot', itemIndex: result.index });
}

function notSent(result: HubSpotSyncResult, cause: MspOpsError): void {
	failRow(
		result,
		new SyncError(`HubSpot sync item ${result.index} ('${result.key}') was not written: an earlier write failed with '${cause.message}'`, {
			service: 'hubspot',
			itemIndex: result.index,
			code: cause.code,
			retryable: cause.retryable,
		}),
	);
}

async function recoverCreates(
	client: HubSpotClient,
	type: HubSpotObjectType,
	uniqueProperty: string,
	properties: string[],
	indexes: number[],
	byIndex: Map<number, HubSpotSyncResult>,
	valuesOf: Map<number, Record<string, HubSpotSyncValue>>,
	given: string[],
): Promise<void> {
	let found: HubSpotBatchOutcome[];
	try {
		found = await client.batchRead(type, indexes.map((i) => given[i]), { idProperty: uniqueProperty, properties });
	} catch (error) {
		const e = isMspOpsError(error) ? error : undefined;
		for (const index of indexes) {
			const result = byIndex.get(index)!;
			failRow(result, lookupFailed(result, e?.message ?? String(error)));
		}
		return;
	}
	const adopt: Array<{ index: number; id: string; changed: string[] }> = [];
	found.forEach((o, i) => {
		const result = byIndex.get(indexes[i])!;
		const conflict = result.error?.httpStatus === 409 || result.error?.code === 'CONFLICT';
		if (o.status === 'found' && o.object) {
			const there = existingOf(o.object, uniqueProperty, properties, normalKey(given[result.index]));
			const diff = diffValues(valuesOf.get(result.index)!, there.values, HUBSPOT_VALUE_RULES);
			result.id = o.object.id;
			result.recovered = true;
			delete result.error;
			// An unknown outcome that was applied is our create; a conflict is someone else's record, now brought up to date.
			result.action = conflict ? (diff.changed.length ? 'updated' : 'unchanged') : 'created';
			if (conflict) {
				result.changed = diff.changed;
				result.changes = diff.changes;
			}
			if (diff.changed.length) adopt.push({ index: result.index, id: o.object.id, changed: diff.changed });
		} else if (o.status === 'notFound') {
			const cause = result.error!;
			failRow(
				result,
				new SyncError(`${cause.message}. Looked up by ${uniqueProperty}: it is not in HubSpot, so nothing was written; run again to create it`, {
					service: 'hubspot',
					operation: cause.operation,
					itemIndex: result.index,
					code: cause.code,
					httpStatus: cause.httpStatus,
					requestId: cause.requestId,
					retryable: true,
				}),
			);
		} else failRow(result, lookupFailed(result, o.error?.message ?? 'no answer'));
	});
	if (!adopt.length) return;
	// The record exists with other values (created by someone else, or only partly): write the difference.
	let outcomes: HubSpotBatchOutcome[];
	try {
		outcomes = await client.batchUpdate(type, adopt.map((a) => ({ id: a.id, properties: pick(valuesOf.get(a.index)!, a.changed) })));
	} catch (error) {
		outcomes = adopt.map((_, i) => ({ index: i, status: 'failed', error: isMspOpsError(error) ? error : new SyncError(String(error), { service: 'hubspot' }) }));
	}
	outcomes.forEach((o, i) => {
		if (o.status !== 'updated') failRow(byIndex.get(adopt[i].index)!, o.error);
	});
}

function lookupFailed(result: HubSpotSyncResult, why: string): MspOpsError {
	return new SyncError(
		`${result.error?.message ?? `HubSpot create of '${result.key}' had an unknown outcome`}. Looking it up by its key failed too (${why}): check HubSpot for '${result.key}' before running again`,
		{ service: 'hubspot', itemIndex: result.index, code: result.error?.code, retryable: false },
	);
}
