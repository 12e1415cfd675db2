import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { ConfigError, ValidationError } from '../../../lib/errors';
import type { HubSpotClient, HubSpotObjectType, HubSpotSyncValue } from '../../../lib/hubspot';
import { toNodeError } from '../../shared/n8nAdapter';
import { readResourceMapper, resourceMapperParameter } from '../../shared/resourceMapper';
import { isWritableProperty } from '../methods/resourceMapping';
import { recordResources } from './common';

/**
 * Version 2 of the record writes (Create, Update, Create or Update): one Properties resource mapper, loaded from the
 * object type's property list (methods/resourceMapping.ts), instead of version 1's fixed collection of names and
 * values (and, for upserts, Match By Property and Match Value).
 */

/** Version 1 parameters, kept so workflows saved with it run unchanged. */
export const V1 = { '@version': [1] };
export const V2 = { '@version': [{ _cnd: { gte: 2 } }] };
export const MATCH_LABEL = 'Property to Match On';
const DISPLAY_NAME = 'Properties';
const INTERNAL_NAME = /^[a-z0-9_]+$/;

export function propertiesMapperParameter(operation: 'create' | 'update' | 'upsert'): INodeProperties {
	const upsert = operation === 'upsert';
	return resourceMapperParameter({
		displayName: DISPLAY_NAME,
		method: 'getProperties',
		dependsOn: ['resource'],
		mode: upsert ? 'upsert' : 'add',
		fieldWords: { singular: 'property', plural: 'properties' },
		show: { resource: recordResources, operation: [operation], ...V2 },
		description: `Map Automatically writes every item field named like a writable property's internal name (msp_health_score, not MSP Health Score); other fields are ignored. Map Each Column Manually writes only the values set here; an empty value clears the property.${upsert ? ' Records are found by the property to match on and never duplicated.' : ''}`,
		matchingFieldsLabels: upsert
			? {
					title: MATCH_LABEL,
					description: 'A property with unique values (domain for companies, email for contacts, or a custom one with Unique Values on); records are found and updated by it',
					hint: 'Records are matched on this property and never duplicated',
				}
			: undefined,
		noFieldsError: 'HubSpot lists no property of this object type that can be written',
	});
}

export interface MappedRecord {
	/** The properties to write (internal name -> value). */
	properties: Record<string, HubSpotSyncValue>;
	/** The match property's value, as text ('' when the item has none); upserts only. */
	key?: string;
}

export interface MappedRecords {
	/** Whether the item fields were mapped by name (Map Automatically). */
	byName: boolean;
	/** The property to match on (upserts). */
	matchOn?: string;
	/** One per input item, in order. */
	records: MappedRecord[];
}

/** A value as HubSpot takes it: text, a number or a boolean; dates as ISO text; null clears. Objects are refused. */
function scalar(raw: unknown, i: number, name: string, operation: string): HubSpotSyncValue | undefined {
	if (raw === undefined) return undefined;
	if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return raw;
	if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
	if (raw instanceof Date && !Number.isNaN(raw.getTime())) return raw.toISOString();
	// A Luxon DateTime, as an expression such as {{ $now }} gives one.
	const toISO = (raw as { toISO?: unknown }).toISO;
	if (raw && typeof raw === 'object' && typeof toISO === 'function') return String(toISO.call(raw));
	const received = Array.isArray(raw) ? 'an array' : typeof raw === 'number' ? String(raw) : typeof raw;
	throw new ValidationError(
		`HubSpot item ${i}: property '${name}' is ${received === 'object' ? 'an object' : received}; HubSpot takes text, numbers and booleans: map one value of it, or leave the field out`,
		{ service: 'hubspot', operation, itemIndex: i, field: name, expected: 'a string, a finite number, a boolean or null', received },
	);
}

function keyText(value: HubSpotSyncValue | undefined): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

/**
 * The Properties mapper of every input item, checked. The mapper of item 0 is read before anything is sent, so a
 * mapper without a property to match on fails with no call made.
 *
 * Map Automatically writes the item fields whose names are writable properties of the object type. Which those are
 * comes from HubSpot's property list, read once per execution (one GET), not from the mapper's stored `schema`: the
 * schema is the list the editor loaded when the node was last opened (perhaps with another credential, before Ensure
 * Properties created a property, or never, for a workflow written as JSON), so it can name properties that are gone
 * and miss ones that exist now, and an item field taken for a property HubSpot does not have fails the whole batch.
 */
export async function readMappedRecords(
	ctx: IExecuteFunctions,
	client: HubSpotClient,
	objectType: HubSpotObjectType,
	operation: string,
	requireMatch: boolean,
): Promise<MappedRecords> {
	try {
		return await readMapped(ctx, client, objectType, operation, requireMatch);
	} catch (error) {
		// A mapper that cannot be used, or an item value HubSpot cannot take, stops the node before anything is written
		// (as version 1's Properties list does), naming the item and the field; Continue On Fail does not skip it.
		throw toNodeError(ctx.getNode(), error);
	}
}

async function readMapped(ctx: IExecuteFunctions, client: HubSpotClient, objectType: HubSpotObjectType, operation: string, requireMatch: boolean): Promise<MappedRecords> {
	const read = (i: number) => readResourceMapper(ctx, i, { displayName: DISPLAY_NAME, service: 'hubspot', operation, requireMatch, matchLabel: MATCH_LABEL });
	const first = read(0);
	const matchOn = first.matchOn;
	if (matchOn !== undefined && !INTERNAL_NAME.test(matchOn)) {
		throw new ConfigError(`Parameter '${DISPLAY_NAME}' matches on '${matchOn}', which is not a HubSpot internal property name; pick the property again under "${MATCH_LABEL}"`, {
			service: 'hubspot',
			operation,
			field: 'columns.matchingColumns',
			expected: 'an internal property name such as domain',
			received: matchOn,
			itemIndex: 0,
		});
	}
	let writable: Set<string> | undefined;
	if (first.byName) {
		writable = new Set((await client.listProperties(objectType)).filter(isWritableProperty).map((p) => p.name));
		if (matchOn !== undefined && !writable.has(matchOn)) {
			throw new ConfigError(`Parameter '${DISPLAY_NAME}' matches on '${matchOn}', which is not a writable property of HubSpot ${objectType}; pick another under "${MATCH_LABEL}"`, {
				service: 'hubspot',
				operation,
				field: 'columns.matchingColumns',
				received: matchOn,
				itemIndex: 0,
			});
		}
	}
	const records = ctx.getInputData().map((item, i): MappedRecord => {
		const mapping = i === 0 ? first : read(i);
		const json: IDataObject = item.json ?? {};
		const source: Record<string, unknown> = {};
		if (writable) {
			for (const [name, value] of Object.entries(json)) if (writable.has(name)) source[name] = value;
		} else {
			for (const [name, value] of Object.entries(mapping.values)) {
				if (!INTERNAL_NAME.test(name)) {
					throw new ValidationError(`Parameter '${DISPLAY_NAME}' (item ${i}) sets '${name}', which is not a HubSpot internal property name; remove it and add the property from the list`, {
						service: 'hubspot',
						operation,
						itemIndex: i,
						field: `columns.value.${name}`,
					});
				}
				source[name] = value;
			}
		}
		const properties: Record<string, HubSpotSyncValue> = {};
		for (const [name, raw] of Object.entries(source)) {
			const value = scalar(raw, i, name, operation);
			if (value !== undefined) properties[name] = value;
		}
		if (matchOn === undefined) return { properties };
		const key = writable ? json[matchOn] : mapping.values[matchOn];
		return { properties, key: keyText(scalar(key, i, matchOn, operation)) };
	});
	return { byName: first.byName, matchOn, records };
}
