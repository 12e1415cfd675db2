import type { FieldType, ILoadOptionsFunctions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';
import type { HubSpotObjectType, HubSpotPropertyDefinition } from '../../../lib/hubspot';
import { toNodeError } from '../../shared/n8nAdapter';
import { mapperField } from '../../shared/resourceMapper';
import { OBJECT_TYPE, type RecordResource } from '../actions/common';
import { getHubSpotClient } from '../transport';

/** What the mapper reads of a property definition (GET /crm/v3/properties/{type}; docs/hubspot.md). */
export type MapperProperty = Pick<HubSpotPropertyDefinition, 'name' | 'label' | 'type' | 'fieldType'> &
	Partial<Pick<HubSpotPropertyDefinition, 'hasUniqueValue' | 'options' | 'calculated' | 'modificationMetadata'>>;

/**
 * The properties the sync may match records on besides those with `hasUniqueValue`: HubSpot's own keys of companies
 * and contacts. lib/hubspot/sync.ts takes any property but the record id (`hs_object_id`) as `uniqueProperty`; HubSpot
 * answers the batch read and write by it, and the sync checks nothing else, so the panel offers the same ones.
 */
const NATURAL_KEYS: Record<HubSpotObjectType, string> = { companies: 'domain', contacts: 'email' };

/** Whether HubSpot takes a value for the property: not computed by HubSpot, not read-only (record id, create date). */
export function isWritableProperty(p: MapperProperty): boolean {
	return p.calculated !== true && p.modificationMetadata?.readOnlyValue !== true && p.name !== 'hs_object_id';
}

/** Whether the property can be the match property of an upsert (see NATURAL_KEYS). */
export function canMatchOn(p: MapperProperty, objectType: HubSpotObjectType): boolean {
	return isWritableProperty(p) && (p.hasUniqueValue === true || p.name === NATURAL_KEYS[objectType]);
}

function fieldType(p: MapperProperty): FieldType {
	if (p.type === 'number') return 'number';
	if (p.type === 'bool' || p.fieldType === 'booleancheckbox') return 'boolean';
	if (p.type === 'date' || p.type === 'datetime') return 'dateTime';
	if (p.type === 'enumeration' && (p.options?.length ?? 0) > 0) return 'options';
	return 'string';
}

/**
 * One mapper column per property, in HubSpot's order, with the internal name as id (what the sync writes and what
 * Map Automatically matches item fields on) and "Label (name)" as its name. Calculated and read-only properties are
 * listed read-only and left out, as Airtable V2 shows its computed fields.
 */
export function hubSpotMapperFields(properties: MapperProperty[], objectType: HubSpotObjectType): ResourceMapperField[] {
	return properties.map((p) => {
		const writable = isWritableProperty(p);
		const labelled = Boolean(p.label) && p.label !== p.name;
		return mapperField({
			id: p.name,
			displayName: labelled ? `${p.label} (${p.name}${writable ? '' : ', read-only'})` : `${p.name}${writable ? '' : ' (read-only)'}`,
			type: fieldType(p),
			writable,
			matchable: canMatchOn(p, objectType),
			options: (p.options ?? []).map((o) => ({ name: o.label || o.value, value: o.value })),
		});
	});
}

/**
 * HubSpot's own company name and domain, as its property list describes them: with the MSP Health preset of Ensure
 * Properties, the columns the bundled Customer Status workflow stores for the editor (test/unit/pipelines).
 */
export const COMPANY_NAME_AND_DOMAIN: MapperProperty[] = [
	{ name: 'domain', label: 'Company Domain Name', type: 'string', fieldType: 'text' },
	{ name: 'name', label: 'Company name', type: 'string', fieldType: 'text' },
];

/** The Properties mapper of Create, Update and Create or Update: the properties of the resource's object type. */
export async function getProperties(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const resource = this.getNodeParameter('resource', 'company') as RecordResource;
	const objectType = OBJECT_TYPE[resource] ?? 'companies';
	try {
		const client = await getHubSpotClient(this);
		const fields = hubSpotMapperFields(await client.listProperties(objectType), objectType);
		return fields.some((f) => !f.readOnly) ? { fields } : { fields, emptyFieldsNotice: `HubSpot lists no property of ${objectType} that can be written` };
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
