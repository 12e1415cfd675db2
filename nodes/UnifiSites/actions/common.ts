import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

type Show = NonNullable<IDisplayOptions['show']>;

// Shared with every node of the package (nodes/shared/parameters.ts).
export { readLimit, readLocator, readSimplify, returnAllAndLimit, simplifyParameter } from '../../shared/parameters';

export function siteLocator(show: Show, required = true): INodeProperties {
	return {
		displayName: 'Site',
		name: 'site',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required,
		description: 'The UniFi site (Site Manager site ID)',
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a site...',
				typeOptions: { searchListMethod: 'searchSites', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '66f0c1e2a3b4c5d6e7f80912',
			},
		],
	};
}

export function hostLocator(show: Show, required: boolean, description: string): INodeProperties {
	return {
		displayName: 'Host',
		name: 'host',
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
				placeholder: 'Select a console...',
				typeOptions: { searchListMethod: 'searchHosts', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '900A6F00301100000000074A6BA90000000007A3387E0000000063EC9853:123456789',
			},
		],
	};
}

/** Local console site (Client and Network resources): short name such as "default". */
export function localSiteParameters(show: Show): INodeProperties[] {
	return [
		{
			displayName: 'All Sites',
			name: 'allSites',
			type: 'boolean',
			default: false,
			description: 'Whether to read every site of the console instead of one',
			displayOptions: { show },
		},
		{
			displayName: 'Local Site',
			name: 'localSite',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description: 'The site on the console (its short name, for example "default")',
			displayOptions: { show: { ...show, allSites: [false] } },
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					placeholder: 'Select a site...',
					typeOptions: { searchListMethod: 'searchLocalSites', searchable: true },
				},
				{
					displayName: 'By Name',
					name: 'id',
					type: 'string',
					placeholder: 'default',
				},
			],
		},
	];
}
