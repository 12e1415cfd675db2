import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import type { HubSpotBatchOutcome, HubSpotObject, HubSpotObjectType } from '../../../lib/hubspot';
import { ValidationError } from '../../../lib/errors';
import { parseWith } from '../../../lib/validation';
import { errorItemJson, toNodeError } from '../../shared/n8nAdapter';

/** What the record operations share: object type, parameters, and turning batch outcomes into one item per input. */

export type RecordResource = 'company' | 'contact';
export const OBJECT_TYPE: Record<RecordResource, HubSpotObjectType> = { company: 'companies', contact: 'contacts' };

export function objectTypeOf(ctx: IExecuteFunctions): HubSpotObjectType {
	const resource = ctx.getNodeParameter('resource', 0) as RecordResource;
	return OBJECT_TYPE[resource];
}

export const recordResources = ['company', 'contact'];

export function recordIdParameter(operation: string, description: string): INodeProperties {
	return {
		displayName: 'Record ID',
		name: 'recordId',
		type: 'string',
		default: '',
		required: true,
		description,
		displayOptions: { show: { resource: recordResources, operation: [operation] } },
	};
}

export function propertiesToSetParameter(operation: string): INodeProperties {
	return {
		displayName: 'Properties',
		name: 'propertyValues',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Property',
		default: {},
		description: 'HubSpot property internal names and the values to write (HubSpot stores every value as text)',
		// Version 1 only; version 2 has the Properties resource mapper (propertiesMapper.ts).
		displayOptions: { show: { resource: recordResources, operation: [operation], '@version': [1] } },
		options: [
			{
				displayName: 'Property',
				name: 'values',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'msp_health_score', description: 'Internal name of the property' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'Value to write; an empty value clears the property' },
				],
			},
		],
	};
}

export function propertiesToReturnParameter(operations: string[]): INodeProperties {
	return {
		displayName: 'Properties to Return',
		name: 'returnProperties',
		type: 'string',
		default: '',
		placeholder: 'name, domain, msp_health_score',
		description: 'Comma-separated internal names; empty returns HubSpot\'s default properties',
		displayOptions: { show: { resource: recordResources, operation: operations } },
	};
}

export { readLimit, returnAllAndLimit } from '../../shared/parameters';

const nameSchema = z.string().trim().regex(/^[a-z0-9_]+$/, 'an internal property name (lower case letters, digits and _)');
const valuesSchema = z.array(z.object({ name: nameSchema, value: z.unknown() }));

/** Properties to write for item `i`, checked: internal names, each once; values sent as text, empty as "" (clears). */
export function readPropertyValues(ctx: IExecuteFunctions, i: number, operation: string): Record<string, string> {
	const raw = ctx.getNodeParameter('propertyValues.values', i, []) as unknown;
	const values = parseWith(valuesSchema, raw, { what: "parameter 'Properties'", service: 'hubspot', operation, itemIndex: i });
	const out: Record<string, string> = {};
	for (const { name, value } of values) {
		if (name in out) {
			throw new ValidationError(`Parameter 'Properties' names "${name}" twice (item ${i}); give each property once`, { service: 'hubspot', operation, itemIndex: i, field: name });
		}
		out[name] = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
	}
	return out;
}

export function readReturnProperties(ctx: IExecuteFunctions, i: number): string[] | undefined {
	const text = String(ctx.getNodeParameter('returnProperties', i, '') ?? '');
	const names = text
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	return names.length ? names : undefined;
}

export function recordJson(object: HubSpotObject | undefined): IDataObject {
	if (!object) return {};
	return { id: object.id, properties: object.properties as IDataObject, createdAt: object.createdAt ?? null, updatedAt: object.updatedAt ?? null };
}

/**
 * One item per input from batch outcomes (each outcome's `index` is its input item). A failed input becomes an error
 * item with Continue On Fail; otherwise the node stops with the first failure, naming its item (inputs in the same
 * batch that succeeded were written: their outcome is in HubSpot, and a re-run converges).
 */
export function outcomeItems(ctx: IExecuteFunctions, outcomes: HubSpotBatchOutcome[], toJson: (o: HubSpotBatchOutcome) => IDataObject): INodeExecutionData[] {
	const failed = outcomes.find((o) => o.status === 'failed');
	if (failed && !ctx.continueOnFail()) throw toNodeError(ctx.getNode(), failed.error, failed.index);
	return outcomes.map((o) => ({
		json: o.status === 'failed' ? { action: 'failed', ...errorItemJson(o.error) } : toJson(o),
		pairedItem: { item: o.index },
	}));
}
