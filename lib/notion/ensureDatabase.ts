import { ConfigError, NotFoundError } from '../errors';
import { extractNotionId, findProperty, resolveDataSource, type DataSourceSchema } from './dataSource';
import { normaliseId } from './properties';
import type { SchemaProperty } from './schema';
import { databaseSchema, parseNotionResponse, searchResponseSchema } from './responses';
import { isAmbiguousFailure, notionCall, type NotionTransport } from './transport';

/**
 * Ensure Database: make a database (data source) match a schema given in the node, so bundled workflows can set
 * up their own dashboard on first run and re-run safely:
 * - an existing database (given, or found by title under the parent page) gets missing properties and missing
 *   select/multi-select/status options added; nothing is removed or retyped (type differences are reported);
 * - otherwise a database is created under the parent page with the whole schema.
 */

export interface EnsureDatabaseOptions {
	title: string;
	properties: SchemaProperty[];
	/** Use this database (id or URL). */
	databaseId?: string;
	/** Create (or find by title) under this page (id or URL). */
	parentPageId?: string;
	/** Report what would change without writing. */
	dryRun?: boolean;
}

/** What Ensure Database did: `created`, `updated`, `unchanged`; in a dry run `wouldCreate` or `wouldUpdate`. */
export type EnsureAction = 'created' | 'updated' | 'unchanged' | 'wouldCreate' | 'wouldUpdate';

export interface EnsureDatabaseResult {
	databaseId: string;
	dataSourceId: string;
	url?: string;
	title: string;
	action: EnsureAction;
	addedProperties: string[];
	addedOptions: Record<string, string[]>;
	/** Properties that exist with another type (left as they are). */
	typeMismatches: Array<{ name: string; expected: string; actual: string }>;
	/** Status options the schema wants that the property lacks: Notion's API cannot add them, a person must. */
	missingStatusOptions: Record<string, string[]>;
	/** What a person must do in Notion for the database to match the schema (empty when nothing). */
	manualSteps: string[];
	dryRun?: boolean;
}

function statusSteps(missing: Record<string, string[]>, title: string): string[] {
	return Object.entries(missing).map(
		([name, options]) =>
			`In Notion, open '${title}' and add the status option${options.length > 1 ? 's' : ''} ${options.map((o) => `'${o}'`).join(', ')} to the property '${name}' (Notion's API cannot add status options)`,
	);
}

/** The property configuration object for a create or update request. */
export function propertyConfig(p: SchemaProperty, existingOptions: string[] = []): Record<string, unknown> {
	switch (p.type) {
		case 'number':
			return { number: { format: p.format ?? 'number' } };
		case 'select':
		case 'multi_select': {
			const names = [...existingOptions, ...(p.options ?? []).filter((o) => !existingOptions.includes(o))];
			return { [p.type]: { options: names.map((name) => ({ name })) } };
		}
		case 'status':
			// Notion's API cannot set status options: a new status property gets Notion's defaults, and missing
			// options are reported for a person to add (EnsureDatabaseResult.manualSteps).
			return { status: {} };
		case 'relation':
			return { relation: { data_source_id: p.relatedDataSourceId, single_property: {} } };
		default:
			return { [p.type]: {} };
	}
}

function titleText(rich: unknown): string {
	return Array.isArray(rich) ? rich.map((t: { plain_text?: string; text?: { content?: string } }) => t.plain_text ?? t.text?.content ?? '').join('') : '';
}

/** Find a database by exact title under a page: search data sources by title, then check the database's parent. */
export async function findDatabaseByTitle(
	transport: NotionTransport,
	parentPageId: string,
	title: string,
): Promise<{ databaseId: string; dataSourceId: string } | undefined> {
	const parent = normaliseId(parentPageId);
	let cursor: string | undefined;
	do {
		const start = cursor;
		const raw = await notionCall('search', () =>
			transport.client.search({
				query: title,
				filter: { property: 'object', value: 'data_source' },
				page_size: 100,
				start_cursor: start,
			}),
		);
		const response = parseNotionResponse(searchResponseSchema, raw, 'search');
		for (const result of response.results as Array<Record<string, unknown>>) {
			if (result.object !== 'data_source' || result.in_trash === true || result.archived === true) continue;
			if (titleText(result.title).trim() !== title.trim()) continue;
			const databaseId = (result.parent as { database_id?: string } | undefined)?.database_id;
			if (!databaseId) continue;
			let dbParent = result.database_parent as { page_id?: string } | undefined;
			if (!dbParent) {
				const db = parseNotionResponse(databaseSchema, await notionCall('getDatabase', () => transport.client.databases.retrieve({ database_id: databaseId })), 'getDatabase') as {
					parent?: { page_id?: string };
					in_trash?: boolean;
				};
				if (db.in_trash) continue;
				dbParent = db.parent;
			}
			if (dbParent?.page_id && normaliseId(dbParent.page_id) === parent) return { databaseId, dataSourceId: String(result.id) };
		}
		cursor = response.has_more && response.next_cursor ? response.next_cursor : undefined;
	} while (cursor);
	return undefined;
}

export async function ensureDatabase(transport: NotionTransport, options: EnsureDatabaseOptions): Promise<EnsureDatabaseResult> {
	const title = options.title.trim();
	if (!title) throw new ConfigError('Ensure Database needs a database title', { service: 'notion', field: 'title' });
	let ref: { databaseId: string; dataSourceId?: string } | undefined;
	if (options.databaseId?.trim()) ref = { databaseId: extractNotionId(options.databaseId, 'database id') };
	const parentPageId = options.parentPageId?.trim() ? extractNotionId(options.parentPageId, 'parent page id') : undefined;
	if (!ref && !parentPageId) {
		throw new ConfigError('Ensure Database needs a parent page (to create or find the database) or an existing database', {
			service: 'notion',
			field: 'parentPage',
		});
	}
	if (!ref && parentPageId) ref = await findDatabaseByTitle(transport, parentPageId, title);
	if (!ref) {
		if (options.dryRun) {
			const missing = wantedStatusOptions(options.properties, defaultStatusOptions);
			return {
				databaseId: '',
				dataSourceId: '',
				title,
				action: 'wouldCreate',
				addedProperties: options.properties.map((p) => p.name),
				addedOptions: {},
				typeMismatches: [],
				missingStatusOptions: missing,
				manualSteps: statusSteps(missing, title),
				dryRun: true,
			};
		}
		return createDatabase(transport, parentPageId as string, title, options.properties);
	}
	const schema = await resolveDataSource(transport, ref);
	return updateSchema(transport, ref.databaseId, schema, options);
}

async function createDatabase(transport: NotionTransport, parentPageId: string, title: string, properties: SchemaProperty[]): Promise<EnsureDatabaseResult> {
	const config: Record<string, unknown> = {};
	for (const p of properties) config[p.name] = propertyConfig(p);
	let db: { id: string; url?: string; data_sources?: Array<{ id: string }> };
	try {
		const raw = await notionCall('createDatabase', () =>
			transport.client.databases.create({
				parent: { type: 'page_id', page_id: parentPageId },
				title: [{ type: 'text', text: { content: title } }],
				initial_data_source: { properties: config as never },
			}),
		);
		db = parseNotionResponse(databaseSchema, raw, 'createDatabase') as typeof db;
	} catch (error) {
		// The create may have happened: look before anyone creates it again.
		if (isAmbiguousFailure(error)) {
			const found = await findDatabaseByTitle(transport, parentPageId, title);
			if (found) {
				const schema = await resolveDataSource(transport, found);
				const result = await updateSchema(transport, found.databaseId, schema, { title, properties });
				return { ...result, action: 'created' };
			}
		}
		throw error;
	}
	let dataSourceId = db.data_sources?.[0]?.id;
	if (!dataSourceId) {
		const again = parseNotionResponse(databaseSchema, await notionCall('getDatabase', () => transport.client.databases.retrieve({ database_id: db.id })), 'getDatabase');
		dataSourceId = again.data_sources?.[0]?.id;
	}
	if (!dataSourceId) throw new NotFoundError(`Notion created database ${db.id} but reported no data source`, { service: 'notion', operation: 'createDatabase' });
	// Status properties start with Notion's default options; what else the schema wants, a person must add.
	let missing: Record<string, string[]> = {};
	if (properties.some((p) => p.type === 'status' && p.options?.length)) {
		const schema = await resolveDataSource(transport, { dataSourceId });
		missing = wantedStatusOptions(properties, (name) => findProperty(schema, name)?.options ?? []);
	}
	return {
		databaseId: db.id,
		dataSourceId,
		url: db.url,
		title,
		action: 'created',
		addedProperties: properties.map((p) => p.name),
		addedOptions: {},
		typeMismatches: [],
		missingStatusOptions: missing,
		manualSteps: statusSteps(missing, title),
	};
}

/** The options Notion gives a new status property (documented defaults of the app). */
function defaultStatusOptions(): string[] {
	return ['Not started', 'In progress', 'Done'];
}

/** Status options the schema wants that the property does not have, by property name. */
function wantedStatusOptions(properties: SchemaProperty[], have: (name: string) => string[]): Record<string, string[]> {
	const missing: Record<string, string[]> = {};
	for (const p of properties) {
		if (p.type !== 'status' || !p.options?.length) continue;
		const current = have(p.name);
		const lacking = p.options.filter((o) => !current.includes(o));
		if (lacking.length) missing[p.name] = lacking;
	}
	return missing;
}

async function updateSchema(
	transport: NotionTransport,
	databaseId: string,
	schema: DataSourceSchema,
	options: Pick<EnsureDatabaseOptions, 'properties' | 'dryRun' | 'title'>,
): Promise<EnsureDatabaseResult> {
	const patch: Record<string, unknown> = {};
	const addedProperties: string[] = [];
	const addedOptions: Record<string, string[]> = {};
	const typeMismatches: EnsureDatabaseResult['typeMismatches'] = [];
	const missingStatusOptions: Record<string, string[]> = {};
	const existingTitle = Object.values(schema.properties).find((p) => p.type === 'title');
	for (const wanted of options.properties) {
		const current = findProperty(schema, wanted.name);
		if (!current) {
			if (wanted.type === 'title') {
				// A data source has exactly one title property: rename it rather than add a second.
				if (existingTitle && existingTitle.name !== wanted.name) {
					patch[existingTitle.id] = { name: wanted.name };
					addedProperties.push(wanted.name);
				}
				continue;
			}
			patch[wanted.name] = propertyConfig(wanted);
			addedProperties.push(wanted.name);
			Object.assign(missingStatusOptions, wantedStatusOptions([wanted], defaultStatusOptions));
			continue;
		}
		if (current.type !== wanted.type) {
			typeMismatches.push({ name: current.name, expected: wanted.type, actual: current.type });
			continue;
		}
		if (wanted.type === 'status' && wanted.options?.length) {
			// Never patched: Notion's API cannot change status options (it answers 400); a person adds them.
			const lacking = wanted.options.filter((o) => !(current.options ?? []).includes(o));
			if (lacking.length) missingStatusOptions[current.name] = lacking;
			continue;
		}
		if ((wanted.type === 'select' || wanted.type === 'multi_select') && wanted.options?.length) {
			const have = current.options ?? [];
			const missing = wanted.options.filter((o) => !have.includes(o));
			if (missing.length) {
				patch[current.id] = propertyConfig(wanted, have);
				addedOptions[current.name] = missing;
			}
		}
	}
	const changed = Object.keys(patch).length > 0;
	if (changed && !options.dryRun) {
		await notionCall('updateDataSource', () =>
			transport.client.dataSources.update({ data_source_id: schema.id, properties: patch as never }),
		);
	}
	return {
		databaseId,
		dataSourceId: schema.id,
		url: schema.url,
		title: schema.title || options.title,
		action: changed ? (options.dryRun ? 'wouldUpdate' : 'updated') : 'unchanged',
		addedProperties,
		addedOptions,
		typeMismatches,
		missingStatusOptions,
		manualSteps: statusSteps(missingStatusOptions, schema.title || options.title),
		dryRun: options.dryRun || undefined,
	};
}
