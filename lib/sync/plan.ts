import { SyncError, type MspOpsError, type ServiceName } from '../errors';
import { ownValue, setOwnValue } from '../records';

/**
 * The keyed-diff planner shared by every sync adapter (Notion rows, HubSpot records): read the existing records
 * once, then decide per key what to create, update (only the changed fields), leave alone, fail or archive. Pure: no
 * I/O, no service types. The adapter hands in how its values compare, when one is empty, how one is shown, and the
 * words its messages use.
 */

export type DuplicatePolicy = 'fail' | 'updateOldest';

/** A record as read from the service: its id, its key (null when the key field is blank) and the compared values. */
export interface ExistingRecord<V> {
	id: string;
	key: string | null;
	values: Record<string, V>;
	/** ISO 8601; orders records sharing a key (oldest first) for `updateOldest`. */
	createdTime?: string;
}

/** What one input item wants: its position in the input, its key and the values of the fields it maps. */
export interface DesiredRecord<V> {
	index: number;
	key: string;
	values: Record<string, V>;
}

/** An input item that failed before planning (its key, if it was known, keeps mirror mode from archiving its record). */
export interface FailedInput {
	index: number;
	key?: string;
	error: MspOpsError;
}

export interface ValueRules<V> {
	/** Service named in errors ('notion', 'hubspot'). */
	service: ServiceName;
	/** How messages name the service and its records: `Notion` + `row`/`rows` + `pages`. */
	serviceLabel: string;
	record: string;
	records: string;
	/** What the ids of existing records are called in messages ('pages', 'record ids'). */
	ids: string;
	/** What to do when several existing records share a key (end of the message). */
	duplicateHint: string;
	/** What to do when mirror archiving is refused (end of the message). */
	archiveHint: string;
	equal(existing: V, desired: V): boolean;
	isEmpty(value: V): boolean;
	display(value: V): unknown;
}

export type PlanAction = 'create' | 'update' | 'unchanged' | 'failed';

export interface FieldChange {
	from: unknown;
	to: unknown;
}

export interface ValueDiff {
	/** Field names whose value changes (every non-empty field on create), in the desired record's order. */
	changed: string[];
	changes: Record<string, FieldChange>;
}

export interface PlannedRecord<V, E extends ExistingRecord<V> = ExistingRecord<V>> extends ValueDiff {
	index: number;
	key?: string;
	action: PlanAction;
	/** The existing record updated or left unchanged. */
	target?: E;
	/** Other existing records with the same key (ids; `updateOldest`, or the failed item's). */
	duplicates?: string[];
	error?: MspOpsError;
}

export interface Plan<V, E extends ExistingRecord<V> = ExistingRecord<V>> {
	records: Array<PlannedRecord<V, E>>;
	/** Existing records whose key is not in the input (mirror mode only). */
	archive: E[];
	/** Existing records without a key value (never touched). */
	blankKeyRecords: number;
	duplicateKeys: Array<{ key: string; ids: string[] }>;
	/** Why mirror archiving was skipped, if it was. */
	archiveSkipped?: string;
	/** Why the run must not archive what `archive` lists (too large a share); nothing may be written. */
	archiveRefused?: string;
}

/** Default largest share of the existing keyed records one mirror run may archive. */
export const DEFAULT_MAX_ARCHIVE_SHARE = 0.2;

export interface PlanOptions {
	mirror?: boolean;
	onDuplicate?: DuplicatePolicy;
	/**
	 * Mirror mode refuses a run that would archive more than this share (0-1) of the existing keyed records, because an
	 * empty or partial upstream result (an outage returning 10 of 98 sites) would otherwise wipe the target. Default 0.2.
	 */
	maxArchiveShare?: number;
	/** Archive above maxArchiveShare anyway (the user checked that the input is complete). */
	allowMassArchive?: boolean;
}

/** Oldest first by created time, then by id, so the choice among duplicates is stable. */
export function olderFirst(a: ExistingRecord<unknown>, b: ExistingRecord<unknown>): number {
	const ta = a.createdTime ? Date.parse(a.createdTime) : 0;
	const tb = b.createdTime ? Date.parse(b.createdTime) : 0;
	return ta - tb || a.id.localeCompare(b.id);
}

/**
 * The fields of `desired` whose value differs from `existing`. Without an existing record (a create), empty values are
 * left out; a field the existing record does not carry counts as changed.
 */
export function diffValues<V>(desired: Record<string, V>, existing: Record<string, V> | undefined, rules: Pick<ValueRules<V>, 'equal' | 'isEmpty' | 'display'>): ValueDiff {
	const changed: string[] = [];
	const changes: Record<string, FieldChange> = {};
	for (const [name, value] of Object.entries(desired)) {
		const before = ownValue(existing, name);
		if (existing && before !== undefined && rules.equal(before, value)) continue;
		if (!existing && rules.isEmpty(value)) continue;
		changed.push(name);
		setOwnValue(changes, name, { from: before === undefined ? null : rules.display(before), to: rules.display(value) });
	}
	return { changed, changes };
}

/** The pure plan: what to create, update, leave alone, fail and (mirror mode) archive. */
export function planRecords<V, E extends ExistingRecord<V>>(
	existing: E[],
	desired: Array<DesiredRecord<V> | FailedInput>,
	rules: ValueRules<V>,
	options: PlanOptions = {},
): Plan<V, E> {
	const byKey = new Map<string, E[]>();
	let blankKeyRecords = 0;
	for (const record of existing) {
		if (record.key === null) {
			blankKeyRecords += 1;
			continue;
		}
		const list = byKey.get(record.key);
		if (list) list.push(record);
		else byKey.set(record.key, [record]);
	}
	const duplicateKeys: Plan<V, E>['duplicateKeys'] = [];
	for (const [key, list] of byKey) {
		if (list.length > 1) {
			list.sort(olderFirst);
			duplicateKeys.push({ key, ids: list.map((r) => r.id) });
		}
	}
	const noChange = (): ValueDiff => ({ changed: [], changes: {} });
	const seenInput = new Map<string, number>();
	const records: Array<PlannedRecord<V, E>> = [];
	for (const entry of desired) {
		if ('error' in entry) {
			records.push({ index: entry.index, key: entry.key, action: 'failed', ...noChange(), error: entry.error });
			continue;
		}
		const earlier = seenInput.get(entry.key);
		if (earlier !== undefined) {
			records.push({
				index: entry.index,
				key: entry.key,
				action: 'failed',
				...noChange(),
				error: new SyncError(`Item ${entry.index} has the same key '${entry.key}' as item ${earlier}; each key may appear once per run`, {
					service: rules.service,
					itemIndex: entry.index,
					field: 'key',
					received: entry.key,
				}),
			});
			continue;
		}
		seenInput.set(entry.key, entry.index);
		const matches = byKey.get(entry.key) ?? [];
		if (matches.length > 1 && (options.onDuplicate ?? 'fail') === 'fail') {
			records.push({
				index: entry.index,
				key: entry.key,
				action: 'failed',
				...noChange(),
				duplicates: matches.map((m) => m.id),
				error: new SyncError(
					`${matches.length} ${rules.serviceLabel} ${rules.records} share the key '${entry.key}' (${rules.ids} ${matches.map((m) => m.id).join(', ')}); ${rules.duplicateHint}`,
					{ service: rules.service, itemIndex: entry.index, field: 'key', received: entry.key },
				),
			});
			continue;
		}
		const target = matches[0];
		const diff = diffValues(entry.values, target?.values, rules);
		records.push({
			index: entry.index,
			key: entry.key,
			action: !target ? 'create' : diff.changed.length ? 'update' : 'unchanged',
			target,
			...diff,
			duplicates: matches.length > 1 ? matches.slice(1).map((m) => m.id) : undefined,
		});
	}
	const plan: Plan<V, E> = { records, archive: [], blankKeyRecords, duplicateKeys };
	if (options.mirror) planArchive(plan, byKey, existing.length, desired, rules, options);
	return plan;
}

/** Mirror mode: archive keyed records the input does not name, unless that is unsafe. */
function planArchive<V, E extends ExistingRecord<V>>(
	plan: Plan<V, E>,
	byKey: Map<string, E[]>,
	existingCount: number,
	desired: Array<DesiredRecord<V> | FailedInput>,
	rules: ValueRules<V>,
	options: PlanOptions,
): void {
	const keyless = desired.filter((d) => 'error' in d && d.key === undefined);
	if (desired.length === 0) {
		plan.archiveSkipped = `the input is empty, and an empty input never archives ${rules.records}`;
		return;
	}
	if (keyless.length) {
		plan.archiveSkipped = `${keyless.length} input item(s) failed before their key was known, so no ${rules.record} was archived`;
		return;
	}
	const wanted = new Set(desired.map((d) => d.key).filter((k): k is string => k !== undefined));
	for (const [key, list] of byKey) if (!wanted.has(key)) plan.archive.push(...list);
	const keyed = existingCount - plan.blankKeyRecords;
	const share = options.maxArchiveShare ?? DEFAULT_MAX_ARCHIVE_SHARE;
	if (plan.archive.length && keyed > 0 && plan.archive.length / keyed > share && !options.allowMassArchive) {
		plan.archiveRefused =
			`Mirror would archive ${plan.archive.length} of ${keyed} ${rules.records} (${Math.round((plan.archive.length / keyed) * 100)} %), more than the allowed ${Math.round(share * 100)} %, ` +
			`so nothing was written. ${rules.archiveHint}`;
	}
}
