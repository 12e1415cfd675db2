import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';
import type { ServiceName } from '../../lib/errors';
import { parseWith } from '../../lib/validation';

/** Node parameters every list operation of the package shares, and their readers, written once. */

type Show = NonNullable<IDisplayOptions['show']>;

/** Return All + Limit (Limit shown only while Return All is off), as n8n's own nodes name and word them. */
export function returnAllAndLimit(show: Show): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}

export function simplifyParameter(show: Show): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
		displayOptions: { show },
	};
}

const limitSchema = z.object({ returnAll: z.boolean(), limit: z.number().int('a whole number').min(1) });

/** Return All + Limit of item `i`, checked; undefined means "everything". */
export function readLimit(ctx: IExecuteFunctions, i: number, service: ServiceName, operation: string): number | undefined {
	const returnAll = ctx.getNodeParameter('returnAll', i, false) as boolean;
	const params = parseWith(limitSchema, { returnAll, limit: returnAll ? 1 : ctx.getNodeParameter('limit', i, 50) }, { what: 'parameters', service, operation, itemIndex: i });
	return params.returnAll ? undefined : params.limit;
}

export function readSimplify(ctx: IExecuteFunctions, i: number): boolean {
	return ctx.getNodeParameter('simplify', i, true) as boolean;
}

/** Value of a resource locator parameter (any mode), trimmed; '' when empty. */
export function readLocator(ctx: IExecuteFunctions, name: string, i: number): string {
	const value = ctx.getNodeParameter(name, i, '', { extractValue: true }) as unknown;
	if (value && typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value ?? '').trim();
	return String(value ?? '').trim();
}
