import type { FieldType, IDisplayOptions, IExecuteFunctions, INodeProperties, INodePropertyOptions, ResourceMapperField, ResourceMapperTypeOptions } from 'n8n-workflow';
import { z } from 'zod';
import { ConfigError, type ServiceName } from '../../lib/errors';
import { parseWith } from '../../lib/validation';

/**
 * The mapping parameter of the package's write operations, on n8n's `resourceMapper` (as Airtable V2, Postgres and
 * Google Sheets use it): the panel loads the target's columns, the user maps each one or lets the node map input
 * fields by name, and picks the column to match on for upserts.
 */

type Show = NonNullable<IDisplayOptions['show']>;

export const MAP_BY_NAME = 'autoMapInputData';
export const DEFINE_BELOW = 'defineBelow';

export interface MapperParameterOptions {
	name?: string;
	displayName: string;
	/** The node's `methods.resourceMapping` entry that lists the columns. */
	method: string;
	/** Parameters whose change reloads the columns (e.g. `database.value`). */
	dependsOn: string[];
	mode: ResourceMapperTypeOptions['mode'];
	fieldWords: { singular: string; plural: string };
	show: Show;
	description?: string;
	matchingFieldsLabels?: ResourceMapperTypeOptions['matchingFieldsLabels'];
	noFieldsError?: string;
}

export function resourceMapperParameter(options: MapperParameterOptions): INodeProperties {
	return {
		displayName: options.displayName,
		name: options.name ?? 'columns',
		type: 'resourceMapper',
		noDataExpression: true,
		// Map by name is the default: an item whose fields are named like the columns needs no setup.
		default: { mappingMode: MAP_BY_NAME, value: null },
		required: true,
		description: options.description,
		displayOptions: { show: options.show },
		typeOptions: {
			loadOptionsDependsOn: options.dependsOn,
			resourceMapper: {
				resourceMapperMethod: options.method,
				mode: options.mode,
				fieldWords: options.fieldWords,
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: true,
				matchingFieldsLabels: options.matchingFieldsLabels,
				noFieldsError: options.noFieldsError,
			},
		},
	};
}

export interface MapperColumn {
	/** What the value is keyed by (a Notion property name, a HubSpot internal name). */
	id: string;
	displayName: string;
	type: FieldType;
	/** Whether the service takes a value for it; computed columns are listed read-only and left out. */
	writable: boolean;
	/** Whether it can be the column to match on. */
	matchable: boolean;
	/** The choices of an `options` column. */
	options?: INodePropertyOptions[];
}

/** One column of a mapper method's answer, as n8n's own mappers (Airtable V2) list writable and computed columns. */
export function mapperField(column: MapperColumn): ResourceMapperField {
	return {
		id: column.id,
		displayName: column.displayName,
		required: false,
		defaultMatch: false,
		canBeUsedToMatch: column.matchable,
		display: true,
		type: column.type,
		readOnly: !column.writable,
		removed: !column.writable,
		...(column.type === 'options' ? { options: column.options ?? [] } : {}),
	};
}

const mapperValueSchema = z.object({
	mappingMode: z.enum([MAP_BY_NAME, DEFINE_BELOW]),
	value: z.record(z.string(), z.unknown()).nullable().optional(),
	matchingColumns: z.array(z.string()).optional(),
});

export interface MappedColumns {
	/** True when the node maps the item's fields by name ("Map Automatically"). */
	byName: boolean;
	/** Column -> value set in the panel ("Map Each Column Manually"), expressions already evaluated for the item. */
	values: Record<string, unknown>;
	/** The column to match on (upsert and update mappers); undefined for add-only mappers. */
	matchOn?: string;
}

export interface ReadMapperOptions {
	name?: string;
	displayName: string;
	service: ServiceName;
	operation: string;
	/** Whether the operation needs exactly one matching column. */
	requireMatch: boolean;
	/** The panel's label of the matching column select (`matchingFieldsLabels.title`). */
	matchLabel?: string;
}

/** The resource mapper parameter of item `i`, checked. */
export function readResourceMapper(ctx: IExecuteFunctions, i: number, options: ReadMapperOptions): MappedColumns {
	const name = options.name ?? 'columns';
	// The whole parameter, not `<name>.value`: n8n would coerce values by the stored column types on that path
	// ('' to 0 for a number), while the service layer converts and validates every value itself.
	const raw = ctx.getNodeParameter(name, i, undefined) as unknown;
	const parsed = parseWith(mapperValueSchema, raw, { what: `parameter '${options.displayName}'`, service: options.service, operation: options.operation, itemIndex: i });
	const byName = parsed.mappingMode === MAP_BY_NAME;
	const values: Record<string, unknown> = {};
	// The editor keeps unset columns out of the value (it prunes nulls); the key of a value is the column's id.
	if (!byName) for (const [column, value] of Object.entries(parsed.value ?? {})) values[column] = value;
	const matching = (parsed.matchingColumns ?? []).filter((c) => c.trim() !== '');
	if (!options.requireMatch) return { byName, values };
	if (matching.length !== 1) {
		throw new ConfigError(
			matching.length === 0
				? `Parameter '${options.displayName}' has no column to match on; open the node and pick one under "${options.matchLabel ?? 'Columns to match on'}"`
				: `Parameter '${options.displayName}' matches on ${matching.length} columns (${matching.join(', ')}); pick exactly one`,
			{ service: options.service, operation: options.operation, field: `${name}.matchingColumns`, itemIndex: i },
		);
	}
	return { byName, values, matchOn: matching[0] };
}
