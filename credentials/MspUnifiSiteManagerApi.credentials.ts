import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class MspUnifiSiteManagerApi implements ICredentialType {
	name = 'mspUnifiSiteManagerApi';

	displayName = 'UniFi Site Manager API';

	icon = { light: 'file:../nodes/UnifiSites/unifiSites.svg', dark: 'file:../nodes/UnifiSites/unifiSites.dark.svg' } as const;

	documentationUrl = 'https://developer.ui.com/site-manager-api/gettingstarted';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Create it at unifi.ui.com > API (left menu) > Create API Key. Site Manager keys are read-only.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.ui.com',
			description: 'Site Manager API base URL (change only for a proxy or a local emulator)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-API-KEY': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.ui.com").replace(/\\/+$/, "")}}',
			url: '/v1/hosts',
			qs: { pageSize: 1 },
			method: 'GET',
		},
	};
}
