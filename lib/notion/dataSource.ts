import { ConfigError, NotFoundError, ValidationError } from '../errors';
import { ownValue, setOwnValue } from '../records';
import { normaliseId } from './properties';
import { databaseSchema, dataSourceSchema, parseNotionResponse } from './responses';
import { notionCall, type NotionTransport } from './transport';

/** Resolving a database / data source reference to the data source's schema (property names, ids, types). */

export interface PropertySchema {
	id: string;
	name: string;
	type: string;
	/** Option names for select, multi_select and status. */
	options?: string[];
}

export interface DataSourceSchema {
	id: string;
	databaseId?: string;
	title: string;
	url?: string;
	properties: Record<string, PropertySchema>;
}

const HEX32 = /([0-9a-f]{32})|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

/**
 * A Notion id from an id, a URL (https://www.notion.so/workspace/Title-<32 hex>?v=...) or a `collection://` URL.
 * Returns the dashed UUID form.
 */
export function extractNotionId(input: string, what = 'Notion id'): string {
	const text = (input ?? '').trim();
	let candidate = text;
	if (/^(https?:|collection:)/i.test(text)) {
		const withoutQuery = text.split(/[?#]/)[0];
		const segments = withoutQuery.split('/').filter(Boolean);
		candidate = segments[segments.length - 1] ?? '';
	}
	const match = HEX32.exec(candidate);
	if (!match) {
		throw new ValidationError(`Invalid ${what}: expected a Notion id or URL, received ${JSON.stringify(text.slice(0, 80))}`, {
			service: 'notion',
			field: what,
			expected: '32 hex characters (with or without dashes) or a Notion URL',
			received: text.slice(0, 80),
		});
	}
	const hex = match[0].replace(/-/g, '').toLowerCase();
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type RawProperty = { id?: string; name?: string; type?: string; [k: string]: unknown };

export function schemaFromDataSource(raw: Record<string, unknown>): DataSourceSchema {
	const properties: Record<string, PropertySchema> = {};
	for (const [name, value] of Object.entries((raw.properties ?? {}) as Record<string, RawProperty>)) {
		const type = value.type ?? 'unknown';
		const config = value[type] as { options?: Array<{ name?: string }> } | undefined;
		setOwnValue(properties, name, {
			id: value.id ?? name,
			name: value.name ?? name,
			type,
			options: Array.isArray(config?.options) ? config.options.map((o) => o.name ?? '').filter(Boolean) : undefined,
		});
	}
	const parent = raw.parent as { database_id?: string } | undefined;
	const title = Array.isArray(raw.title) ? (raw.title as Array<{ plain_text?: string; text?: { content?: string } }>).map((t) => t.plain_text ?? t.text?.content ?? '').join('') : '';
	return {
		id: String(raw.id),
		databaseId: parent?.database_id,
		title,
		url: typeof raw.url === 'string' ? raw.url : undefined,
		properties,
	};
}

export interface DataSourceRef {
	databaseId?: string;
	dataSourceId?: string;
}

/** Data sources of a database: `GET /v1/databases/{id}` -> `data_sources: [{id, name}]`. */
export async function listDataSources(transport: NotionTransport, databaseId: string): Promise<Array<{ id: string; name: string }>> {
	const raw = await notionCall('getDatabase', () => transport.client.databases.retrieve({ database_id: databaseId }));
	const db = parseNotionResponse(databaseSchema, raw, 'getDatabase');
	return (db.data_sources ?? []).map((d) => ({ id: d.id, name: d.name ?? '' }));
}

/**
 * The data source to work on, with its schema: the given data source, or the database's only/first data source.
 * One call with a data source id, two with only a database id.
 */
export async function resolveDataSource(transport: NotionTransport, ref: DataSourceRef): Promise<DataSourceSchema> {
	let dataSourceId = ref.dataSourceId?.trim() ? extractNotionId(ref.dataSourceId, 'data source id') : undefined;
	if (!dataSourceId) {
		if (!ref.databaseId?.trim()) throw new ConfigError('Choose a Notion database or data source', { service: 'notion', field: 'database' });
		const databaseId = extractNotionId(ref.databaseId, 'database id');
		const sources = await listDataSources(transport, databaseId);
		if (sources.length === 0) {
			throw new NotFoundError(`Notion database ${databaseId} has no data sources the integration can see`, { service: 'notion', operation: 'getDatabase' });
		}
		dataSourceId = sources[0].id;
	}
	const id = dataSourceId;
	const raw = await notionCall('getDataSource', () => transport.client.dataSources.retrieve({ data_source_id: id }));
	const schema = schemaFromDataSource(parseNotionResponse(dataSourceSchema, raw, 'getDataSource'));
	if (ref.databaseId?.trim() && schema.databaseId && normaliseId(schema.databaseId) !== normaliseId(extractNotionId(ref.databaseId, 'database id'))) {
		throw new ConfigError(`Data source ${id} does not belong to database ${ref.databaseId}`, { service: 'notion', field: 'dataSource' });
	}
	return schema;
}

/** Find a property by exact name, then by case- and space-insensitive name. */
export function findProperty(schema: DataSourceSchema, name: string): PropertySchema | undefined {
	const exact = ownValue(schema.properties, name);
	if (exact) return exact;
	const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
	const wanted = norm(name);
	const matches = Object.values(schema.properties).filter((p) => norm(p.name) === wanted);
	return matches.length === 1 ? matches[0] : undefined;
}
