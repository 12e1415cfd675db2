import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import type { NinjaOneClient } from '../../../lib/ninjaone';
import { parseWith } from '../../../lib/validation';
import { readLocator } from '../../shared/parameters';

type Show = NonNullable<IDisplayOptions['show']>;

// Shared with every node of the package (nodes/shared/parameters.ts).
export { readLimit, readLocator, readSimplify, returnAllAndLimit, simplifyParameter } from '../../shared/parameters';

export function deviceFilterParameter(show: Show): INodeProperties {
	return {
		displayName: 'Device Filter',
		name: 'df',
		type: 'string',
		default: '',
		placeholder: 'class in (WINDOWS_SERVER,WINDOWS_WORKSTATION) AND offline',
		description: 'NinjaOne device filter (df), for example "org = 12", "class in (MAC)", "status = APPROVED". Clauses are joined with AND.',
		displayOptions: { show },
	};
}

export function organizationLocator(show: Show, required: boolean, description: string): INodeProperties {
	return {
		displayName: 'Organization',
		name: 'organization',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required,
		description,
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select an organization...',
				typeOptions: { searchListMethod: 'searchOrganizations', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '12',
				validation: [{ type: 'regex', properties: { regex: '^\\d+$', errorMessage: 'An organization ID is a number' } }],
			},
		],
	};
}

export function deviceLocator(show: Show): INodeProperties {
	return {
		displayName: 'Device',
		name: 'device',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The NinjaOne device',
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a device...',
				typeOptions: { searchListMethod: 'searchDevices', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '1042',
				validation: [{ type: 'regex', properties: { regex: '^\\d+$', errorMessage: 'A device ID is a number' } }],
			},
		],
	};
}

const idSchema = z.string().regex(/^\d+$/, 'a numeric ID').transform(Number);

export function readNumericId(ctx: IExecuteFunctions, name: string, i: number, what: string): number {
	return parseWith(idSchema, readLocator(ctx, name, i), { what: `parameter '${what}'`, service: 'ninjaone', itemIndex: i });
}

/** Combine the Organization parameter (optional) with a user device filter. */
export function combineFilter(df: string, organizationId: string): string | undefined {
	const parts = [organizationId ? `org = ${organizationId}` : '', df.trim()].filter(Boolean);
	return parts.length ? parts.join(' AND ') : undefined;
}

/**
 * deviceId -> organizationId, loaded at most once per execution and device filter (the device list is paged with
 * the same filter as the query that needs it).
 */
export function deviceOrganizationCache(client: NinjaOneClient) {
	const cache = new Map<string, Promise<Map<number, number>>>();
	return (df: string | undefined, itemIndex: number): Promise<Map<number, number>> => {
		const key = df ?? '';
		let entry = cache.get(key);
		if (!entry) {
			entry = client.listDevices({ df, itemIndex }).then((devices) => new Map(devices.map((d) => [d.id, d.organizationId])));
			entry.catch(() => cache.delete(key));
			cache.set(key, entry);
		}
		return entry;
	};
}
