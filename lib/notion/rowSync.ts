import { z } from 'zod';
import { isMspOpsError, MspOpsError, SyncError, ValidationError } from '../errors';
import { redact } from '../http/redact';
import { ownValue, setOwnValue } from '../records';
import { findProperty, type DataSourceSchema, type PropertySchema } from './dataSource';
import {
	canonicalEqual,
	canonicalFromNotion,
	displayCanonical,
	isWritableType,
	keyText,
	toNotionValue,
	type Canonical,
	type ConvertedValue,
	type PropertyWrite,
	type WritableType,
} from './properties';
import { readPages } from './read';
import {
	DEFAULT_MAX_ARCHIVE_SHARE,
	diffValues,
	DRY_RUN_ACTION,
	olderFirst,
	planRecords,
	type DuplicatePolicy,
	type PlanAction,
	type PlanOptions,
	type SyncAction,
	type ValueRules,
} from '../sync';
import { createdPageSchema, pageSchema, parseNotionResponse, PROPERTY_VALUE_SHAPES, queryResponseSchema, type NotionPage } from './responses';
import { isAmbiguousFailure, notionCall, toNotionError, type NotionTransport } from './transport';

/**
 * Keyed, diffing upsert of rows into one Notion data source.
 *
 * 1. Read the existing rows once (data source query, 100 per page, only the key and mapped properties).
 * 2. Plan (pure, lib/sync): for each desired row, create / update only the changed properties / leave unchanged;
 *    rows whose key is not in the input are archived in mirror mode; two existing rows with one key fail the item or
 *    update the oldest.
 * 3. Execute the writes one after another through the shared rate limiter.
 *
 * Every write is keyed, so a run that stopped halfway converges when run again: rows created before the failure
 * are found by their key and not created twice. Inside a run, a create whose outcome is unknown (reset, timeout,
 * 5xx) is checked by querying the key before it is sent again.
 */

export const KEY_TYPES = ['title', 'rich_text', 'number', 'select', 'status', 'url', 'email', 'phone_number'] as const;

export { DEFAULT_MAX_ARCHIVE_SHARE, type DuplicatePolicy, type PlanAction, type PlanOptions };

export interface RowMapping {
	/** Name of the key property (unique per row), e.g. "Site ID". */
	keyProperty: string;
	/** Map item fields to properties of the same name (exact, then case/space-insensitive). Default true. */
	autoMap?: boolean;
	/** Item fields never mapped automatically. */
	ignoreFields?: string[];
	/** IANA zone for date-times without an offset (the workflow's time zone in the node; default UTC). */
	timeZone?: string;
}

/** One input row: the item's fields plus explicit property -> value overrides (already evaluated). */
export interface InputRow {
	fields: Record<string, unknown>;
	explicit?: Record<string, unknown>;
}

export interface DesiredProperty extends ConvertedValue {
	type: WritableType;
}

export interface DesiredRow {
	index: number;
	key: string;
	properties: Record<string, DesiredProperty>;
}

export interface FailedRow {
	index: number;
	key?: string;
	error: MspOpsError;
}

export interface ExistingRow {
	id: string;
	url?: string;
	createdTime?: string;
	key: string | null;
	values: Record<string, Canonical>;
}

export interface PlannedRow {
	index: number;
	key?: string;
	action: PlanAction;
	pageId?: string;
	url?: string;
	/** Property names whose value changes (all mapped properties on create). */
	changed: string[];
	/** Only the changed properties' write payloads. */
	writes: Record<string, PropertyWrite>;
	changes: Record<string, { from: unknown; to: unknown }>;
	/** Other existing rows with the same key (updateOldest). */
	duplicates?: string[];
	error?: MspOpsError;
}

export interface SyncPlan {
	rows: PlannedRow[];
	archive: ExistingRow[];
	/** Existing rows without a key value (never touched). */
	blankKeyRows: number;
	duplicateKeys: Array<{ key: string; pageIds: string[] }>;
	/** Why mirror archiving was skipped, if it was. */
	archiveSkipped?: string;
	/** Why the run must not archive what `archive` lists (too large a share of the rows); nothing may be written. */
	archiveRefused?: string;
}

// ------------------------------------------------------------------------------------------------ desired rows

function keyOfConverted(value: DesiredProperty): string | null {
	const c = value.canonical;
	if (typeof c === 'number') return String(c);
	if (typeof c === 'string') return keyText(c);
	return null;
}

export function checkKeyProperty(schema: DataSourceSchema, keyProperty: string): PropertySchema {
	const prop = findProperty(schema, keyProperty);
	if (!prop) {
		throw new ValidationError(
			`Key property '${keyProperty}' is not in the Notion data source '${schema.title}' (properties: ${Object.keys(schema.properties).join(', ')})`,
			{ service: 'notion', field: 'keyProperty', expected: 'a property of the data source', received: keyProperty },
		);
	}
	if (!(KEY_TYPES as readonly string[]).includes(prop.type)) {
		throw new ValidationError(`Key property '${prop.name}' has type ${prop.type}; a key must be one of ${KEY_TYPES.join(', ')}`, {
			service: 'notion',
			field: 'keyProperty',
			expected: KEY_TYPES.join(', '),
			received: prop.type,
		});
	}
	return prop;
}

/**
 * Notion's API cannot add options to a status property (only a person can, in the app), and a page write with an
 * unknown status answers 400. Fail the item here, once, with what to do, instead of sending a write that cannot
 * succeed on every run.
 */
function checkStatusOption(schema: DataSourceSchema, prop: PropertySchema, canonical: unknown, index: number): void {
	if (typeof canonical !== 'string' || !prop.options || prop.options.includes(canonical)) return;
	throw new ValidationError(
		`Status '${canonical}' is not an option of the Notion status property '${prop.name}' (options: ${prop.options.join(', ') || 'none'}). Notion's API cannot add status options: add it in Notion (the property's settings in '${schema.title}') or map the value to an existing option`,
		{
			service: 'notion',
			operation: 'convertProperty',
			itemIndex: index,
			field: prop.name,
			expected: `one of ${prop.options.join(', ')}`,
			received: canonical,
			retryable: false,
		},
	);
}

/** Turn one input row into desired property values (converted and validated) and its key. Throws per item. */
export function buildDesiredRow(schema: DataSourceSchema, mapping: RowMapping, input: InputRow, index: number): DesiredRow {
	const keyProp = checkKeyProperty(schema, mapping.keyProperty);
	const ignore = new Set(mapping.ignoreFields ?? []);
	const values = new Map<string, { prop: PropertySchema; value: unknown }>();
	if (mapping.autoMap !== false) {
		for (const [field, value] of Object.entries(input.fields)) {
			if (ignore.has(field) || value === undefined) continue;
			const prop = findProperty(schema, field);
			if (!prop || !isWritableType(prop.type)) continue;
			// An exact-name field wins over a loose match for the same property.
			if (values.has(prop.name) && field !== prop.name) continue;
			values.set(prop.name, { prop, value });
		}
	}
	for (const [name, value] of Object.entries(input.explicit ?? {})) {
		const prop = findProperty(schema, name);
		if (!prop) {
			throw new ValidationError(`Mapped property '${name}' is not in the Notion data source '${schema.title}'`, {
				service: 'notion',
				itemIndex: index,
				field: name,
				expected: `one of ${Object.keys(schema.properties).join(', ')}`,
				received: name,
			});
		}
		if (!isWritableType(prop.type)) {
			throw new ValidationError(`Property '${prop.name}' has type ${prop.type}, which cannot be written`, {
				service: 'notion',
				itemIndex: index,
				field: prop.name,
				expected: 'a writable property type',
				received: prop.type,
			});
		}
		values.set(prop.name, { prop, value: value === undefined ? null : value });
	}
	const properties: Record<string, DesiredProperty> = {};
	for (const [name, { prop, value }] of values) {
		const type = prop.type as WritableType;
		const converted: DesiredProperty = { type, ...toNotionValue(type, value, { property: name, itemIndex: index, zone: mapping.timeZone }) };
		setOwnValue(properties, name, converted);
		if (type === 'status') checkStatusOption(schema, prop, converted.canonical, index);
	}
	const keyValue = ownValue(properties, keyProp.name);
	const key = keyValue ? keyOfConverted(keyValue) : null;
	if (key === null) {
		throw new ValidationError(`Item ${index} has no value for the key property '${keyProp.name}'`, {
			service: 'notion',
			itemIndex: index,
			field: keyProp.name,
			expected: 'a non-empty key value',
			received: keyValue ? JSON.stringify(keyValue.canonical) : 'nothing (no field of that name)',
		});
	}
	return { index, key, properties };
}

// ------------------------------------------------------------------------------------------------ existing rows

/**
 * An existing row from a validated page. Every requested property must be present with the schema's type and the
 * documented value shape: a row whose key cannot be read would look missing and be created again.
 */
export function existingRowFromPage(page: NotionPage, schema: DataSourceSchema, keyProperty: string, names: string[]): ExistingRow {
	const values: Record<string, Canonical> = {};
	let key: string | null = null;
	// The id comes from the response: shown redacted, like every other value a response carries into a message.
	const pageRef = redact(page.id);
	for (const name of new Set([keyProperty, ...names])) {
		const prop = ownValue(schema.properties, name);
		if (!prop || !isWritableType(prop.type)) continue;
		const value = ownValue(page.properties, name);
		const field = `results[${pageRef}].properties.${name}`;
		if (!value || value.type !== prop.type) {
			throw new ValidationError(
				`Notion returned page ${pageRef} without a readable '${name}' (${prop.type}) property, so the rows cannot be matched by key; nothing was written. Run again; if the property was renamed or retyped, update the node`,
				{ service: 'notion', operation: 'queryDataSource', field, expected: `a ${prop.type} property value`, received: value ? `a ${redact(String(value.type))} value` : 'nothing', retryable: true },
			);
		}
		const shape = z.object({ [prop.type]: PROPERTY_VALUE_SHAPES[prop.type] }).passthrough();
		const checked = parseNotionResponse(shape, value, 'queryDataSource', undefined, `page ${pageRef}, property '${name}'`);
		const canonical = canonicalFromNotion(prop.type, { type: prop.type, ...checked });
		if (name === keyProperty) key = typeof canonical === 'number' ? String(canonical) : typeof canonical === 'string' ? keyText(canonical) : null;
		if (names.includes(name)) setOwnValue(values, name, canonical);
	}
	return { id: page.id, url: page.url, createdTime: page.created_time, key, values };
}

// ------------------------------------------------------------------------------------------------ the plan

/** How Notion values compare, show and read as empty, and how Notion Sync's messages name things. */
export const NOTION_VALUE_RULES: ValueRules<Canonical> = {
	service: 'notion',
	serviceLabel: 'Notion',
	record: 'row',
	records: 'rows',
	ids: 'pages',
	duplicateHint: 'remove the extra rows or set "On Duplicate Keys" to update the oldest',
	archiveHint:
		'If the input really is complete, raise "Max Share of Rows to Archive" or turn on "Allow Archiving Above the Limit"; otherwise check the node that feeds this one',
	equal: canonicalEqual,
	isEmpty: isEmptyCanonical,
	display: displayCanonical,
};

function canonicalValues(desired: DesiredRow): Record<string, Canonical> {
	const values: Record<string, Canonical> = {};
	for (const [name, value] of Object.entries(desired.properties)) setOwnValue(values, name, value.canonical);
	return values;
}

function writesOf(desired: DesiredRow, changed: string[]): Record<string, PropertyWrite> {
	const writes: Record<string, PropertyWrite> = {};
	for (const name of changed) setOwnValue(writes, name, desired.properties[name].write);
	return writes;
}

/** Diff desired rows against one existing row: only properties whose canonical value differs. */
export function diffRow(desired: DesiredRow, existing: ExistingRow | undefined): Pick<PlannedRow, 'changed' | 'writes' | 'changes'> {
	const { changed, changes } = diffValues(canonicalValues(desired), existing?.values, NOTION_VALUE_RULES);
	return { changed, writes: writesOf(desired, changed), changes };
}

function isEmptyCanonical(c: Canonical): boolean {
	return c === null || c === '' || c === false || (Array.isArray(c) && c.length === 0);
}

/** The pure plan (lib/sync's planner with Notion's values): what to create, update, leave alone and archive. */
export function planSync(existing: ExistingRow[], desired: Array<DesiredRow | FailedRow>, options: PlanOptions = {}): SyncPlan {
	const byIndex = new Map<number, DesiredRow>();
	const entries = desired.map((d) => {
		if ('error' in d) return d;
		byIndex.set(d.index, d);
		return { index: d.index, key: d.key, values: canonicalValues(d) };
	});
	const plan = planRecords(existing, entries, NOTION_VALUE_RULES, options);
	const rows: PlannedRow[] = plan.records.map((r) => {
		const source = byIndex.get(r.index);
		return {
			index: r.index,
			key: r.key,
			action: r.action,
			pageId: r.target?.id,
			url: r.target?.url,
			changed: r.changed,
			writes: source && r.action !== 'failed' ? writesOf(source, r.changed) : {},
			changes: r.changes,
			duplicates: r.duplicates,
			error: r.error,
		};
	});
	return {
		rows,
		archive: plan.archive,
		blankKeyRows: plan.blankKeyRecords,
		duplicateKeys: plan.duplicateKeys.map((d) => ({ key: d.key, pageIds: d.ids })),
		archiveSkipped: plan.archiveSkipped,
		archiveRefused: plan.archiveRefused,
	};
}

// ------------------------------------------------------------------------------------------------ execution

/**
 * The one vocabulary of row results: `created`, `updated`, `unchanged`, `archived`, `failed`; a dry run reports
 * `wouldCreate`, `wouldUpdate`, `wouldArchive` (and `unchanged` / `failed` as they are).
 */
export type RowAction = SyncAction;

export interface RowResult {
	index?: number;
	key?: string;
	action: RowAction;
	pageId?: string;
	url?: string;
	changed: string[];
	changes?: Record<string, { from: unknown; to: unknown }>;
	duplicates?: string[];
	dryRun?: boolean;
	/** For a create that had to be verified after an ambiguous failure. */
	recovered?: boolean;
	error?: MspOpsError;
}

export interface SyncResult {
	dataSourceId: string;
	rows: RowResult[];
	archived: RowResult[];
	stats: {
		existing: number;
		created: number;
		updated: number;
		unchanged: number;
		failed: number;
		archived: number;
		readCalls: number;
		writeCalls: number;
		verifyCalls: number;
	};
	duplicateKeys: SyncPlan['duplicateKeys'];
	blankKeyRows: number;
	archiveSkipped?: string;
	/** Set on a dry run whose archive a real run would refuse (see PlanOptions.maxArchiveShare). */
	archiveRefused?: string;
	dryRun: boolean;
}

export interface RowSyncOptions extends RowMapping, PlanOptions {
	dryRun?: boolean;
	/** How often an ambiguous create is checked and re-sent before the item fails. Default 3. */
	createAttempts?: number;
	/**
	 * Throw instead of reporting failed rows: an invalid item stops the run before anything is written, a failed
	 * write stops it at once (n8n without "Continue On Fail"). Re-running converges either way.
	 */
	failFast?: boolean;
}

/** A create Notion accepted but answered with something that is not a page: the row may exist. */
const UNREADABLE_CREATE = 'unreadable_create_response';

function keyFilter(prop: PropertySchema, key: string): Record<string, unknown> {
	const value = prop.type === 'number' ? Number(key) : key;
	return { property: prop.id, [prop.type]: { equals: value } };
}

export class NotionRowSync {
	private readCalls = 0;
	private writeCalls = 0;
	private verifyCalls = 0;

	constructor(
		private readonly transport: NotionTransport,
		private readonly schema: DataSourceSchema,
		private readonly options: RowSyncOptions,
	) {}

	/**
	 * Read every row of the data source, 100 per page, only the given properties, in created_time windows past
	 * Notion's per-query result limit (see read.ts). Throws when the read is incomplete or malformed.
	 */
	async readExisting(propertyNames: string[]): Promise<ExistingRow[]> {
		const keyProp = checkKeyProperty(this.schema, this.options.keyProperty);
		const names = [...new Set([keyProp.name, ...propertyNames])];
		const ids = names.map((n) => this.schema.properties[n]?.id).filter((id): id is string => !!id);
		const { pages } = await readPages(this.transport, {
			dataSourceId: this.schema.id,
			filterProperties: ids,
			onRequest: () => (this.readCalls += 1),
		});
		return pages.map((page) => existingRowFromPage(page, this.schema, keyProp.name, names));
	}

	/** Plan and (unless dry run) write. */
	async run(inputs: InputRow[]): Promise<SyncResult> {
		const keyProp = checkKeyProperty(this.schema, this.options.keyProperty);
		const desired: Array<DesiredRow | FailedRow> = inputs.map((input, index) => {
			try {
				return buildDesiredRow(this.schema, this.options, input, index);
			} catch (error) {
				const e = isMspOpsError(error) ? error : toNotionError(error, 'mapRow', { itemIndex: index });
				if (e.itemIndex === undefined) e.itemIndex = index;
				return { index, error: e, key: this.keyOfFailed(input) };
			}
		});
		const names = new Set<string>();
		for (const d of desired) if (!('error' in d)) for (const n of Object.keys(d.properties)) names.add(n);
		const existing = await this.readExisting([...names]);
		const plan = planSync(existing, desired, this.options);
		const dryRun = this.options.dryRun === true;
		if (plan.archiveRefused && !dryRun) {
			throw new SyncError(plan.archiveRefused, { service: 'notion', operation: 'upsertRows', field: 'mirror', retryable: false });
		}
		if (this.options.failFast) {
			const invalid = plan.rows.find((r) => r.action === 'failed');
			if (invalid?.error) throw invalid.error;
		}
		const rows: RowResult[] = [];
		const archived: RowResult[] = [];
		let abort: MspOpsError | undefined;
		for (const row of plan.rows) {
			const base: RowResult = {
				index: row.index,
				key: row.key,
				// Dry runs keep these words; real writes replace create/update with what happened.
				action: DRY_RUN_ACTION[row.action],
				pageId: row.pageId,
				url: row.url,
				changed: row.changed,
				changes: row.action === 'unchanged' || row.action === 'failed' ? undefined : row.changes,
				duplicates: row.duplicates,
				error: row.error,
			};
			if (dryRun) {
				rows.push({ ...base, dryRun: true });
				continue;
			}
			if (row.action === 'unchanged' || row.action === 'failed') {
				rows.push(base);
				continue;
			}
			if (abort) {
				rows.push({ ...base, action: 'failed', error: this.notAttempted(abort, row.index) });
				continue;
			}
			try {
				if (row.action === 'update') {
					await this.updatePage(row.pageId as string, row.writes, row.index);
					rows.push({ ...base, action: 'updated' });
				} else {
					const created = await this.createRow(row, keyProp, desired[row.index] as DesiredRow);
					rows.push({ ...base, ...created });
				}
			} catch (error) {
				const e = toNotionError(error, row.action === 'update' ? 'updatePage' : 'createPage', { itemIndex: row.index });
				if (this.options.failFast) throw e;
				rows.push({ ...base, action: 'failed', error: e });
				if (e.kind === 'authentication' || e.kind === 'rate_limit' || e.httpStatus === 404) abort = e;
			}
		}
		for (const row of plan.archive) {
			const base: RowResult = { key: row.key ?? undefined, action: dryRun ? 'wouldArchive' : 'archived', pageId: row.id, url: row.url, changed: [] };
			if (dryRun) {
				archived.push({ ...base, dryRun: true });
				continue;
			}
			if (abort) {
				archived.push({ ...base, action: 'failed', error: this.notAttempted(abort) });
				continue;
			}
			try {
				this.writeCalls += 1;
				await notionCall('archivePage', () => this.transport.client.pages.update({ page_id: row.id, in_trash: true }));
				archived.push(base);
			} catch (error) {
				const e = toNotionError(error, 'archivePage');
				if (this.options.failFast) throw e;
				archived.push({ ...base, action: 'failed', error: e });
				if (e.kind === 'authentication' || e.kind === 'rate_limit') abort = e;
			}
		}
		const count = (a: RowAction) => rows.filter((r) => r.action === a).length;
		return {
			dataSourceId: this.schema.id,
			rows,
			archived,
			stats: {
				existing: existing.length,
				created: count(dryRun ? 'wouldCreate' : 'created'),
				updated: count(dryRun ? 'wouldUpdate' : 'updated'),
				unchanged: count('unchanged'),
				failed: count('failed') + archived.filter((a) => a.action === 'failed').length,
				archived: archived.filter((a) => a.action === (dryRun ? 'wouldArchive' : 'archived')).length,
				readCalls: this.readCalls,
				writeCalls: this.writeCalls,
				verifyCalls: this.verifyCalls,
			},
			duplicateKeys: plan.duplicateKeys,
			blankKeyRows: plan.blankKeyRows,
			archiveSkipped: plan.archiveSkipped,
			archiveRefused: plan.archiveRefused,
			dryRun,
		};
	}

	private keyOfFailed(input: InputRow): string | undefined {
		// The key of an item that failed conversion elsewhere, so mirror mode does not archive its row.
		try {
			const keyProp = checkKeyProperty(this.schema, this.options.keyProperty);
			const raw =
				input.explicit && keyProp.name in input.explicit
					? input.explicit[keyProp.name]
					: this.options.autoMap === false
						? undefined
						: Object.entries(input.fields).find(([f]) => findProperty(this.schema, f)?.name === keyProp.name)?.[1];
			if (raw === undefined) return undefined;
			const converted = toNotionValue(keyProp.type as WritableType, raw, { property: keyProp.name, zone: this.options.timeZone });
			return keyOfConverted({ type: keyProp.type as WritableType, ...converted }) ?? undefined;
		} catch {
			return undefined;
		}
	}

	private notAttempted(cause: MspOpsError, index?: number): MspOpsError {
		return new SyncError(`Not written: an earlier write failed with '${cause.message}'`, {
			service: 'notion',
			itemIndex: index,
			retryable: cause.retryable,
		});
	}

	private async updatePage(pageId: string, writes: Record<string, PropertyWrite>, index: number): Promise<void> {
		this.writeCalls += 1;
		await notionCall(
			'updatePage',
			() => this.transport.client.pages.update({ page_id: pageId, properties: writes as never }),
			{ itemIndex: index },
		);
	}

	/**
	 * Create one row. If the create fails in a way that may have left it applied, look the key up first: adopt the
	 * row if it is there (patching any difference), otherwise send the create again.
	 */
	private async createRow(row: PlannedRow, keyProp: PropertySchema, desired: DesiredRow): Promise<Partial<RowResult>> {
		const attempts = Math.max(1, this.options.createAttempts ?? 3);
		let recovered = false;
		for (let attempt = 1; ; attempt++) {
			try {
				this.writeCalls += 1;
				const raw = await notionCall(
					'createPage',
					() =>
						this.transport.client.pages.create({
							parent: { type: 'data_source_id', data_source_id: this.schema.id },
							properties: row.writes as never,
						}),
					{ itemIndex: row.index },
				);
				const parsed = createdPageSchema.safeParse(raw);
				if (!parsed.success) {
					// Notion said yes but the answer is unreadable: the row exists, so adopt it by key below.
					throw new ValidationError(`Notion createPage answered with an unreadable page for key '${String(row.key)}'; run again to check the row`, {
						service: 'notion',
						operation: 'createPage',
						itemIndex: row.index,
						code: UNREADABLE_CREATE,
						retryable: true,
					});
				}
				return { action: 'created', pageId: parsed.data.id, url: parsed.data.url, recovered: recovered || undefined };
			} catch (error) {
				const unreadable = isMspOpsError(error) && error.code === UNREADABLE_CREATE;
				if (!unreadable && !isAmbiguousFailure(error)) throw error;
				// The create may have been applied: look before sending it again (or before reporting it failed).
				recovered = true;
				const found = await this.findByKey(keyProp, row.key as string);
				if (found.length) {
					found.sort(olderFirst);
					const target = found[0];
					const diff = diffRow(desired, target);
					if (diff.changed.length) await this.updatePage(target.id, diff.writes, row.index);
					return { action: 'created', pageId: target.id, url: target.url, recovered: true };
				}
				if (attempt >= attempts) throw error;
			}
		}
	}

	private async findByKey(keyProp: PropertySchema, key: string): Promise<ExistingRow[]> {
		this.verifyCalls += 1;
		const names = Object.keys(this.schema.properties).filter((n) => isWritableType(this.schema.properties[n].type));
		const raw = await notionCall('queryDataSource', () =>
			this.transport.client.dataSources.query({
				data_source_id: this.schema.id,
				page_size: 10,
				filter: keyFilter(keyProp, key) as never,
			}),
		);
		const response = parseNotionResponse(queryResponseSchema, raw, 'queryDataSource');
		return response.results
			.filter((r) => r.object === 'page')
			.map((r) => parseNotionResponse(pageSchema, r, 'queryDataSource'))
			.filter((p) => p.in_trash !== true && p.archived !== true)
			.map((p) => existingRowFromPage(p, this.schema, keyProp.name, names))
			.filter((r) => r.key === key);
	}
}

export { MspOpsError };
