import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class MspNotionApi implements ICredentialType {
	name = 'mspNotionApi';

	displayName = 'Notion Sync API';

	icon = { light: 'file:../nodes/NotionSync/notionSync.svg', dark: 'file:../nodes/NotionSync/notionSync.dark.svg' } as const;

	documentationUrl = 'https://developers.notion.com/docs/authorization#internal-integration-auth-flow-set-up';

	properties: INodeProperties[] = [
		{
			displayName: 'Internal Integration Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The internal integration secret (Settings > Connections > Develop or manage integrations). Share the parent page or databases with the integration.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.notion.com',
			description: 'Notion API base URL without /v1 (change only for a proxy or a local emulator)',
		},
		{
			displayName: 'API Version',
			name: 'notionVersion',
			type: 'string',
			default: '2025-09-03',
			description: 'Notion-Version header. The nodes are written for 2025-09-03 (databases with data sources).',
		},
		{
			displayName: 'Requests per Second',
			name: 'requestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 0.1, maxValue: 100, numberPrecision: 2 },
			default: 3,
			description: 'Average pace of calls for this token across all Notion Sync nodes in this n8n process (Notion documents 3 per second)',
		},
		{
			displayName: 'Burst',
			name: 'burst',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: 3,
			description: 'How many calls may go out at once before pacing starts',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.token}}',
				'Notion-Version': '={{$credentials.notionVersion || "2025-09-03"}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.notion.com").replace(/\\/+$/, "")}}/v1',
			url: '/users/me',
			method: 'GET',
		},
	};
}
